"""Pair the resources of two plans by URN, honouring aliases the way the Pulumi engine does.

Plans carry the engine's URNs (`openstack_stacks.tools.urns`): the whole parent type chain below the
root stack. Alias URNs recorded from the SDK are normalised to the same spelling at render time (and again
here, for plans written by hand). The engine also gives every child an alias derived from its parent's
aliases (a child named `<parent>-x` of a renamed parent was `<old parent>-x`, under the old parent's
type chain); the SDK does not record these without alias specs, so they are derived here.
"""

from __future__ import annotations

from typing import Any

from openstack_stacks.tools.urns import ROOT_TYPE, engine_urn, normalise, split_urn

__all__ = ["ROOT_TYPE", "match_resources", "split_urn", "urn_key"]


def urn_key(urn: str) -> str:
    """The identity the engine compares: the URN in the engine's spelling."""
    return normalise(urn)


def _inherited_alias_keys(res: dict[str, Any], parent_old: dict[str, Any] | None,
                          parent_new: dict[str, Any] | None) -> list[str]:
    if parent_old is None or parent_new is None or parent_old["urn"] == parent_new["urn"]:
        return []
    name = res["name"]
    if name.startswith(parent_new["name"]):
        name = parent_old["name"] + name[len(parent_new["name"]):]
    stack, project, _, _ = split_urn(parent_old["urn"])
    return [urn_key(engine_urn(stack, project, parent_old["urn"], res["type"], name))]


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
