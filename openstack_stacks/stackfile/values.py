"""Values inside a stack file: `${param}` interpolation, secret tracking and attribute references."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from components.errors import StackError

_TOKEN = re.compile(r"\$\{([A-Za-z0-9_.\-]+)\}")
REF_KINDS = ("servers", "networks", "volumes", "security_groups", "keypairs", "server_groups")


@dataclass(frozen=True)
class Secret:
    """A value derived from a secret parameter; becomes `pulumi.Output.secret` at the resource."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """`${kind.name.attr}`: an attribute of a stack resource, resolved when the stack is built."""

    kind: str
    name: str
    attr: str


@dataclass(frozen=True)
class Template:
    """A string mixing text and references, e.g. `http://${servers.web.public_ip}/`."""

    pieces: tuple  # of str | Ref


def reveal(value: Any) -> tuple[Any, bool]:
    """Strip Secret wrappers anywhere in `value`; returns (plain value, whether any was secret)."""
    if isinstance(value, Secret):
        inner, _ = reveal(value.value)
        return inner, True
    if isinstance(value, dict):
        out, secret = {}, False
        for k, v in value.items():
            out[k], s = reveal(v)
            secret |= s
        return out, secret
    if isinstance(value, list):
        items = [reveal(v) for v in value]
        return [i for i, _ in items], any(s for _, s in items)
    return value, False


def interpolate(value: Any, params: dict[str, Any], secrets: set[str], where: str, allow_refs: bool) -> Any:
    """Substitute `${param}` everywhere in `value`. A whole-string `${p}` keeps the parameter's type."""
    if isinstance(value, dict):
        return {k: interpolate(v, params, secrets, f"{where}.{k}", allow_refs) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, params, secrets, f"{where}[{i}]", allow_refs) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value
    pieces: list[Any] = []
    secret = False
    pos = 0
    for match in _TOKEN.finditer(value):
        pieces.append(value[pos:match.start()])
        pos = match.end()
        token = match.group(1)
        if "." in token:
            kind, _, rest = token.partition(".")
            name, _, attr = rest.rpartition(".")
            if not allow_refs:
                raise StackError(f"resource reference ${{{token}}} is only allowed in outputs", field=where)
            if kind not in REF_KINDS or not name or not attr:
                raise StackError(
                    f"bad reference ${{{token}}}: use ${{KIND.NAME.ATTR}} with KIND one of {', '.join(REF_KINDS)}",
                    field=where,
                )
            pieces.append(Ref(kind, name, attr))
            continue
        if token not in params:
            raise StackError(f"unknown parameter ${{{token}}}", field=where)
        secret |= token in secrets
        pieces.append(params[token])
    pieces.append(value[pos:])
    pieces = [p for p in pieces if p != ""]
    if len(pieces) == 1 and not isinstance(pieces[0], str):
        result: Any = pieces[0]
    elif any(isinstance(p, Ref) for p in pieces):
        result = Template(tuple(p if isinstance(p, Ref) else _text(p) for p in pieces))
    else:
        result = "".join(_text(p) for p in pieces)
    return Secret(result) if secret else result


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)
