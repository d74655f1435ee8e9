"""Bounds on the work one stack may ask for, so a hostile or mistaken file fails fast with a clear message.

Each bound can be raised with an environment variable (the render reads it at import).
"""

from __future__ import annotations

import contextlib
import math
import os
from typing import Any

from components.errors import StackError

MAX_COUNT = int(os.environ.get("OPENSTACK_STACKS_MAX_COUNT", 10000))
"""Most members a counted server, ResourceGroup or scaling group may have (the benchmark renders 10,000)."""

MAX_REPEAT = int(os.environ.get("OPENSTACK_STACKS_MAX_REPEAT", 10000))
"""Most values a HOT `repeat` may produce (the product of its lists' lengths with permutations)."""


def count(value: Any, *, what: str = "count", file: str | None = None, resource: str | None = None,
          field: str | None = None) -> int:
    """`value` as a member count: a whole number from 0 to MAX_COUNT, else a StackError."""
    if isinstance(value, str) and value.strip():
        with contextlib.suppress(ValueError):
            value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and (not math.isfinite(value) or not value.is_integer())):
        raise StackError(f"{what} must be a whole number, got {value!r}", file=file, resource=resource,
                         field=field)
    if value < 0:
        raise StackError(f"{what} must be 0 or more, got {int(value)}", file=file, resource=resource, field=field)
    if value > MAX_COUNT:
        raise StackError(f"{what} {int(value)} is over the limit of {MAX_COUNT} (raise it with "
                         "OPENSTACK_STACKS_MAX_COUNT)", file=file, resource=resource, field=field)
    return int(value)
