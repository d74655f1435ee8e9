"""Offline render: run the real program under Pulumi's mocks and record what the engine would receive.

`render(path, parameters)` runs `__main__.py` with `pulumi.runtime.set_mocks`, an `OfflineCloud` answering
like an empty OpenStack, and a monitor that records every RegisterResource request as sent (inputs in
camelCase, options, parent, aliases). Every custom resource's inputs are checked against the provider schema.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import gc
import gzip
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource_rpc
from pulumi.runtime import rpc, settings
from pulumi.runtime.proto import resource_pb2, source_pb2

from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.tools.cloudmodel import OfflineCloud
from openstack_stacks.tools.ordering import ConstructionOrder, canonical
from openstack_stacks.tools.schema import DYNAMIC_PREFIX, SECRET_SIG, check_inputs
from openstack_stacks.tools.schema import plain_value as _plain
from openstack_stacks.tools.urns import engine_urn, normalise

PROJECT = "openstack-stacks"
# Relative stack paths that do not exist from the working directory are tried from the checkout (when running
# from one): `python -m components render stacks/web.yaml` from anywhere inside it.
ROOT = Path(__file__).resolve().parents[2]
INSTANCE = "openstack:compute/instance:Instance"


def secret_digest(value: Any) -> str:
    """Keyed digest of a secret value (the value itself is never written; the key stays out of the plan:
    `openstack_stacks.tools.plankey`)."""
    from openstack_stacks.tools.plankey import digest

    return digest(json.dumps(value, sort_keys=True).encode())


def _redact(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict) and SECRET_SIG in value:
        return {"secret": secret_digest(_redact(value.get("value"))[0])}, True
    if isinstance(value, dict):
        out, secret = {}, False
        for k, v in value.items():
            out[k], s = _redact(v)
            secret |= s
        return out, secret
    if isinstance(value, list):
        pairs = [_redact(v) for v in value]
        return [v for v, _ in pairs], any(s for _, s in pairs)
    return value, False


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def _sdk_tuned_for_mocks() -> Iterator[None]:
    """While a render runs: str() of an Output raises (instead of returning a warning text that would reach
    the cloud as a value), and the SDK skips the stack trace it walks and formats for every registration
    for the engine's source positions, which the mocks discard (about a tenth of a large render)."""
    stack_trace = getattr(pulumi_resource_rpc, "_get_stack_trace", None)
    strict_outputs = os.environ.get("PULUMI_ERROR_OUTPUT_STRING")
    if stack_trace is not None:
        pulumi_resource_rpc._get_stack_trace = _no_stack_trace
    os.environ["PULUMI_ERROR_OUTPUT_STRING"] = "true"
    try:
        yield
    finally:
        if stack_trace is not None:
            pulumi_resource_rpc._get_stack_trace = stack_trace
        if strict_outputs is None:
            os.environ.pop("PULUMI_ERROR_OUTPUT_STRING", None)
        else:
            os.environ["PULUMI_ERROR_OUTPUT_STRING"] = strict_outputs


@contextmanager
def _gc_tuned_for_render() -> Iterator[None]:
    """While a render runs, Python's cyclic garbage collector leaves the long-lived objects alone.

    A render allocates objects that live until it ends (resources, Outputs, futures, recorded requests);
    with the default thresholds (700, 10, 10) the collector re-scans them again and again, about half of
    a large render's CPU. Everything alive before the render is frozen (never scanned), and the youngest
    generation is collected every 100,000 allocations instead of 700; cycles are still collected, so
    memory stays bounded. Restored afterwards.
    """
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class _ResourceHashes:
    """Resource hashes that depend on the program, not on memory addresses.

    The SDK keeps resources in sets (a component's `_childResources`, an Output's `resources`) and awaits
    their URNs in set order while it expands dependencies (`pulumi.runtime.rpc._add_dependency`). With
    the default identity hash that order follows the objects' addresses, so two independent registrations
    (the two floating IPs of servers_in_new_neutron_net.yaml) reached the offline cloud in either order
    from render to render, and took each other's addresses. Here a resource's hash is its place (from 1)
    in the order this render first hashed resources: a function of the program alone, fixed for the object's
    lifetime (a set never loses it), and an ordinary hash for any other use. The engine promises no
    registration order (pulumi/pulumi#1990), so this matters only offline, where addresses are ours.
    """

    def __init__(self) -> None:
        self.counter = iter(())

    def install(self) -> None:
        """Give every Resource the counted hash (once per process; harmless outside a render)."""
        if getattr(pulumi.Resource.__hash__, "_counted", False):
            return
        hashes = self

        def counted_hash(resource: Any) -> int:
            try:
                return resource.__dict__["_offline_hash"]
            except KeyError:
                value = resource.__dict__["_offline_hash"] = next(hashes.counter, None) or id(resource)
                return value

        counted_hash._counted = True  # type: ignore[attr-defined]
        pulumi.Resource.__hash__ = counted_hash  # type: ignore[method-assign]

    @contextmanager
    def counting(self) -> Iterator[None]:
        """Number the resources first hashed inside the block from 1 (outside it: identity hashes)."""
        self.install()
        self.counter = itertools.count(1)
        try:
            yield
        finally:
            self.counter = iter(())


