"""Template documents: format (HOT or CFN), version and the section names each format uses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from components.errors import StackError

HOT_VERSIONS = {
    "2013-05-23": "2013-05-23", "2014-10-16": "2014-10-16", "2015-04-30": "2015-04-30",
    "2015-10-15": "2015-10-15", "2016-04-08": "2016-04-08", "2016-10-14": "2016-10-14",
    "newton": "2016-10-14", "2017-02-24": "2017-02-24", "ocata": "2017-02-24", "2017-09-01": "2017-09-01",
    "pike": "2017-09-01", "2018-03-02": "2018-03-02", "queens": "2018-03-02", "2018-08-31": "2018-08-31",
    "rocky": "2018-08-31", "2021-04-16": "2021-04-16", "wallaby": "2021-04-16",
}
CFN_KEYS = ("AWSTemplateFormatVersion", "HeatTemplateFormatVersion")


@dataclass(frozen=True)
class Sections:
    """Key names of one template format."""

    parameters: str
    resources: str
    outputs: str
    conditions: str
    mappings: str | None
    type: str
    properties: str
    metadata: str
    depends_on: str
    deletion_policy: str
    condition: str
    value: str
    default: str


HOT = Sections("parameters", "resources", "outputs", "conditions", None, "type", "properties", "metadata",
               "depends_on", "deletion_policy", "condition", "value", "default")
CFN = Sections("Parameters", "Resources", "Outputs", "Conditions", "Mappings", "Type", "Properties", "Metadata",
               "DependsOn", "DeletionPolicy", "Condition", "Value", "Default")


def _text(value: Any) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    return str(value)


@dataclass
class Template:
    """One parsed template: its document, format ('hot' | 'cfn'), canonical version and file path."""

    document: dict[str, Any]
    path: str
    format: str
    version: str
    sections: Sections = field(repr=False, default=HOT)

    @property
    def directory(self) -> Path:
        return Path(self.path).resolve().parent

    def section(self, name: str) -> dict[str, Any]:
        value = self.document.get(getattr(self.sections, name) or "", None) or {}
        if not isinstance(value, dict):
            raise StackError(f"section '{getattr(self.sections, name)}' must be a mapping", file=self.path)
        return value


HOT_SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters", "resources", "outputs")
HOT_RESOURCE_KEYS = ("type", "properties", "metadata", "depends_on", "deletion_policy", "update_policy",
                     "description")
CFN_SECTIONS = ("AWSTemplateFormatVersion", "HeatTemplateFormatVersion", "Description", "Mappings", "Parameters",
                "Resources", "Outputs")
CFN_RESOURCE_KEYS = ("Type", "Properties", "Metadata", "DependsOn", "DeletionPolicy", "UpdatePolicy", "Description")


def _structure(t: Template) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Allowed top-level sections, resource keys and output keys (Heat's SECTIONS, _RESOURCE_KEYS,
    OUTPUT_KEYS per template class)."""
    if t.format == "hot":
        conditions = t.version >= "2016-10-14"
        return (HOT_SECTIONS + (("conditions",) if conditions else ()),
                HOT_RESOURCE_KEYS + (("external_id", "condition") if conditions else ()),
                ("description", "value") + (("condition",) if conditions else ()))
    aws = t.version == "2010-09-09"
    return (CFN_SECTIONS + (("Conditions",) if aws else ()), CFN_RESOURCE_KEYS + (("Condition",) if aws else ()),
            ("Description", "Value") + (("Condition",) if aws else ()))


