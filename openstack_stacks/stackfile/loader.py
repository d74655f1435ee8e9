"""Load and validate a stack file into a `StackSpec` (plain data; no Pulumi resources yet)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.errors import StackError
from openstack_stacks import files
from openstack_stacks.parameters import Parameter, parse_parameters, resolve_parameters
from openstack_stacks.stackfile.fields import SECTIONS, TOP_LEVEL, Field
from openstack_stacks.stackfile.values import Secret, interpolate


class _DuplicateTrackingLoader(yaml.SafeLoader):
    """SafeLoader that records duplicate mapping keys (a later value silently overriding loses data)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []


MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_NODES = 200_000
"""Most YAML nodes a document may expand to, aliases counted at every use (a 'billion laughs' alias bomb
is a few hundred bytes that expand to billions)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (real stacks and templates stay under 20)."""


def _mapping(loader: _DuplicateTrackingLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        if key_node.tag == MERGE_TAG:  # `<<: *base` merges; the node's own keys may override merged ones
            continue
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, (str, int, float, bool)) and key in seen:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        elif isinstance(key, (str, int, float, bool)):
            seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_DuplicateTrackingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Document:
    """A parsed file and the duplicate keys found in it (key, line); the last value of each was kept."""

    path: str
    data: dict[str, Any]
    duplicates: tuple[tuple[str, int], ...] = ()

    def refuse_duplicates(self) -> dict[str, Any]:
        """The data, or a clear error when a key was given twice (our stack files allow no override)."""
        if self.duplicates:
            key, line = self.duplicates[0]
            raise StackError(f"invalid YAML (line {line}): duplicate key {key!r}", file=self.path)
        return self.data

    def keep_last(self) -> dict[str, Any]:
        """The data with the last value of each duplicated key, as Heat's template parser keeps it; noted."""
        from openstack_stacks import report
        for key, line in self.duplicates:
            report.note(f"{self.path}: line {line}: key {key!r} is given twice; the last value is used, as in Heat")
        return self.data


def parse_document(path: str | Path) -> Document:
    """Parse a YAML/JSON file into a mapping; errors name the file and the line."""
    path = Path(path)
    text = files.read_text(path)
    return parse_text(text, str(path))


def parse_text(text: str, path: str) -> Document:
    """Parse YAML/JSON text (a file's, or a template given inline) named `path` in errors."""
    loader = _DuplicateTrackingLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expansion(node, str(path))
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise StackError(f"invalid YAML{where}: {problem}", file=str(path)) from None
    except RecursionError:
        raise StackError(f"invalid YAML: nested deeper than {MAX_DEPTH} levels", file=str(path)) from None
    finally:
        loader.dispose()
    if not isinstance(document, dict):
        raise StackError("the file must hold a mapping at the top level", file=path)
    return Document(path, document, tuple(loader.duplicates))


def _check_expansion(root: yaml.Node, path: str) -> None:
    """Refuse a document nested deeper than MAX_DEPTH or expanding (aliases counted at each use) to more
    than MAX_NODES nodes, before anything is constructed."""
    sizes: dict[int, tuple[int, int] | None] = {}  # node id -> (expanded size, height); None while counted
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        children = _children(node)
        if not done:
            if id(node) in sizes:
                continue
            sizes[id(node)] = None
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        counted = [sizes.get(id(child)) for child in children]
        line = node.start_mark.line + 1
        if any(c is None for c in counted):
            raise StackError(f"invalid YAML (line {line}): an alias refers to the value that holds it", file=path)
        total = 1 + sum(size for size, _ in counted)
        height = 1 + max((h for _, h in counted), default=0)
        if height > MAX_DEPTH:
            raise StackError(f"invalid YAML (line {line}): nested deeper than {MAX_DEPTH} levels", file=path)
        if total > MAX_NODES:
            raise StackError(f"invalid YAML (line {line}): expands to more than {MAX_NODES} values (aliases "
                             "counted at each use)", file=path)
        sizes[id(node)] = (total, height)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def read_document(path: str | Path) -> dict[str, Any]:
    """Parse a stack file (or environment) into a mapping, refusing duplicate keys."""
    return parse_document(path).refuse_duplicates()


@dataclass
class StackSpec:
    """A validated stack file: parameter values and each section's resources (defaults filled in)."""

    file: str
    description: str
    parameters: dict[str, Parameter]
    values: dict[str, Any]
    secret_parameters: set[str]
    name_prefix: str
    sections: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path:
        return Path(self.file).parent


