"""The Pulumi program (`__main__.py` calls `main()`): pick the front-end for a file by its content and build it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pulumi
import yaml

from components.errors import StackError
from openstack_stacks.stackfile.loader import parse_document

# Tried in order; the first whose detect() accepts the document builds it. The plain stack file is last.
FRONTENDS = ("openstack_stacks.heat", "openstack_stacks.kolla", "openstack_stacks.stackfile")


def frontend_for(document: dict[str, Any]) -> Any:
    """The front-end module that understands `document`."""
    for module_name in FRONTENDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        if module.detect(document):
            return module
    raise StackError("no front-end accepts this document")


def build(
    path: str,
    parameters: dict[str, Any] | None = None,
    *,
    env_files: list[str] | tuple[str, ...] = (),
    opts: pulumi.ResourceOptions | None = None,
    secret_parameters: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Read `path`, build it with the matching front-end, return the stack outputs.

    `secret_parameters` names parameters given as secrets; they are secret whatever the file declares.
    """
    parsed = parse_document(path)
    module = frontend_for(parsed.data)
    # Heat's parser keeps the last of duplicated keys (real templates rely on it); our own files refuse them.
    document = parsed.keep_last() if module.__name__ == "openstack_stacks.heat" else parsed.refuse_duplicates()
    kwargs: dict[str, Any] = {"path": str(path), "parameters": dict(parameters or {}), "opts": opts,
                              "secret_parameters": frozenset(secret_parameters)}
    if env_files:
        if module.__name__ != "openstack_stacks.heat":
            raise StackError("environment files apply to Heat/CFN templates only", file=str(path))
        kwargs["env_files"] = list(env_files)
    return module.build(document, **kwargs)


def stack_name_for(path: str) -> str:
    """Logical name of the top component: the file's stem."""
    return Path(path).stem


# Set by the offline render (`render -s NAME=VALUE`), which has no Pulumi.<stack>.yaml to read.
OFFLINE_SECRET_PARAMETERS: frozenset[str] | None = None


def config_secret_parameters(project_dir: Path | None = None) -> frozenset[str]:
    """Names under the Pulumi config object `parameters` that were set with `--secret`.

    Pulumi hands a program the whole `parameters` object decrypted and marks only the top-level key as
    secret, so which entries are secret is read from the stack's `Pulumi.<stack>.yaml` (`secure:` values).
    Without that file every given parameter is taken as secret: safe, and a parameter that cannot be
    secret (a count, a name) then fails with a message saying so.
    """
    from pulumi.runtime.config import is_config_secret

    if OFFLINE_SECRET_PARAMETERS is not None:
        return OFFLINE_SECRET_PARAMETERS
    key = f"{pulumi.get_project()}:parameters"
    if not is_config_secret(key):
        return frozenset()
    given = pulumi.Config().get_object("parameters") or {}
    settings = (project_dir or Path.cwd()) / f"Pulumi.{pulumi.get_stack()}.yaml"
    try:
        document = yaml.safe_load(settings.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return frozenset(given)
    entries = ((document.get("config") or {}).get(key)) or {}
    return frozenset(name for name, value in entries.items() if isinstance(value, dict) and "secure" in value)


def main() -> None:
    """The program body: build the file named by config `stackFile` and export its outputs.

        pulumi config set stackFile stacks/web.yaml
        pulumi config set --path 'parameters.key_name' mykey
        pulumi config set --path 'parameters.db_password' --secret s3cret
    """
    config = pulumi.Config()
    parameters = config.get_object("parameters") or {}
    env_files = config.get_object("environment") or []
    if isinstance(env_files, str):
        env_files = [env_files]
    roots = config.get_object("allowedRoots") or []
    if isinstance(roots, str):
        roots = [roots]
    from openstack_stacks import files

    with files.roots_in_force([str(r) for r in roots]):
        outputs = build(config.get("stackFile") or "stacks/web.yaml", parameters, env_files=env_files,
                        secret_parameters=config_secret_parameters())
    for key, value in outputs.items():
        pulumi.export(key, value)
