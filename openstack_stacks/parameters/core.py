"""The parameter core: types, constraints and schemas, with Heat's rules (heat/engine/parameters.py and
heat/engine/constraints.py). The dialect layers (`hot`, `cfn`, `stackfile`) only read their spelling into a
`Schema`; every rule about values lives here, once.

Errors are `ParameterError` (a ValueError); their messages never hold the value of a hidden parameter.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import regex

TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
TRUE_STRINGS = ("1", "t", "true", "on", "y", "yes")  # oslo_utils.strutils.bool_from_string(strict=True)
FALSE_STRINGS = ("0", "f", "false", "off", "n", "no")
PATTERN_TIMEOUT = 1.0  # seconds one allowed_pattern match may take (a pathological pattern is refused)
HIDDEN = "(hidden)"


class ParameterError(ValueError):
    """A parameter value or schema that Heat would refuse."""


# --- types ---------------------------------------------------------------------------------------------
def to_number(value: Any) -> int | float:
    """Heat's `Schema.str_to_num`: int when it parses as one, else float. NaN and infinities are refused
    (Heat lets them through and fails later; see docs/templates.md)."""
    if isinstance(value, bool):
        raise ParameterError("a number is expected, not a boolean")
    if isinstance(value, numbers.Number):
        number: Any = value
    else:
        text = str(value).strip() if isinstance(value, str) else value
        try:
            number = int(text)
        except (TypeError, ValueError):
            try:
                number = float(text)
            except (TypeError, ValueError):
                raise ParameterError("not a valid number") from None
    if isinstance(number, float) and not math.isfinite(number):
        raise ParameterError("a finite number is expected (not NaN or infinity)")
    return number


def to_boolean(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in TRUE_STRINGS:
        return True
    if text in FALSE_STRINGS:
        return False
    raise ParameterError(f"a boolean is expected (one of {', '.join(TRUE_STRINGS + FALSE_STRINGS)})")


def to_list(value: Any) -> list[str]:
    """A comma_delimited_list: a list (items as text) or a comma-separated string (Heat does not strip)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if not isinstance(value, str):
        raise ParameterError("a comma-delimited list string is expected")
    return value.split(",") if value else []


def to_json(value: Any) -> Any:
    """A json parameter: a string is parsed; anything else must serialise."""
    try:
        text = value if isinstance(value, str) else json.dumps(value)
        return json.loads(text) if text else value
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"valid JSON is expected ({type(exc).__name__})") from None


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


CONVERT = {"string": to_string, "number": to_number, "comma_delimited_list": to_list, "json": to_json,
           "boolean": to_boolean}


def convert(ptype: str, value: Any) -> Any:
    """`value` in the parameter type (ParameterError when it is not one)."""
    return CONVERT[ptype](value)


# --- constraints ---------------------------------------------------------------------------------------
@dataclass
class Constraint:
    """One constraint; `valid_types` are the parameter types it may be used with (Heat's table)."""

    description: str | None = None
    kind: ClassVar[str] = ""
    valid_types: ClassVar[tuple[str, ...]] = ()

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        """Why `value` (already converted) breaks the constraint, or None; `shown` stands for the value."""
        raise NotImplementedError


def _bound(kind: str, name: str, raw: Any, integral: bool) -> int | float | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ParameterError(f"{kind} {name} must be a number")
    try:
        number = to_number(raw)
    except ParameterError:
        raise ParameterError(f"{kind} {name} must be a number, got {raw!r}") from None
    if integral and not float(number).is_integer():
        raise ParameterError(f"{kind} {name} must be an integer, got {raw!r}")
    return int(number) if integral else number


