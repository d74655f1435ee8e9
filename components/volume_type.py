"""Cinder volume types (admin-only by Cinder's default policy), with their extra specs and project access."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.errors import StackError


@dataclass
class VolumeTypeArgs:
    """A volume type; `projects` get access to a private (`is_public=False`) type."""

    os_name: str
    extra_specs: dict[str, str] = field(default_factory=dict)
    is_public: bool = True
    description: str | None = None
    projects: list[pulumi.Input[str]] = field(default_factory=list)


def volume_type(name: str, args: VolumeTypeArgs, opts: pulumi.ResourceOptions | None = None
                ) -> tuple[openstack.blockstorage.VolumeTypeV3, list[openstack.blockstorage.VolumeTypeAccessV3]]:
    """The blockstorage.VolumeTypeV3 and one VolumeTypeAccessV3 per project."""
    if args.projects and args.is_public:
        raise StackError("projects can be given only for a private volume type (is_public false)",
                         resource=name, field="projects")
    created = openstack.blockstorage.VolumeTypeV3(
        name, name=args.os_name, description=args.description, is_public=args.is_public,
        extra_specs={k: str(v) for k, v in args.extra_specs.items()} or None, opts=opts)
    access = [openstack.blockstorage.VolumeTypeAccessV3(
        f"{name}-access{index}", volume_type_id=created.id, project_id=project, opts=opts)
        for index, project in enumerate(args.projects)]
    return created, access
