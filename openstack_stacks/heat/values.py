"""Values that may hold Pulumi Outputs: apply a plain function once every nested Output is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi


def has_output(value: Any) -> bool:
    """True when `value` is, or holds anywhere inside, a pulumi Output."""
    if isinstance(value, pulumi.Output):
        return True
    if isinstance(value, dict):
        return any(has_output(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_output(v) for v in value)
    return False


def walk_path(value: Any, keys: list[Any]) -> Any:
    """`value[k1][k2]...` as get_attr paths index it (list items by number); None where a key is missing."""
    for key in keys:
        try:
            value = value[int(key)] if isinstance(value, list) else value[key]
        except (KeyError, IndexError, TypeError, ValueError):
            return None
    return value


def lift(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` now when all args are plain, else an Output of it computed when they are known."""
    if not any(has_output(a) for a in args):
        return fn(*args)
    return pulumi.Output.from_input(list(args)).apply(lambda plain: fn(*plain))


def as_input(value: Any) -> Any:
    """A value fit for a resource input: nested Outputs folded into one Output."""
    return pulumi.Output.from_input(value) if has_output(value) and not isinstance(value, pulumi.Output) else value


def string_map(value: Any, *, tags: bool = False) -> Any:
    """A metadata mapping with string values (or CFN `Tags: [{Key, Value}]` as one), an Output (secret when a
    value is) when any value is only known later: never str() of an Output."""
    def make(plain: Any) -> dict[str, str]:
        if tags:
            return {str(t["Key"]): str(t["Value"]) for t in plain or []}
        return {str(k): str(v) for k, v in (plain or {}).items()}

    return lift(make, value)
