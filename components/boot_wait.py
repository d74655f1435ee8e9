"""BootWait: a Pulumi resource whose create waits until servers have signalled a handle on their console.

The servers' user data report through the serial console (``userdata.signals``: framed lines written by the
helper, the curl shim or the one-line ``curl_cli``). ``create`` polls Nova's ``os-getConsoleOutput`` for each
server with backoff, until ``count`` distinct signal ids have arrived (Heat's rules: a repeated id counts once)
or ``timeout`` seconds pass. Outputs: ``data`` (Heat's JSON map id -> data), ``status``, ``reason``. A FAILURE
signal or a timeout fails the resource with the reason and the last console lines, secrets masked.

It is a ``pulumi.dynamic.Resource``: it runs under a plain ``pulumi up`` with no extra plugin. The provider
talks to the cloud with openstacksdk (``openstack.connect(cloud=...)``: clouds.yaml / ``OS_CLOUD`` /
``OS_*`` variables, as the OpenStack provider reads them), imported inside ``create`` so ``import components``
stays light. Needs from the cloud: console logs (serial console) enabled for the servers, and the policy
``os_compute_api:os-console-output`` (project member by default) for the stack's credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic as dynamic

from components.errors import StackError
from userdata import signals

TYPE = "pulumi-python:dynamic/openstack-stacks:BootWait"
DEFAULT_TIMEOUT = 900
MAX_TIMEOUT = 43200  # Heat's WaitCondition limit (12 h)
TAIL_LINES = 20
FIRST_DELAY, MAX_DELAY, BACKOFF = 5.0, 30.0, 1.5
# HTTP statuses after which reading the console cannot start working by waiting.
FATAL_STATUS = {400: "the request was refused", 401: "the credentials were refused",
                403: "the policy os_compute_api:os-console-output does not allow reading the console log",
                404: "the server does not exist", 501: "this cloud has no console log for the server"}
# Inputs as the provider schema check sees them (openstack_stacks/tools/schema.py).
SCHEMA: dict[str, Any] = {
    "requiredInputs": ["serverIds", "handle"],
    "inputProperties": {
        "serverIds": {"type": "array", "items": {"type": "string"}, "willReplaceOnChanges": True},
        "handle": {"type": "string", "willReplaceOnChanges": True},
        "count": {"type": "integer", "willReplaceOnChanges": True},
        "timeout": {"type": "integer"},
        "cloud": {"type": "string"},
        "secrets": {"type": "array", "items": {"type": "string"}},
        "description": {"type": "string"},
    },
}
REPLACE_ON = ("serverIds", "handle", "count")


class BootWaitError(Exception):
    """A wait failed: a FAILURE signal, a timeout, or a console log that cannot be read."""


@dataclass
class Collector:
    """Signals of one handle across polls and servers; a console log that rolled over keeps what was seen."""

    handle: str
    count: int
    seen: set[tuple[str, str, bytes]] = field(default_factory=set)
    state: signals.WaitState | None = None

    def __post_init__(self) -> None:
        self.state = signals.WaitState(handle=self.handle, count=self.count)

    def feed(self, text: str) -> None:
        frames, _ = signals.decode_frames(text)
        for frame in frames:
            key = (frame.handle, frame.nonce, frame.body)
            if frame.handle != self.handle or key in self.seen:
                continue
            self.seen.add(key)
            self.state.add(signals.to_signal(frame))


class ConsoleUnavailableError(BootWaitError):
    """Reading the console log failed in a way waiting cannot fix (policy, no console, no server)."""


def _tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def wait_for_signals(read_console: Callable[[str], str], server_ids: Sequence[str], handle: str, count: int = 1,
                     timeout: float = DEFAULT_TIMEOUT, *, secrets: Sequence[str] = (),
                     sleep: Callable[[float], None] = time.sleep,
                     clock: Callable[[], float] = time.monotonic) -> signals.WaitState:
    """Poll every server's console until the handle has `count` successes; raise BootWaitError otherwise.

    `read_console(server_id)` returns the console text (raises ConsoleUnavailableError when it never will)."""
    collector = Collector(signals.check_handle(handle), int(count))
    deadline = clock() + float(timeout)
    delay = FIRST_DELAY
    last: dict[str, str] = {}
    transient: str | None = None
    while True:
        for server_id in server_ids:
            try:
                text = read_console(server_id)
            except ConsoleUnavailableError:
                raise
            except Exception as exc:  # network trouble: retried until the deadline
                transient = f"{type(exc).__name__}: {exc}"
                continue
            last[server_id] = text
            collector.feed(text)
        state = collector.state
        if state.status == signals.FAILURE:
            raise BootWaitError(_message(f"handle '{handle}' received a FAILURE signal: {state.reason}",
                                         last, secrets))
        if state.status == signals.SUCCESS:
            return state
        now = clock()
        if now >= deadline:
            got = f"{state.successes} of {count} signal(s)"
            extra = f"; last error reading the console: {transient}" if transient else ""
            raise BootWaitError(_message(f"handle '{handle}' timed out after {int(timeout)} s with {got}{extra}",
                                         last, secrets))
        sleep(min(delay, max(0.0, deadline - now)))
        delay = min(delay * BACKOFF, MAX_DELAY)


def _message(head: str, last: dict[str, str], secrets: Sequence[str]) -> str:
    parts = [head]
    for server_id, text in last.items():
        parts.append(f"last console lines of server {server_id}:\n{_tail(text) or '(empty)'}")
    if not last:
        parts.append("no console output was read")
    return signals.mask("\n".join(parts), secrets)


def openstack_console_reader(cloud: str | None = None) -> Callable[[str], str]:
    """A `read_console` on openstacksdk (lazy import): the whole log Nova keeps for the server."""
    import openstack
    from openstack import exceptions

    conn = openstack.connect(cloud=cloud) if cloud else openstack.connect()

    def read(server_id: str) -> str:
        try:
            reply = conn.compute.get_server_console_output(server_id)
        except exceptions.HttpException as exc:
            status = getattr(exc, "status_code", None)
            if status in FATAL_STATUS:
                raise ConsoleUnavailableError(
                    f"cannot read the console log of server {server_id} (HTTP {status}): "
                    f"{FATAL_STATUS[status]}; the wait needs console logs enabled and the policy "
                    "os_compute_api:os-console-output") from exc
            raise
        return str((reply or {}).get("output") or "")

    return read


class BootWaitProvider(dynamic.ResourceProvider):
    """Create waits; changing the servers, handle or count waits again (replace); timeout is in place."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> dynamic.CreateResult:
        reader = openstack_console_reader(props.get("cloud"))
        state = wait_for_signals(reader, list(props["serverIds"]), props["handle"], int(props.get("count") or 1),
                                 float(props.get("timeout") or DEFAULT_TIMEOUT),
                                 secrets=list(props.get("secrets") or []))
        outs = {**props, "data": state.data_json(), "status": state.status, "reason": state.reason}
        return dynamic.CreateResult(id_=f"{props['handle']}-{'-'.join(props['serverIds'])}"[:200], outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.DiffResult:
        replaces = [k for k in REPLACE_ON if olds.get(k) != news.get(k)]
        changed = replaces + [k for k in ("timeout", "cloud", "secrets", "description")
                              if olds.get(k) != news.get(k)]
        return dynamic.DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> dynamic.UpdateResult:
        return dynamic.UpdateResult(outs={**news, **{k: olds.get(k) for k in ("data", "status", "reason")}})


@dataclass
class BootWaitArgs:
    """What to wait for: `count` signals on `handle` from the consoles of `server_ids`, within `timeout` s."""

    server_ids: Sequence[pulumi.Input[str]]
    handle: str
    count: int = 1
    timeout: int = DEFAULT_TIMEOUT
    cloud: str | None = None
    secrets: Sequence[pulumi.Input[str]] = ()
    description: str | None = None


class BootWait(dynamic.Resource, module="openstack-stacks", name="BootWait"):
    """Waits at create for boot signals; outputs `data` (JSON id -> data), `status`, `reason`."""

    data: pulumi.Output[str]
    status: pulumi.Output[str]
    reason: pulumi.Output[str]

    def __init__(self, name: str, args: BootWaitArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        signals.check_handle(args.handle)
        timeout = int(args.timeout)
        if not 1 <= timeout <= MAX_TIMEOUT:
            raise StackError(f"wait timeout must be 1-{MAX_TIMEOUT} seconds, not {timeout}", resource=name,
                             field="timeout")
        props: dict[str, Any] = {
            "serverIds": list(args.server_ids), "handle": args.handle, "count": int(args.count),
            "timeout": timeout, "cloud": args.cloud,
            "secrets": pulumi.Output.secret(pulumi.Output.all(*args.secrets).apply(
                lambda values: [str(v) for v in values if v is not None])) if args.secrets else None,
            "description": args.description,
            "data": None, "status": None, "reason": None,
        }
        super().__init__(BootWaitProvider(), name, props, opts)