RESOURCE_HASHES = _ResourceHashes()


class InlineExecutor(ThreadPoolExecutor):
    """Runs each monitor call to completion, one at a time, before the event loop goes on.

    The SDK sends RegisterResource through the loop's default executor; with a real thread pool the order
    of registrations (and so of IP allocation in the offline cloud) varies from run to run. Blocking the
    loop on each call makes the whole render a deterministic function of the program. The call itself
    runs on the one worker thread, not on the loop's thread: MockMonitor pumps an event loop
    (`_sync_await`), and doing that on the running loop nests the loop inside itself, which hung or hit
    the recursion limit once a stack passed a few dozen servers.
    """

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="offline-monitor")

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future = super().submit(fn, *args, **kwargs)
        wait([future])
        return future


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """MockMonitor that keeps each registration request the way the engine would see it."""

    def __init__(self, cloud: OfflineCloud) -> None:
        super().__init__(cloud)
        self.records: list[dict[str, Any]] = []
        self.plain_inputs: dict[str, dict[str, Any]] = {}
        self.invokes: list[dict[str, Any]] = []  # provider function calls: token, provider reference ("" = default)
        self.input_dependencies: dict[str, dict[str, list[str]]] = {}

    def Invoke(self, request):  # noqa: N802 - gRPC name
        self.invokes.append({"token": request.tok, "provider": request.provider})
        return super().Invoke(request)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: the parent's whole type chain below the root stack (the mocks keep only the
        parent's last type)."""
        return engine_urn(settings.get_stack(), settings.get_project(), parent, type_, name)

    def GetDeploymentInfo(self, request):  # noqa: N802 - gRPC name
        # Without ALIAS_SPECS the SDK resolves aliases (and the aliases children inherit from a
        # renamed parent) into URNs itself, which is what we record for the diff.
        info = super().GetDeploymentInfo(request)
        features = [f for f in info.supportedFeatures if f != resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS]
        return resource_pb2.DeploymentInfo(supportedFeatures=features)

    def RegisterResource(self, request):  # noqa: N802 - gRPC name
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        raw = rpc.deserialize_properties(request.object) if request.custom else {}
        raw = {k: v for k, v in raw.items() if not k.startswith("__")}
        inputs, _ = _redact(raw)
        secret_inputs = sorted(k for k, v in raw.items() if _redact(v)[1])
        aliases = [normalise(u) for u in [*request.aliasURNs, *(a.urn for a in request.aliases if a.urn)]]
        self.records.append({
            "urn": response.urn,
            "name": request.name,
            "type": request.type,
            "custom": bool(request.custom),
            "parent": request.parent or None,
            "id": response.id or None,
            "inputs": inputs,
            "secretInputs": secret_inputs,
            "options": {
                "protect": bool(request.protect),
                "retainOnDelete": bool(request.retainOnDelete),
                "deleteBeforeReplace": bool(request.deleteBeforeReplace),
                "ignoreChanges": list(request.ignoreChanges),
                "replaceOnChanges": list(request.replaceOnChanges),
                "dependsOn": sorted(set(request.dependencies)),
                "aliases": sorted(set(aliases)),
            },
        })
        if request.provider:  # "<provider urn>::<id>"; absent = the default provider
            self.records[-1]["provider"] = request.provider
        self.plain_inputs[response.urn] = _plain(raw)
        self._record_input_dependencies(response.urn, request)
        return response

    def _record_input_dependencies(self, urn: str, request: Any) -> None:
        """Which resources each input's value came from (the data dependencies, beside `dependsOn`); the
        dependency-graph benchmark compares the graph as built with this minimal one."""
        deps = {key: sorted(set(value.urns)) for key, value in request.propertyDependencies.items() if value.urns}
        if deps:
            self.input_dependencies[urn] = deps


