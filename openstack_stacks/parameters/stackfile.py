"""Stack-file (and Kolla blueprint) spelling of parameters: HOT's, with `secret` for `hidden` and `type`
defaulting to string. Constraints are HOT's constraint list, checked by the same core."""

from __future__ import annotations

from typing import Any

from openstack_stacks.parameters import hot
from openstack_stacks.parameters.core import ParameterError, Schema

KEYS = ("type", "default", "secret", "hidden", "description", "label", "constraints")


def schema(name: str, spec: Any) -> Schema:
    """The Schema of one stack-file parameter declaration."""
    if not isinstance(spec, dict):
        raise ParameterError("a parameter must be a mapping with at least 'type'")
    unknown = [str(k) for k in spec if k not in KEYS]
    if unknown:
        raise ParameterError(f"unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(KEYS)})")
    hot_spec = {k: v for k, v in spec.items() if k not in ("secret", "hidden")}
    hot_spec.setdefault("type", "string")
    hot_spec["hidden"] = bool(spec.get("secret") or spec.get("hidden"))
    out = hot.schema(name, hot_spec, "2018-03-02")
    # A stack file's `default: null` is a default (the value None), as documented before the core existed.
    out.has_default = "default" in spec
    return out
