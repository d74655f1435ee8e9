"""Property paths in Pulumi's syntax (`userData`, `blockDevices[0].uuid`, `metadata["a.b"]`) and value diffs."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

Step = str | int
_TOKEN = re.compile(r'\.?([A-Za-z_$][\w$-]*)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]')


def parse_path(text: str) -> tuple[Step, ...]:
    """`blockDevices[0].uuid` -> ("blockDevices", 0, "uuid"); `[*]` stays "*" (any element)."""
    steps: list[Step] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"invalid property path {text!r} at offset {pos}")
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif index is not None:
            steps.append("*" if index == "*" else int(index))
        else:
            steps.append(json.loads(f'"{quoted}"'))
        pos = match.end()
    return tuple(steps)


def format_path(steps: tuple[Step, ...] | list[Step]) -> str:
    """Inverse of `parse_path`."""
    out = ""
    for step in steps:
        if isinstance(step, int) or step == "*":
            out += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z_$][\w$-]*", step):
            out += f".{step}" if out else step
        else:
            out += f"[{json.dumps(step)}]"
    return out


def covers(pattern: tuple[Step, ...], path: tuple[Step, ...]) -> bool:
    """True when `pattern` (an ignoreChanges/replaceOnChanges entry) names `path` or one of its parents."""
    if pattern == ("*",):
        return True
    if len(pattern) > len(path):
        return False
    return all(p == "*" or p == s for p, s in zip(pattern, path, strict=False))


def is_secret(value: Any) -> bool:
    """A redacted secret as plan.json writes it: {"secret": "hmac-sha256:..."}."""
    return isinstance(value, dict) and set(value) == {"secret"} and str(value["secret"]).startswith(
        ("hmac-sha256:", "sha256:"))  # sha256: plans written before the keyed digest


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (type(a) is type(b) and a == b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return a == b


@dataclass(frozen=True)
class ValueChange:
    """One leaf difference between two input values (missing side = None)."""

    path: tuple[Step, ...]
    old: Any
    new: Any
    kind: str  # "add" | "delete" | "update"


def diff_values(old: Any, new: Any, path: tuple[Step, ...] = ()) -> list[ValueChange]:
    """Leaf differences between two JSON values; lists compare element by element, secrets by digest."""
    if is_secret(old) or is_secret(new):
        return [] if old == new else [ValueChange(path, old, new, "update")]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[ValueChange] = []
        for key in sorted(set(old) | set(new), key=str):
            if key not in new or new[key] is None:
                if old.get(key) is not None:
                    out.append(ValueChange((*path, key), old[key], None, "delete"))
            elif key not in old or old[key] is None:
                out.append(ValueChange((*path, key), None, new[key], "add"))
            else:
                out.extend(diff_values(old[key], new[key], (*path, key)))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            if i >= len(new):
                out.append(ValueChange((*path, i), old[i], None, "delete"))
            elif i >= len(old):
                out.append(ValueChange((*path, i), None, new[i], "add"))
            else:
                out.extend(diff_values(old[i], new[i], (*path, i)))
        return out
    if type(old) is not type(new) and not (
        isinstance(old, (int, float)) and isinstance(new, (int, float)) and not isinstance(old, bool)
        and not isinstance(new, bool)
    ):
        return [ValueChange(path, old, new, "update")]
    return [] if _same_scalar(old, new) else [ValueChange(path, old, new, "update")]


def show_value(value: Any, limit: int = 60) -> str:
    """A short printable form: secrets as [secret], long strings as their length and digest."""
    if is_secret(value):
        return "[secret]"
    if value is None:
        return "<none>"
    if isinstance(value, str) and len(value) > limit:
        return f"<{len(value)} chars, sha256 {hashlib.sha256(value.encode()).hexdigest()[:12]}>"
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[:limit - 4] + " ..."
