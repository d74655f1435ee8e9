"""Validate cloud-config text against cloud-init's own schema (vendored in ``userdata/schema/``).

Like cloud-init 22.4 (``cloudinit/config/schema.py``): YAML via ``safe_load``, a mapping at the
top, JSON Schema draft 4 with ``bytes`` accepted as strings (``!!binary``). Its ``deprecated``
annotations are warnings in cloud-init and are ignored here. ``format`` is not checked: what
jsonschema's format checker does depends on optional packages, so it would differ between machines.

Speed: the schema is ``allOf`` of one ``{type: object, properties: {...}}`` per cloud-init module.
Its local ``$ref``s are inlined once (draft 4 ignores a ``$ref``'s siblings) and each top-level key
is checked only against the property schemas that name it, which gives the same errors as the
whole schema for a mapping, about 100 times faster. Results are cached per text.

PyYAML and jsonschema are imported on first use, so importing the library (``import components``) stays light.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema.protocols
    import yaml
    from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "schema-cloud-config-v1.json"
_DEFS = "#/$defs/"


def _validator_class() -> type:
    import jsonschema

    base = jsonschema.Draft4Validator
    checker = base.TYPE_CHECKER.redefine(
        "string", lambda _checker, value: isinstance(value, (str, bytes)))
    return jsonschema.validators.extend(base, type_checker=checker)


def _inline_refs(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_DEFS) and ref[len(_DEFS):] not in seen:
            name = ref[len(_DEFS):]
            return _inline_refs(defs[name], defs, (*seen, name))
        return {key: _inline_refs(value, defs, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(value, defs, seen) for value in node]
    return node


@cache
def schema() -> dict[str, Any]:
    """cloud-init's schema as shipped."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def validator() -> jsonschema.protocols.Validator:
    """A validator for the whole schema (reference; slow, ~3 ms per document)."""
    return _validator_class()(schema())


@cache
def _property_validators() -> dict[str, tuple[tuple[int, Any], ...]] | None:
    """key -> ((allOf index, validator), ...); None when the schema is not shaped as expected."""
    full = schema()
    cls = _validator_class()
    index: dict[str, list[tuple[int, Any]]] = {}
    for position, entry in enumerate(full.get("allOf", ())):
        module = _inline_refs(entry, full.get("$defs", {}))
        if set(module) - {"type", "properties", "additionalProperties"}:
            return None
        if module.get("type", "object") != "object" or module.get("additionalProperties", True) is not True:
            return None
        for key, sub in module["properties"].items():
            index.setdefault(key, []).append((position, cls(sub)))
    if set(full) - {"$schema", "$defs", "allOf"}:
        return None
    return {key: tuple(value) for key, value in index.items()}


def _errors(data: dict[str, Any]) -> list[tuple[list[Any], list[Any], ValidationError]]:
    """(data path, schema path, error) for every problem."""
    from jsonschema.exceptions import best_match

    validators = _property_validators()
    if validators is None:
        return [(list(e.absolute_path), list(e.absolute_schema_path), e)
                for e in validator().iter_errors(data)]
    found = []
    for key in sorted(data, key=str):
        for position, sub in validators.get(key, ()):
            for error in sub.iter_errors(data[key]):
                chosen = best_match([error]) if error.context else error
                found.append((
                    [key, *chosen.absolute_path],
                    ["allOf", position, "properties", key, *chosen.absolute_schema_path],
                    chosen,
                ))
    return found


MAX_NODES = 200_000  # values after alias expansion (a few hundred bytes of aliases can expand to billions)
MAX_DEPTH = 64


def _expansion_problem(root: yaml.Node | None) -> str | None:
    """Why a composed document is refused before it is constructed and validated, or None."""
    import yaml

    if root is None:
        return None
    sizes: dict[int, tuple[int, int] | None] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if not done:
            if id(node) in sizes:
                continue
            sizes[id(node)] = None
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        counted = [sizes.get(id(c)) for c in children]
        if any(c is None for c in counted):
            return "cloud-config has an alias that refers to the value holding it"
        size = 1 + sum(c[0] for c in counted if c)
        height = 1 + max((c[1] for c in counted if c), default=0)
        if height > MAX_DEPTH:
            return f"cloud-config is nested deeper than {MAX_DEPTH} levels"
        if size > MAX_NODES:
            return f"cloud-config expands to more than {MAX_NODES} values (aliases counted at each use)"
        sizes[id(node)] = (size, height)
    return None


@lru_cache(maxsize=4096)
def cloud_config_problem(text: str) -> str | None:
    """None when valid, else one line naming the data path and cloud-init's schema path."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # safe loaders only
        node = yaml.compose(text, Loader=loader)
        too_big = _expansion_problem(node)
        if too_big:
            return too_big
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        return f"cloud-config is not valid YAML: {' '.join(str(exc).split())}"
    except RecursionError:
        return f"cloud-config is nested deeper than {MAX_DEPTH} levels"
    if data is None:
        return None
    if not isinstance(data, dict):
        return f"cloud-config must be a mapping at the top level, not {type(data).__name__}"
    errors = _errors(data)
    if not errors:
        return None
    path, schema_path, error = errors[0]
    where = ".".join(str(p) for p in path) or "<top>"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return (f"invalid cloud-config at '{where}': {error.message} "
            f"[cloud-init schema: {'/'.join(str(p) for p in schema_path)}]{more}")
