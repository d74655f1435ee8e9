"""Resource URNs spelled the way the Pulumi engine builds them (no Pulumi import: diff and adopt use it).

The engine (pulumi/pulumi `pkg/resource/deploy/deployment.go` `generateURN`, `sdk/go/common/resource/urn.go`
`NewURN`) gives a resource the whole qualified type of its parent, joined by `$`, unless the parent is the
root stack:

    urn:pulumi:<stack>::<project>::<parent's qualified type>$<type>::<name>

so a server's instance under the stack-file component is
`...::openstack-stacks:index:Stack$openstack-stacks:index:Server$openstack:compute/instance:Instance::web-0`.
Pulumi's mock monitor writes only the parent's last type, and the Python SDK (which resolves aliases itself
when the engine takes no alias specs) prefixes children of the root stack with `pulumi:pulumi:Stack$`; both
are turned into the engine's spelling here.
"""

from __future__ import annotations

PREFIX = "urn:pulumi:"
ROOT_TYPE = "pulumi:pulumi:Stack"


def split_urn(urn: str) -> tuple[str, str, str, str]:
    """`urn:pulumi:STACK::PROJECT::QUALIFIED$TYPE::NAME` -> (stack, project, qualified type, name).

    The name is everything after the third `::` (names may contain `::`, as in the engine's `URN.Name`).
    """
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith(PREFIX):
        raise ValueError(f"not a Pulumi URN: {urn!r}")
    return parts[0][len(PREFIX):], parts[1], parts[2], parts[3]


def qualified_type(urn: str) -> str:
    """The type part of a URN with its parents' types (`URN.QualifiedType`)."""
    return split_urn(urn)[2]


def urn_type(urn: str) -> str:
    """The resource's own type token (`URN.Type`: the last `$` segment)."""
    return qualified_type(urn).rsplit("$", 1)[-1]


def engine_urn(stack: str, project: str, parent: str | None, type_: str, name: str) -> str:
    """The URN the engine gives `type_`/`name` registered under `parent` (a URN, or empty for none)."""
    qualified = type_
    if parent:
        parent_type = qualified_type(parent)
        if parent_type != ROOT_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"{PREFIX}{stack}::{project}::{qualified}::{name}"


def normalise(urn: str) -> str:
    """An SDK-computed URN (alias) in the engine's spelling: no `pulumi:pulumi:Stack$` before a child's type."""
    if f"::{ROOT_TYPE}$" not in urn:
        return urn
    stack, project, qualified, name = split_urn(urn)
    if qualified.startswith(ROOT_TYPE + "$"):
        qualified = qualified[len(ROOT_TYPE) + 1:]
    return f"{PREFIX}{stack}::{project}::{qualified}::{name}"
