"""Args objects from either form: the dataclass a Python program builds, or the plain dict the component
provider hands a component when another language constructs it (`pulumi.provider.experimental` passes args as
dicts with snake_case keys, nested types as dicts too).

The args types are written for Pulumi's schema analyzer: annotations evaluated at class creation (no
`from __future__ import annotations` in the component modules), unions only as `Optional[...]`, every
defaulted field `Optional`, other components referred to by ID (`Input[str]`). Python callers may still pass
the component itself where an ID is asked for; the components accept both.
"""

import dataclasses
import types
import typing
from typing import Any, TypeVar

import pulumi

from components.errors import StackError

T = TypeVar("T")


def _nested_type(annotation: Any) -> tuple[str, type] | None:
    """('one' | 'list' | 'dict', args dataclass) when the annotation holds a nested args type."""
    if dataclasses.is_dataclass(annotation):
        return "one", annotation  # type: ignore[return-value]
    origin, inner = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and inner and dataclasses.is_dataclass(inner[0]):
        return "list", inner[0]
    if origin is dict and len(inner) == 2 and dataclasses.is_dataclass(inner[1]):
        return "dict", inner[1]
    if origin in (typing.Union, types.UnionType):
        for arg in inner:
            found = None if arg is type(None) else _nested_type(arg)
            if found:
                return found
    return None


def coerce(cls: type[T], value: Any, *, where: str = "args") -> T:
    """`value` as an instance of the args dataclass `cls` (dicts converted, nested ones too)."""
    if isinstance(value, cls) or value is None:
        return value  # type: ignore[return-value]
    if isinstance(value, pulumi.Output):
        raise StackError(f"{where} must be given as values, not as one Output", field=where)
    if not isinstance(value, dict):
        raise StackError(f"{where} must be a {cls.__name__} or a mapping, not {type(value).__name__}", field=where)
    # The annotations as evaluated when the class was made (typing.get_type_hints would try to resolve the
    # 'Output[T]' forward reference inside pulumi.Input and fail).
    hints = {f.name: f.type for f in dataclasses.fields(cls) if f.init}
    names = set(hints)
    unknown = sorted(set(value) - names)
    if unknown:
        raise StackError(f"{cls.__name__} has no field {unknown[0]!r}", field=f"{where}.{unknown[0]}")
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue  # absent in the other language: the field's default applies
        nested = _nested_type(hints[key])
        if nested and not isinstance(item, pulumi.Output):
            kind, inner = nested
            if kind == "one":
                item = coerce(inner, item, where=f"{where}.{key}")
            elif kind == "list" and isinstance(item, list):
                item = [coerce(inner, x, where=f"{where}.{key}[{i}]") for i, x in enumerate(item)]
            elif kind == "dict" and isinstance(item, dict):
                item = {k: coerce(inner, x, where=f"{where}.{key}.{k}") for k, x in item.items()}
        kwargs[key] = item
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise StackError(f"{cls.__name__}: {exc}", field=where) from None
