"""Kolla front-end: stack files with a top-level `kolla:` section deploy OpenStack with kolla-ansible.

`detect(document)` / `build(document, path=..., parameters=..., opts=...)` follow DESIGN.md
"Front-ends and the program"; `KollaCluster` is the component; `load_blueprint` validates a file's
`kolla:` section without creating resources; `rendered_files` gives what the deploy node receives.
"""

from __future__ import annotations

from typing import Any

import pulumi

from components.errors import StackError
from openstack_stacks.parameters import parse_parameters, resolve_parameters
from openstack_stacks.stackfile.values import interpolate, reveal

TOP_LEVEL = ("description", "parameters", "kolla")


DUPLICATE_KEYS = "refuse"  # a duplicated key in our own files is a mistake
ENVIRONMENT_FILES = False


def detect(document: dict[str, Any]) -> bool:
    """A Kolla blueprint has a top-level `kolla:` key."""
    return isinstance(document, dict) and "kolla" in document


def load_blueprint(document: dict[str, Any], *, path: str, parameters: dict[str, Any] | None = None,
                   secret_parameters: frozenset[str] = frozenset()):
    """Validate the document and its parameters into a `KollaConfig` (no resources)."""
    from openstack_stacks.kolla.config import load_config

    unknown = set(document) - set(TOP_LEVEL)
    if unknown:
        raise StackError(f"unknown top-level key(s) {', '.join(sorted(map(str, unknown)))} in a Kolla blueprint "
                         f"(allowed: {', '.join(TOP_LEVEL)})", file=path)
    declared = parse_parameters(document.get("parameters") or {}, path)
    values = resolve_parameters(declared, dict(parameters or {}), path, secret_parameters)
    secrets = {name for name, p in declared.items() if p.secret}
    try:
        section = interpolate(document.get("kolla"), values, secrets, "kolla", allow_refs=False)
    except StackError as exc:
        raise exc.with_context(file=path) from None
    section, secret = reveal(section)
    if secret:
        raise StackError("secret parameters cannot be used in a Kolla blueprint: its values are written in "
                         "plain text to globals.yml (kolla-genpwd makes the secrets on the deploy node)",
                         file=path, field="kolla")
    if not isinstance(section, dict):
        raise StackError("'kolla' must be a mapping", file=path, field="kolla")
    return load_config(section, path)


def build(
    document: dict[str, Any],
    *,
    path: str,
    parameters: dict[str, Any],
    opts: pulumi.ResourceOptions | None = None,
    secret_parameters: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Validate the blueprint, build its `KollaCluster`, return the stack outputs."""
    from openstack_stacks.kolla.cluster import KollaCluster, KollaClusterArgs

    config = load_blueprint(document, path=path, parameters=parameters, secret_parameters=secret_parameters)
    cluster = KollaCluster(config.name, KollaClusterArgs(config=config), opts)
    return cluster.outputs


def __getattr__(name: str) -> Any:
    """`KollaCluster` / `KollaClusterArgs` on first use (detect() stays free of provider imports)."""
    if name in ("KollaCluster", "KollaClusterArgs"):
        from openstack_stacks.kolla import cluster

        return getattr(cluster, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["KollaCluster", "KollaClusterArgs", "build", "detect", "load_blueprint"]
