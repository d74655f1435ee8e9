"""Values that may hold Pulumi Outputs: apply a plain function once every nested Output is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi

from components.errors import StackError


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


BUILDING: list[tuple[str | None, str | None]] = [(None, None)]
"""(template file, resource) the builder is working on; a lifted function failing later names them."""


def lift(fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)` now when all args are plain, else an Output of it computed when they are known."""
    if not any(has_output(a) for a in args):
        return fn(*args)
    file, resource = BUILDING[-1]

    def later(plain: list[Any]) -> Any:
        try:
            return fn(*plain)
        except StackError as exc:
            raise exc.with_context(file=file, resource=resource) from None
        except (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError) as exc:
            raise StackError(f"invalid value ({' '.join(str(exc).split()) or type(exc).__name__})", file=file,
                             resource=resource) from None

    return pulumi.Output.from_input(list(args)).apply(later)


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
