"""OS::Heat::SoftwareConfig, CloudConfig, MultipartMime: user data held in the template, no cloud resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.values import lift
from userdata import Part
from userdata.sniff import sniff_subtype


@dataclass(frozen=True)
class ConfigValue:
    """What get_resource of a config gives: its parts (Heat stores a config record and passes its ID)."""

    name: str
    parts: tuple[Part, ...]
    group: str = "Heat::Ungrouped"
    inputs: tuple[tuple[str, Any], ...] = ()  # (name, default) of SoftwareConfig inputs
    structured: Any = None  # StructuredConfig data (with get_input calls left in)
    outputs: tuple[str, ...] = ()  # names of the declared outputs (read back through the deployment's signal)

    def text(self) -> str:
        """The config as one text (a single part), as Heat's `config` attribute."""
        if len(self.parts) == 1:
            return self.parts[0].content
        from userdata.mime import MimePart, render_mime

        return render_mime(MimePart(p.content, f"text/{p.subtype}", p.filename, p.merge_type)
                           for p in self.parts).decode()


def text_part(content: str, filename: str | None = None, subtype: str | None = None) -> Part:
    """A text part; the subtype is the given one, else what cloud-init would sniff, else plain."""
    return Part(content, subtype or sniff_subtype(content) or "plain", filename)


@register
class SoftwareConfig(HeatResource):
    TYPES = ("OS::Heat::SoftwareConfig",)
    NOT_IN_CLOUD = "rendered into the servers' user data"
    PROPERTIES = {"config": Prop(default=""), "group": Prop(default="Heat::Ungrouped"),
                  "inputs": Prop(default=[]),
                  "outputs": Prop(default=[]),
                  "options": Prop(ignored="no deployment agent")}
    ATTRIBUTES = {"config": "config_text"}
    REF = "value"

    def build(self) -> None:
        def make(config: Any, group: Any, inputs: Any, outputs: Any) -> ConfigValue:
            declared = tuple((str(i["name"]), i.get("default")) for i in inputs or [] if isinstance(i, dict))
            names = tuple(str(o["name"]) for o in outputs or [] if isinstance(o, dict) and o.get("name"))
            return ConfigValue(self.name, (text_part(str(config)),), str(group), declared, outputs=names)

        self._value = lift(make, self.props["config"], self.props["group"], self.props["inputs"],
                           self.props["outputs"])

    def value(self) -> Any:
        return self._value

    def config_text(self) -> Any:
        return lift(lambda v: v.text(), self._value)


@register
class CloudConfig(SoftwareConfig):
    """Stored by Heat as `#cloud-config` + newline + a YAML dump (keys sorted)."""

    TYPES = ("OS::Heat::CloudConfig",)
    NOT_IN_CLOUD = "rendered into the servers' user data"
    PROPERTIES = {"cloud_config": Prop(default={})}

    def build(self) -> None:
        def dump(cfg: Any) -> ConfigValue:
            text = "#cloud-config\n" + yaml.safe_dump(cfg, default_flow_style=False)
            return ConfigValue(self.name, (Part(text, "cloud-config", None),))

        self._value = lift(dump, self.props["cloud_config"])


@register
class MultipartMime(SoftwareConfig):
    TYPES = ("OS::Heat::MultipartMime",)
    NOT_IN_CLOUD = "rendered into the servers' user data"
    PROPERTIES = {"parts": Prop(default=[]), "group": Prop(default="Heat::Ungrouped")}

    def build(self) -> None:
        def combine(parts: list[dict[str, Any]]) -> ConfigValue:
            out: list[Part] = []
            for item in parts:
                config, kind = item.get("config"), item.get("type", "text")
                if kind == "multipart" and isinstance(config, ConfigValue):
                    out.extend(config.parts)
                    continue
                subtype = item.get("subtype")
                if isinstance(config, ConfigValue):
                    base = config.parts[0] if len(config.parts) == 1 else None
                    content = config.text()
                    subtype = subtype or (base.subtype if base else None)
                else:
                    content = str(config or "")
                out.append(text_part(content, item.get("filename"), subtype))
            return ConfigValue(self.name, tuple(out))

        self._value = lift(combine, self.props["parts"])


@register
class StructuredConfig(SoftwareConfig):
    """Structured data for an in-image hook; `get_input` calls are filled in per deployment."""

    TYPES = ("OS::Heat::StructuredConfig",)
    NOT_IN_CLOUD = "rendered into the servers' user data"
    PROPERTIES = {"config": Prop(default={}), "group": Prop(default="Heat::Ungrouped"), "inputs": Prop(default=[]),
                  "outputs": Prop(default=[]),
                  "options": Prop(ignored="no deployment agent")}

    def build(self) -> None:
        import json

        def make(config: Any, group: Any, inputs: Any) -> ConfigValue:
            declared = tuple((str(i["name"]), i.get("default")) for i in inputs or [] if isinstance(i, dict))
            text = json.dumps(config, sort_keys=True)
            return ConfigValue(self.name, (Part(text, "plain", None),), str(group), declared, config)

        self._value = lift(make, self.props["config"], self.props["group"], self.props["inputs"])