@dataclass
class UserDataRecord:
    """The user data of one server as the provider receives it, decoded."""

    server: str
    urn: str
    user_data: str
    mime: bytes
    compressed: bool
    secret: bool
    parts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The base64 length Nova checks against its 65535-byte limit."""
        return len(self.user_data) if self.compressed else len(base64.b64encode(self.user_data.encode()))


@dataclass
class Plan:
    """Everything the engine would receive for one stack, plus decoded user data, notes and files."""

    source: str
    stack: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any]
    user_data: dict[str, UserDataRecord]
    notes: list[str]
    artifacts: dict[str, str]
    invokes: list[dict[str, Any]] = field(default_factory=list)  # lookups as sent: token, provider ("" default)
    # URN -> input name -> URNs its value came from (not written to plan.json).
    input_dependencies: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def by_type(self, token: str) -> list[dict[str, Any]]:
        """Recorded resources of one type token, in registration order."""
        return [r for r in self.resources if r["type"] == token]

    def get(self, name: str, token: str | None = None) -> dict[str, Any]:
        """The one resource with this logical name (and type)."""
        found = [r for r in self.resources if r["name"] == name and (token is None or r["type"] == token)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def to_dict(self) -> dict[str, Any]:
        """The plan.json document."""
        return {
            "project": PROJECT,
            "stack": self.stack,
            "source": self.source,
            "resources": self.resources,
            "outputs": self.outputs,
            "userData": {
                name: {"urn": rec.urn, "compressed": rec.compressed, "size": rec.size, "secret": rec.secret,
                       "parts": rec.parts}
                for name, rec in self.user_data.items()
            },
            "notes": self.notes,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def write(self, out: str | Path) -> list[Path]:
        """Write plan.json, userdata/<server>.mime|.user_data and artifacts under `out`."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "plan.json"]
        written[0].write_text(self.to_json())
        if self.user_data:
            (out / "userdata").mkdir(exist_ok=True)
        directory = str(out / "userdata")
        for name, rec in self.user_data.items():
            for suffix, data in ((".mime", rec.mime), (".user_data", rec.user_data.encode())):
                path = os.path.join(directory, name + suffix)
                _write_file(path, data, private=rec.secret)
                written.append(Path(path))
        for rel, text in sorted(self.artifacts.items()):
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            written.append(path)
        return written


