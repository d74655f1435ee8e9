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


def is_template(document: dict[str, Any]) -> bool:
    """True for a HOT or CFN template."""
    return "heat_template_version" in document or any(k in document for k in CFN_KEYS)


def parse(document: dict[str, Any], path: str) -> Template:
    """Identify the format and version of `document` (StackError for an unknown version)."""
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
