"""Resource plugins, one small class per template type, found through `REGISTRY` (type name -> class)."""

from openstack_stacks.heat.resources import (  # noqa: F401 - registers
    aws_groups,
    cinder,
    config,
    deployment,
    mapped,
    nested,
    neutron,
    nova,
    random_string,
    wait,
)
from openstack_stacks.heat.resources.base import REGISTRY, HeatResource, Prop, register

__all__ = ["REGISTRY", "HeatResource", "Prop", "register"]