def _write_file(path: str, data: bytes, *, private: bool) -> None:
    """Write `data` with one open/write/close; a private file (user data carrying a secret) is created
    readable by its owner only, never briefly world-readable."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
    try:
        if private:
            os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def decode_user_data(user_data: str) -> tuple[bytes, bool]:
    """The MIME bytes behind a user_data input, and whether it was gzip+base64."""
    try:
        raw = base64.b64decode(user_data, validate=True)
        if raw[:2] == b"\x1f\x8b":
            return gzip.decompress(raw), True
    except (binascii.Error, ValueError, OSError):
        pass
    return user_data.encode(), False


def mime_parts(mime: bytes) -> list[dict[str, Any]]:
    """Filename, content type, size and digest of each part of a multipart user data."""
    fast = _parts_of_our_layout(mime)
    return fast if fast is not None else _parts_by_email(mime)


# The layout `userdata.mime.render_mime` writes (a fixed boundary that no part contains, headers as below).
_OUR_HEAD = b'Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\nMIME-Version: 1.0\r\n\r\n--MIMEBOUNDARY\r\n'
_OUR_TAIL = b"\r\n--MIMEBOUNDARY--\r\n"
_OUR_SEPARATOR = b"\r\n--MIMEBOUNDARY\r\n"


def _parts_of_our_layout(mime: bytes) -> list[dict[str, Any]] | None:
    """`_parts_by_email` for a message in our own writer's layout, without the `email` parser (which costs
    more than building the message); None for anything else, which `email` then reads."""
    if not (mime.startswith(_OUR_HEAD) and mime.endswith(_OUR_TAIL)):
        return None
    parts = []
    for chunk in mime[len(_OUR_HEAD):-len(_OUR_TAIL)].split(_OUR_SEPARATOR):
        head, sep, body = chunk.partition(b"\r\n\r\n")
        if not sep:
            return None
        headers = {}
        for line in head.split(b"\r\n"):
            name, colon, value = line.partition(b": ")
            if not colon:
                return None
            headers[name.decode("ascii").lower()] = value.decode("ascii")
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        encoding = headers.get("content-transfer-encoding", "7bit").lower()
        disposition = headers.get("content-disposition")
        filename = None
        if disposition is not None:
            prefix = 'attachment; filename="'
            if not disposition.startswith(prefix) or not disposition.endswith('"') or "\\" in disposition:
                return None
            filename = disposition[len(prefix):-1]
            if '"' in filename:
                return None
        if not content_type or encoding not in ("7bit", "base64"):
            return None
        payload = base64.b64decode(body) if encoding == "base64" else body
        parts.append({"filename": filename, "contentType": content_type, "size": len(payload),
                      "sha256": hashlib.sha256(payload).hexdigest()})
    return parts


def _parts_by_email(mime: bytes) -> list[dict[str, Any]]:
    message = email.message_from_bytes(mime, policy=email.policy.compat32)
    if not message.is_multipart():
        return [{"filename": None, "contentType": "text/x-not-multipart", "size": len(mime),
                 "sha256": hashlib.sha256(mime).hexdigest()}]
    parts = []
    for part in message.get_payload():
        body = part.get_payload(decode=True) or b""
        parts.append({"filename": part.get_filename(), "contentType": part.get_content_type(),
                      "size": len(body), "sha256": hashlib.sha256(body).hexdigest()})
    return parts


def _config_map(stack_file: str, parameters: dict[str, Any], secret_parameters: dict[str, Any],
                env_files: list[str], allowed_roots: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The config map and secret keys the CLI would hand the program (`PULUMI_CONFIG`,
    `PULUMI_CONFIG_SECRET_KEYS`) for these values, secrets under `secretParameters`; `allowed_roots` as
    config `allowedRoots`."""
    cfg = {f"{PROJECT}:stackFile": stack_file, f"{PROJECT}:parameters": json.dumps(parameters)}
    secret_keys = []
    if secret_parameters:
        cfg[f"{PROJECT}:secretParameters"] = json.dumps(secret_parameters)
        secret_keys.append(f"{PROJECT}:secretParameters")
    if env_files:
        cfg[f"{PROJECT}:environment"] = json.dumps(env_files)
    if allowed_roots:
        cfg[f"{PROJECT}:allowedRoots"] = json.dumps([str(Path(r).resolve()) for r in allowed_roots])
    return cfg, secret_keys


def render(
    path: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    env_files: list[str] | tuple[str, ...] = (),
    stack: str = "dev",
    secret_parameters: dict[str, Any] | None = None,
    allowed_roots: list[str] | tuple[str, ...] = (),
) -> Plan:
    """Run the real program for `path` offline; raise StackError on bad input or a schema violation.

    `secret_parameters` are given as `pulumi config set --path secretParameters.NAME --secret` gives them;
    `allowed_roots` widen where file references may read (config `allowedRoots`).
    """
    from openstack_stacks import program
    path = Path(path)
    if not path.exists():
        raise StackError("no such file", file=str(path))
    config, secret_keys = _config_map(str(path), dict(parameters or {}), dict(secret_parameters or {}),
                                      list(env_files), list(allowed_roots))
    with _gc_tuned_for_render():
        return run_program(program.main, source=str(path), config=config, stack=stack, secret_keys=secret_keys)