def validate(t: Template) -> None:
    """Heat's structural checks: top-level sections, resource and output keywords (StackError)."""
    sections, resource_keys, output_keys = _structure(t)
    for key in t.document:
        if key not in sections:
            raise StackError(f'"{key}" is not a valid template section (allowed: {", ".join(sections)})',
                             file=t.path)
    s = t.sections
    for section, kind, keys, required in ((s.resources, "resource", resource_keys, s.type),
                                          (s.outputs, "output", output_keys, s.value)):
        body = t.document.get(section) or {}
        if not isinstance(body, dict):
            raise StackError(f'"{section}" must contain a map of {kind} maps', file=t.path)
        for name, attrs in body.items():
            where = {"resource": name} if kind == "resource" else {"field": f"{section}.{name}"}
            if not attrs:
                raise StackError(f"Each {kind if t.format == 'hot' else kind.title()} must contain a {required} key.",
                                 file=t.path, **where)
            if not isinstance(attrs, dict):
                raise StackError(f'"{section}" must contain a map of {kind} maps. Found a '
                                 f"[{type(attrs).__name__}] instead", file=t.path, **where)
            for key in attrs:
                # CFN templates have always been allowed unknown resource keys (test_validate.py)
                if key not in keys and not (t.format == "cfn" and kind == "resource"):
                    raise StackError(f'"{key}" is not a valid keyword inside a {kind} definition '
                                     f"(allowed: {', '.join(keys)})", file=t.path, **where)
            if required not in attrs:
                raise StackError(f"Each {kind if t.format == 'hot' else kind.title()} must contain a {required} key.",
                                 file=t.path, **where)
            if kind == "resource":
                if not isinstance(attrs[required], str):
                    raise StackError(f"Resource {name} {required} type must be string", file=t.path, **where)
                deps = attrs.get(s.depends_on)
                if deps is not None and not isinstance(deps, str) and not (
                        isinstance(deps, list) and all(isinstance(d, str) for d in deps)):
                    raise StackError(f"Resource {name} {s.depends_on} must be a list of strings", file=t.path,
                                     **where)
    if t.format == "hot":
        _parameter_groups(t)


def _parameter_groups(t: Template) -> None:
    """heat/engine/parameter_groups.py: a list of groups, each naming declared parameters, each once."""
    groups = t.document.get("parameter_groups")
    if not groups:
        return
    fail = lambda where, message: StackError(f"Parameter Groups error: {where}: {message}",  # noqa: E731
                                             file=t.path)
    if not isinstance(groups, list):
        raise fail("parameter_groups", "The parameter_groups should be a list.")
    declared = t.document.get("parameters") or {}
    seen: list[Any] = []
    for group in groups:
        if not isinstance(group, dict):
            raise fail("parameter_groups", "each parameter group should be a mapping.")
        where = f"parameter_groups.{group.get('label', '')}"
        params = group.get("parameters")
        if params is None:
            raise fail(where, "The parameters must be provided for each parameter group.")
        if not isinstance(params, list):
            raise fail(where, "The parameters of parameter group should be a list.")
        for param in params:
            if param in seen:
                raise fail(where, f"The {param} parameter must be assigned to one parameter group only.")
            seen.append(param)
            if not isinstance(declared, dict) or param not in declared:
                raise fail(where, f"The grouped parameter {param} does not reference a valid parameter.")


def is_template(document: dict[str, Any]) -> bool:
    """True for a HOT or CFN template."""
    return "heat_template_version" in document or any(k in document for k in CFN_KEYS)


def parse(document: dict[str, Any], path: str) -> Template:
    """Identify the format and version of `document` and check its structure (StackError when Heat would
    refuse it)."""
    template = _identify(document, path)
    validate(template)
    return template


def _identify(document: dict[str, Any], path: str) -> Template:
    present = [k for k in ("heat_template_version", *CFN_KEYS) if k in document]
    if len(present) > 1:
        raise StackError(f"Ambiguous versions ({', '.join(present)})", file=path)
    if "heat_template_version" in document:
        raw = _text(document["heat_template_version"])
        if raw not in HOT_VERSIONS:
            raise StackError(f"unsupported heat_template_version {raw!r} (supported: "
                             f"{', '.join(sorted(set(HOT_VERSIONS.values())))})", file=path)
        return Template(document, path, "hot", HOT_VERSIONS[raw], HOT)
    for key, allowed in (("AWSTemplateFormatVersion", "2010-09-09"), ("HeatTemplateFormatVersion", "2012-12-12")):
        if key in document:
            raw = _text(document[key])
            if raw != allowed:
                raise StackError(f"unsupported {key} {raw!r} (supported: {allowed})", file=path)
            return Template(document, path, "cfn", raw, CFN)
    raise StackError("not a Heat or CloudFormation template", file=path)