def _check_keys(kind: str, arg: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(arg, dict):
        raise ParameterError(f"invalid {kind} constraint: expected a mapping of {'/'.join(allowed)}")
    unknown = [str(k) for k in arg if k not in allowed]
    if unknown:
        raise ParameterError(f"invalid key {', '.join(unknown)!r} in a {kind} constraint "
                             f"(allowed: {', '.join(allowed)})")
    return arg


@dataclass
class Range(Constraint):
    min: int | float | None = None
    max: int | float | None = None
    kind: ClassVar[str] = "range"
    valid_types: ClassVar[tuple[str, ...]] = ("number",)

    @classmethod
    def parse(cls, arg: Any, description: str | None) -> Range:
        arg = _check_keys(cls.kind, arg, ("min", "max"))
        lo, hi = (_bound(cls.kind, k, arg.get(k), cls.kind == "length") for k in ("min", "max"))
        if lo is None and hi is None:
            raise ParameterError(f"a {cls.kind} constraint needs a min and/or a max")
        return cls(description, lo, hi)

    def _measure(self, value: Any) -> Any:
        return value

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        measured = self._measure(value)
        if self.min is not None and measured < self.min:
            return f"{self._what(measured, shown)} is out of range (min: {self.min}, max: {self.max})"
        if self.max is not None and measured > self.max:
            return f"{self._what(measured, shown)} is out of range (min: {self.min}, max: {self.max})"
        return None

    def _what(self, measured: Any, shown: str) -> str:
        return shown


@dataclass
class Length(Range):
    kind: ClassVar[str] = "length"
    valid_types: ClassVar[tuple[str, ...]] = ("string", "comma_delimited_list", "json")

    def _measure(self, value: Any) -> Any:
        return len(value)

    def _what(self, measured: Any, shown: str) -> str:
        return f"length {measured}"


@dataclass
class Modulo(Constraint):
    step: int = 1
    offset: int = 0
    kind: ClassVar[str] = "modulo"
    valid_types: ClassVar[tuple[str, ...]] = ("number",)

    @classmethod
    def parse(cls, arg: Any, description: str | None) -> Modulo:
        arg = _check_keys(cls.kind, arg, ("step", "offset"))
        if arg.get("step") is None or arg.get("offset") is None:
            raise ParameterError("a modulo constraint needs both a step and an offset")
        step, offset = (_bound("modulo", k, arg[k], True) for k in ("step", "offset"))
        if step == 0:
            raise ParameterError("modulo step cannot be 0")
        if abs(offset) >= abs(step):
            raise ParameterError("modulo offset must be smaller (by absolute value) than step")
        if step * offset < 0:
            raise ParameterError("modulo step and offset must be both positive or both negative")
        return cls(description, step, offset)

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        if value % self.step != self.offset:
            return f"{shown} is not a multiple of {self.step} with an offset of {self.offset}"
        return None


@dataclass
class AllowedValues(Constraint):
    allowed: tuple[Any, ...] = ()
    kind: ClassVar[str] = "allowed_values"
    valid_types: ClassVar[tuple[str, ...]] = ("string", "number", "boolean", "comma_delimited_list")

    @classmethod
    def parse(cls, arg: Any, description: str | None) -> AllowedValues:
        if not isinstance(arg, Sequence) or isinstance(arg, str):
            raise ParameterError("allowed_values must be a list")
        return cls(description, tuple(arg))

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        if isinstance(value, list):
            ok = all(v in self.allowed for v in value)
        else:
            try:
                allowed = tuple(convert(ptype, a) for a in self.allowed)
            except ParameterError:
                allowed = self.allowed
            ok = value in allowed
        if ok:
            return None
        listed = ", ".join(json.dumps(a) if isinstance(a, (str, int, float, bool)) else str(a)
                           for a in self.allowed)
        return f"{shown} is not an allowed value [{listed}]"


@dataclass
class AllowedPattern(Constraint):
    pattern: str = ""
    compiled: Any = field(default=None, repr=False, compare=False)
    kind: ClassVar[str] = "allowed_pattern"
    valid_types: ClassVar[tuple[str, ...]] = ("string",)

    @classmethod
    def parse(cls, arg: Any, description: str | None) -> AllowedPattern:
        if not isinstance(arg, str):
            raise ParameterError("allowed_pattern must be a string")
        try:
            compiled = regex.compile(arg)
        except regex.error as exc:
            raise ParameterError(f"allowed_pattern {arg!r} is not a valid regular expression: {exc}") from None
        return cls(description, arg, compiled)

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        try:
            match = self.compiled.match(str(value), timeout=PATTERN_TIMEOUT)
        except TimeoutError:
            return f"allowed_pattern {self.pattern!r} took longer than {PATTERN_TIMEOUT:g} s to match (refused)"
        if match is None or match.end() != len(str(value)):
            return f"{shown} does not match pattern {self.pattern!r}"
        return None


@dataclass
class CustomConstraint(Constraint):
    """A named check against the cloud (nova.flavor, glance.image ...): it needs a cloud, so it passes here."""

    name: str = ""
    kind: ClassVar[str] = "custom_constraint"
    valid_types: ClassVar[tuple[str, ...]] = ("string", "number", "boolean", "comma_delimited_list")

    @classmethod
    def parse(cls, arg: Any, description: str | None) -> CustomConstraint:
        return cls(description, str(arg))

    def violation(self, value: Any, ptype: str, shown: str) -> str | None:
        return None


CONSTRAINTS: dict[str, Any] = {c.kind: c for c in (Range, Length, Modulo, AllowedValues, AllowedPattern,
                                                    CustomConstraint)}


# --- schema --------------------------------------------------------------------------------------------
@dataclass
class Schema:
    """One declared parameter, whatever the dialect."""

    name: str
    type: str
    default: Any = None
    has_default: bool = False
    hidden: bool = False
    description: str = ""
    label: str | None = None
    constraints: list[Constraint] = field(default_factory=list)
    immutable: bool = False
    tags: list[Any] = field(default_factory=list)

    @property
    def secret(self) -> bool:
        """Stack-file spelling of `hidden`."""
        return self.hidden

    @secret.setter
    def secret(self, value: bool) -> None:
        self.hidden = value

    def validate(self) -> None:
        """Heat's schema check: each constraint fits the type, and the default meets the constraints."""
        for c in self.constraints:
            if self.type not in c.valid_types:
                raise ParameterError(f"a {c.kind} constraint is invalid for a {self.type} parameter")
        if self.has_default and self.default is not None:
            try:
                self.check(self.default, skip_custom=True)
            except ParameterError as exc:
                raise ParameterError(f"invalid default: {exc}") from None

    def shown(self, value: Any) -> str:
        if self.hidden:
            return HIDDEN
        try:
            return json.dumps(value)
        except (TypeError, ValueError):
            return repr(value)

    def check(self, raw: Any, *, skip_custom: bool = False) -> Any:
        """The value of this parameter for `raw` (converted to its type), or ParameterError."""
        try:
            value = convert(self.type, raw)
        except ParameterError as exc:
            raise ParameterError(str(exc) if self.hidden else f"{self.shown(raw)}: {exc}") from None
        for c in self.constraints:
            if skip_custom and isinstance(c, CustomConstraint):
                continue
            reason = c.violation(value, self.type, self.shown(value))
            if reason:
                raise ParameterError(c.description or reason)
        return value


def constraint(kind: str, arg: Any, description: str | None) -> Constraint:
    return CONSTRAINTS[kind].parse(arg, description)


def check_type(name: str, ptype: Any, types: Sequence[str]) -> str:
    if ptype not in types:
        raise ParameterError(f"invalid parameter type {ptype!r} (one of {', '.join(map(str, types))})")
    return ptype