def run_program(
    program_body: Any, *, source: str, config: dict[str, str] | None = None, stack: str = "dev",
    secret_keys: list[str] | None = None,
) -> Plan:
    """Run `program_body()` (a Pulumi program) under the offline cloud and return what it registered."""
    cloud = OfflineCloud()
    monitor = RecordingMonitor(cloud)
    settings.ROOT.set(None)
    report.take()
    pulumi.runtime.set_mocks(cloud, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    outputs_holder: dict[str, Any] = {}
    artifacts_holder: dict[str, str] = {}
    failure: list[BaseException] = []

    construction = ConstructionOrder()

    @pulumi.runtime.test
    def program() -> pulumi.Output[Any]:
        try:
            with construction.body():
                program_body()
        except BaseException as exc:
            failure.append(exc)
            return pulumi.Output.from_input(None)
        root = settings.get_root_resource()
        outputs = dict(getattr(root, "outputs", {}) or {})
        artifacts = dict(report.peek_artifacts())

        async def collect() -> None:
            for key, value in outputs.items():
                out = pulumi.Output.from_input(value)
                plain = await out.future(with_unknowns=False)
                outputs_holder[key] = {SECRET_SIG: True, "value": plain} if await out.is_secret() else plain
            for rel, value in artifacts.items():
                artifacts_holder[rel] = str(await pulumi.Output.from_input(value).future())

        return pulumi.Output.from_input(collect())

    loop = pulumi.runtime.sync_await._ensure_event_loop()
    executor = InlineExecutor()
    loop.set_default_executor(executor)
    cwd = os.getcwd()
    try:
        with _sdk_tuned_for_mocks(), construction.watching(), RESOURCE_HASHES.counting():
            # Relative paths in the program (stack files, get_file) resolve from the project directory.
            if not Path(cwd, source).exists() and (ROOT / source).exists():
                os.chdir(ROOT)
            program()
    except StackError as exc:
        failure.append(exc)
    except Exception as exc:
        failure.append(exc)
    finally:
        os.chdir(cwd)
        executor.shutdown(wait=True)
    scrubbed = [report.scrub(n) for n in report.peek_notes()]
    errors = [_scrubbed(_as_stack_error(exc, Path(source))) for exc in [*failure, *cloud.errors]]
    notes, _ = report.take()
    notes = scrubbed
    for error in errors:
        raise error
    _check_schema(monitor, Path(source))
    return Plan(
        source=source,
        stack=stack,
        resources=canonical(monitor.records, construction),
        outputs=_redact_outputs(outputs_holder),
        user_data=_user_data(monitor),
        notes=notes,
        artifacts=artifacts_holder,
        invokes=monitor.invokes,
        input_dependencies=monitor.input_dependencies,
    )


def _as_stack_error(exc: BaseException, path: Path) -> StackError:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, StackError):
            return current.with_context(file=str(path))
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return _explained(exc, path)


_SDK_TYPE = re.compile(r"Unexpected type; expected a value of type `<class '(\w+)'>` but got a value of type "
                       r"`<class '(\w+)'>` at resource `([^`]+)`, property `([^`]+)`")
_KINDS = {"str": "a string", "int": "a whole number", "float": "a number", "bool": "true or false",
          "dict": "a mapping", "list": "a list"}


def _explained(exc: BaseException, path: Path) -> StackError:
    """One clear line for an exception that is not a StackError (a gap in the checks; never a traceback)."""
    text = " ".join(str(exc).split())
    found = _SDK_TYPE.search(text)
    if found:  # the SDK's own input type check names the resource and the property
        want, got, resource, prop = found.groups()
        return StackError(f"must be {_KINDS.get(want, want)}, got {_KINDS.get(got, got)}", file=str(path),
                          resource=resource, field=prop)
    if isinstance(exc, RecursionError):
        return StackError("nested too deeply to process", file=str(path))
    if isinstance(exc, (TypeError, AttributeError, KeyError, IndexError)):
        return StackError(f"a value has the wrong type or shape ({text or type(exc).__name__})", file=str(path))
    return StackError(f"invalid input ({text or type(exc).__name__})", file=str(path))


def _scrubbed(error: StackError) -> StackError:
    """The error with every secret parameter value replaced by `[secret]` (a value can reach a message
    through a check that did not know it was secret: a CIDR, a cloud-config schema error, ...)."""
    return StackError(report.scrub(error.message), file=error.file,
                      resource=report.scrub(error.resource) if error.resource else None,
                      field=report.scrub(error.field) if error.field else None)


def _check_schema(monitor: RecordingMonitor, path: Path) -> None:
    for record in monitor.records:
        if not record["custom"] or not record["type"].startswith(("openstack:", DYNAMIC_PREFIX)):
            continue
        problems = check_inputs(record["type"], monitor.plain_inputs[record["urn"]])
        if problems:
            raise StackError(
                f"{record['type']} inputs rejected by the provider schema: {'; '.join(problems)}",
                file=str(path), resource=record["name"],
            )


def _user_data(monitor: RecordingMonitor) -> dict[str, UserDataRecord]:
    out: dict[str, UserDataRecord] = {}
    for record in monitor.records:
        if record["type"] != INSTANCE:
            continue
        plain = monitor.plain_inputs[record["urn"]].get("userData")
        if not plain:
            continue
        mime, compressed = decode_user_data(plain)
        out[record["name"]] = UserDataRecord(
            server=record["name"], urn=record["urn"], user_data=plain, mime=mime, compressed=compressed,
            secret="userData" in record["secretInputs"], parts=mime_parts(mime),
        )
    return out


def _redact_outputs(outputs: dict[str, Any]) -> dict[str, Any]:
    return {k: _redact(v)[0] for k, v in sorted(outputs.items())}
