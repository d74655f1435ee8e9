"""Resource plugins, one small class per template type, found through `REGISTRY` (type name -> class)."""

from components.heat.resources import aws_groups, cinder, config, deployment, nested, neutron, nova, wait  # noqa: F401 - registers
from components.heat.resources.base import REGISTRY, HeatResource, Prop, register

__all__ = ["REGISTRY", "HeatResource", "Prop", "register"]
