"""Volume component: a Cinder volume that a routine update never deletes."""

from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.args import coerce
from components.errors import StackError
from components.lookup import image_id_by_name, invoke_options

TOKEN = "openstack-stacks:index:Volume"


@dataclass
class VolumeArgs:
    """A data volume. Protected by default: deleting or replacing it needs `protect=False`.

    `retain_on_delete=True` (Heat `deletion_policy: Retain`) keeps the volume in the cloud when it
    leaves the stack; Pulumi then forgets it instead of deleting it.
    """

    size: int
    """Size in GB. Cinder grows a volume in place and cannot shrink it."""
    volume_type: str | None = None
    image: str | None = None
    """Image name to create the volume from."""
    image_id: pulumi.Input[str] | None = None
    snapshot_id: str | None = None
    availability_zone: str | None = None
    description: str | None = None
    metadata: dict[str, str] | None = field(default_factory=dict)
    protect: bool | None = True
    """Refuse any change that deletes or replaces the volume (Pulumi `protect`)."""
    retain_on_delete: bool | None = False
    """Keep the volume in the cloud when it leaves the stack (Heat `deletion_policy: Retain`)."""
    os_name: str | None = None


def check_size(size: object, name: str) -> None:
    """Cinder sizes are whole GB, at least 1 (an Output is checked by the cloud)."""
    if isinstance(size, pulumi.Output):
        return
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise StackError(f"size must be a whole number of GB, at least 1, got {size!r}", resource=name,
                         field="size")


def cinder_volume(name: str, args: VolumeArgs, opts: pulumi.ResourceOptions | None = None
                  ) -> openstack.blockstorage.Volume:
    """The Cinder volume itself, with `protect` and `retain_on_delete` from `args` (merged into `opts`).

    The `Volume` component wraps one; a server's own per-member volumes are made with this directly, which
    spares an extra component registration per server (see the README's benchmark).
    """
    check_size(args.size, name)
    image_id = args.image_id
    if image_id is None and args.image:
        image_id = image_id_by_name(args.image, invoke_options(opts))
    own = pulumi.ResourceOptions(protect=args.protect is not False, retain_on_delete=args.retain_on_delete or None)
    return openstack.blockstorage.Volume(
        name,
        name=args.os_name or name,
        size=args.size,
        volume_type=args.volume_type,
        image_id=image_id,
        snapshot_id=args.snapshot_id,
        availability_zone=args.availability_zone,
        description=args.description,
        metadata=args.metadata if isinstance(args.metadata, pulumi.Output) else dict(args.metadata or {}) or None,
        opts=pulumi.ResourceOptions.merge(opts, own),
    )


class Volume(pulumi.ComponentResource):
    """One Cinder volume; `protect` and `retain_on_delete` are set on the volume itself."""

    volume_id: pulumi.Output[str]
    """ID of the Cinder volume."""
    size: pulumi.Output[int]
    """Size in GB."""

    def __init__(self, name: str, args: VolumeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        args = coerce(VolumeArgs, args)
        self.volume: openstack.blockstorage.Volume = cinder_volume(name, args, pulumi.ResourceOptions(parent=self))
        self.id = self.volume_id = self.volume.id
        self.size = self.volume.size
        self.register_outputs({"id": self.volume.id, "size": args.size})
