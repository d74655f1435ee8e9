"""Pair the resources of two plans by URN, honouring aliases the way the Pulumi engine does.

URNs recorded offline come in two spellings: the mock monitor writes only the parent's own type
(`Server$Instance`), the SDK writes alias URNs with the parent's whole type chain
(`pulumi:pulumi:Stack$Stack$Server`). Both are compared on their last two type segments and name.
The engine also gives every child an alias derived from its parent's aliases (a child named
`<parent>-x` of a renamed parent was `<old parent>-x`); the SDK does not record these without alias
specs, so they are derived here.
"""

from __future__ import annotations

from typing import Any

ROOT_TYPE = "pulumi:pulumi:Stack"
Key = tuple[str, str, tuple[str, ...], str]


def split_urn(urn: str) -> tuple[str, str, list[str], str]:
    """`urn:pulumi:STACK::PROJECT::QUALIFIED$TYPE::NAME` -> (stack, project, [types...], name)."""
    parts = urn.split("::", 3)
    if len(parts) != 4 or not parts[0].startswith("urn:pulumi:"):
        raise ValueError(f"not a Pulumi URN: {urn!r}")
    types = parts[2].split("$")
    if len(types) > 1 and types[0] == ROOT_TYPE:
        types = types[1:]
    return parts[0][len("urn:pulumi:"):], parts[1], types, parts[3]


def urn_key(urn: str) -> Key:
    """Spelling-independent identity of a URN: stack, project, parent type + type, name."""
    stack, project, types, name = split_urn(urn)
    return stack, project, tuple(types[-2:]), name


def _inherited_alias_keys(res: dict[str, Any], parent_old: dict[str, Any] | None,
                          parent_new: dict[str, Any] | None) -> list[Key]:
    if parent_old is None or parent_new is None or parent_old["urn"] == parent_new["urn"]:
        return []
    name = res["name"]
    if name.startswith(parent_new["name"]):
        name = parent_old["name"] + name[len(parent_new["name"]):]
    stack, project, old_parent_types, _ = split_urn(parent_old["urn"])
    return [(stack, project, (old_parent_types[-1], res["type"]), name)]


def match_resources(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Map each NEW URN to the OLD resource it continues (same URN, declared alias or inherited alias)."""
    old_by_key = {urn_key(r["urn"]): r for r in old}
    taken: set[str] = set()
    matched: dict[str, dict[str, Any]] = {}
    new_by_urn = {r["urn"]: r for r in new}
    for res in new:  # registration order: a parent is matched before its children
        parent_new = new_by_urn.get(res.get("parent") or "")
        parent_old = matched.get(parent_new["urn"]) if parent_new else None
        keys = [urn_key(res["urn"])]
        keys += [urn_key(a) for a in (res.get("options") or {}).get("aliases", [])]
        keys += _inherited_alias_keys(res, parent_old, parent_new)
        for key in keys:
            candidate = old_by_key.get(key)
            if candidate is not None and candidate["urn"] not in taken:
                matched[res["urn"]] = candidate
                taken.add(candidate["urn"])
                break
    return matched