def load_stack_spec(document: dict[str, Any], path: str, given: dict[str, Any] | None = None,
                    secret_names: frozenset[str] = frozenset()) -> StackSpec:
    """Validate `document` (already parsed from `path`) with parameter values `given` (those named in
    `secret_names` were given as secrets)."""
    unknown = set(document) - set(TOP_LEVEL)
    if unknown:
        raise StackError(
            f"unknown top-level key(s) {', '.join(sorted(map(str, unknown)))} (allowed: {', '.join(TOP_LEVEL)})",
            file=path,
        )
    declared = parse_parameters(document.get("parameters") or {}, path)
    values = resolve_parameters(declared, dict(given or {}), path, secret_names)
    secrets = {name for name, p in declared.items() if p.secret}
    spec = StackSpec(
        file=path,
        description=str(document.get("description", "")),
        parameters=declared,
        values=values,
        secret_parameters=secrets,
        name_prefix=str(document.get("name_prefix") or ""),
    )
    for section, table in SECTIONS.items():
        raw = document.get(section) or {}
        if not isinstance(raw, dict):
            raise StackError(f"'{section}' must be a mapping of name to definition", file=path, field=section)
        items = {}
        for name, body in raw.items():
            name = str(name)
            try:
                _check_name(name)
                body = interpolate(body, values, secrets, section, allow_refs=section == "outputs")
                items[name] = validate(body, table, name)
            except StackError as exc:
                raise exc.with_context(file=path, resource=name) from None
        spec.sections[section] = items
    return spec


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_" for c in name) or not name[0].isalnum():
        raise StackError("names use letters, digits, '-' and '_' and start with a letter or digit")


def validate(body: Any, table: dict[str, Field], where: str) -> dict[str, Any]:
    """Check `body` against a Fields table: unknown keys, required keys, kinds, choices; fill defaults."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise StackError("must be a mapping")
    unknown = set(body) - set(table)
    if unknown:
        raise StackError(
            f"unknown field(s) {', '.join(sorted(map(str, unknown)))} (allowed: {', '.join(table)})",
            field=sorted(map(str, unknown))[0],
        )
    out: dict[str, Any] = {}
    for key, spec in table.items():
        if key not in body or body[key] is None:
            if spec.required:
                raise StackError("is required", field=key)
            out[key] = _copy(spec.default)
            continue
        value = body[key]
        if spec.many:
            if not isinstance(value, list):
                raise StackError("must be a list", field=key)
            out[key] = [_value(v, spec, f"{key}[{i}]") for i, v in enumerate(value)]
        else:
            out[key] = _value(value, spec, key)
    return out


def _copy(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _value(value: Any, spec: Field, where: str) -> Any:
    if isinstance(value, Secret):
        if not spec.secret_ok:
            raise StackError("a secret parameter cannot be used here (it would be stored in plain text)", field=where)
        return Secret(_value(value.value, Field(spec.kind, choices=spec.choices), where))
    kind = spec.kind
    if isinstance(kind, dict):
        try:
            return validate(value, kind, where)
        except StackError as exc:
            raise StackError(exc.message, field=f"{where}.{exc.field}" if exc.field else where) from None
    if kind == "named":
        if not isinstance(value, dict):
            raise StackError("must be a mapping of name to definition", field=where)
        from openstack_stacks.stackfile.fields import SUBNET

        out = {}
        for name, body in value.items():
            try:
                out[str(name)] = validate(body, SUBNET, f"{where}.{name}")
            except StackError as exc:
                raise StackError(exc.message, field=f"{where}.{name}.{exc.field}") from None
        return out
    if kind == "volume_ref":
        if isinstance(value, str):
            return value
        from openstack_stacks.stackfile.fields import INLINE_VOLUME

        try:
            return validate(value, INLINE_VOLUME, where)
        except StackError as exc:
            raise StackError(exc.message, field=f"{where}.{exc.field}") from None
    if kind is object:
        return value
    if kind is int:
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or (isinstance(value, float) and not math.isfinite(value)) or int(value) != value):
            raise StackError(f"must be an integer, got {value!r}", field=where)
        value = int(value)
    elif kind is bool:
        if not isinstance(value, bool):
            raise StackError(f"must be true or false, got {value!r}", field=where)
    elif kind is str:
        if isinstance(value, (dict, list)):
            raise StackError(f"must be a string, got {type(value).__name__}", field=where)
        value = "true" if value is True else "false" if value is False else str(value)
    elif kind is dict and not isinstance(value, dict):
        raise StackError("must be a mapping", field=where)
    if spec.choices and value not in spec.choices:
        raise StackError(f"must be one of {', '.join(map(str, spec.choices))}, got {value!r}", field=where)
    return value
