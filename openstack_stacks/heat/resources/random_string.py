"""OS::Heat::RandomString through components.random_string.RandomString (a secret kept in state)."""

from __future__ import annotations

from typing import Any

from components.errors import StackError
from components.random_string import RandomString, RandomStringArgs
from openstack_stacks.heat.resources.base import HeatResource, Prop, register


@register
class HeatRandomString(HeatResource):
    TYPES = ("OS::Heat::RandomString",)
    PROPERTIES = {"length": Prop(default=32), "sequence": Prop(), "character_classes": Prop(),
                  "character_sequences": Prop(default=[]), "salt": Prop()}
    ATTRIBUTES = {"value": "value"}
    REF = "value"  # get_resource / Ref of a RandomString is the string itself, as in Heat

    def args(self) -> RandomStringArgs:
        p = self.props
        if p["sequence"] is not None and p["character_classes"] is not None:
            raise self.fail("give sequence (deprecated) or character_classes, not both", field="sequence")
        if p["character_classes"] is not None:
            classes = [(str(c.get("class", "lettersdigits")), int(c.get("min", 1))) for c in p["character_classes"]]
        elif p["sequence"] is not None:
            classes = [(str(p["sequence"]), 1)]
        else:
            classes = [] if p["character_sequences"] else [("lettersdigits", 1)]
        sequences = [(str(s["sequence"]), int(s.get("min", 1))) for s in p["character_sequences"] or []]
        return RandomStringArgs(length=int(p["length"]), classes=classes, sequences=sequences,
                                salt=None if p["salt"] is None else str(p["salt"]))

    def build(self) -> None:
        try:
            self.random = RandomString(self.logical, self.args(), opts=self.child_opts())
        except StackError as exc:
            raise self.fail(exc.message, field=exc.field) from None
        self.resources.append(self.random)

    def value(self) -> Any:
        return self.random.value
