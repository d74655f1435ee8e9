"""The Pulumi program (`__main__.py` calls `main()`): pick the front-end for a file by its content and build it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pulumi

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
    # Each front-end declares how duplicated keys are read (Heat keeps the last; our own files refuse them).
    document = parsed.keep_last() if module.DUPLICATE_KEYS == "keep_last" else parsed.refuse_duplicates()
    kwargs: dict[str, Any] = {"path": str(path), "parameters": dict(parameters or {}), "opts": opts,
                              "secret_parameters": frozenset(secret_parameters)}
    if env_files:
        if not module.ENVIRONMENT_FILES:
            raise StackError("environment files apply to Heat/CFN templates only", file=str(path))
        kwargs["env_files"] = list(env_files)
    return module.build(document, **kwargs)


def stack_name_for(path: str) -> str:
    """Logical name of the top component: the file's stem."""
    return Path(path).stem


PARAMETERS_KEY = "parameters"
SECRET_PARAMETERS_KEY = "secretParameters"


def config_parameters() -> tuple[dict[str, Any], frozenset[str]]:
    """Parameter values from Pulumi config, and the names given as secrets, as the engine tells the program.

    Two config objects: `parameters` (plain values) and `secretParameters` (every entry a secret, whatever
    the file declares). The CLI hands the program the config map and the list of secret keys
    (`PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`; `pulumi.runtime.config.is_config_secret`) the same way
    for every source: the stack's settings file, `--config-file`, `stackConfigDir`, an ESC environment's
    `pulumiConfig`. A key is secret there when any value inside it is (`config.Map.SecureKeys`), so the
    engine cannot say which entry of one object is secret: secrets go in their own object, and a secret
    inside `parameters` is refused rather than guessed.
    """
    from pulumi.runtime.config import is_config_secret

    config = pulumi.Config()
    project = pulumi.get_project()
    plain = _config_object(config, PARAMETERS_KEY)
    if plain and is_config_secret(f"{project}:{PARAMETERS_KEY}"):
        raise StackError(
            f"config '{PARAMETERS_KEY}' holds a secret value, and Pulumi marks the whole object secret, so which "
            f"parameter is secret is unknown: give secrets under '{SECRET_PARAMETERS_KEY}' "
            f"(pulumi config set --path '{SECRET_PARAMETERS_KEY}.NAME' --secret VALUE) and keep the others in "
            f"'{PARAMETERS_KEY}'", field=PARAMETERS_KEY)
    secret = _config_object(config, SECRET_PARAMETERS_KEY)
    both = sorted(set(plain) & set(secret))
    if both:
        raise StackError(f"parameter(s) {', '.join(both)} given in both '{PARAMETERS_KEY}' and "
                         f"'{SECRET_PARAMETERS_KEY}'", field=SECRET_PARAMETERS_KEY)
    if secret and not is_config_secret(f"{project}:{SECRET_PARAMETERS_KEY}"):
        from openstack_stacks import report

        report.note(f"config '{SECRET_PARAMETERS_KEY}' is stored in plain text (set its entries with --secret); "
                    "its values are still Pulumi secrets in state and outputs")
    return {**plain, **secret}, frozenset(secret)


def _config_object(config: pulumi.Config, key: str) -> dict[str, Any]:
    value = config.get_object(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StackError(f"config '{key}' must be an object of parameter name to value "
                         f"(pulumi config set --path '{key}.NAME' VALUE)", field=key)
    return value


def main() -> None:
    """The program body: build the file named by config `stackFile` and export its outputs.

        pulumi config set stackFile stacks/web.yaml
        pulumi config set --path 'parameters.key_name' mykey
        pulumi config set --path 'secretParameters.db_password' --secret s3cret
    """
    config = pulumi.Config()
    parameters, secret_parameters = config_parameters()
    env_files = config.get_object("environment") or []
    if isinstance(env_files, str):
        env_files = [env_files]
    roots = config.get_object("allowedRoots") or []
    if isinstance(roots, str):
        roots = [roots]
    from openstack_stacks import files

    with files.roots_in_force([str(r) for r in roots]):
        outputs = build(config.get("stackFile") or "stacks/web.yaml", parameters, env_files=env_files,
                        secret_parameters=secret_parameters)
    for key, value in outputs.items():
        pulumi.export(key, value)
