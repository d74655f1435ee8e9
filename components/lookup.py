"""Look-ups of existing cloud objects by name (external networks, images), as provider function calls."""

from __future__ import annotations

import pulumi
import pulumi_openstack as openstack


def network_id_by_name(name: str) -> pulumi.Output[str]:
    """ID of an existing network (e.g. the external network `public`)."""
    return openstack.networking.get_network_output(name=name).id


def image_id_by_name(name: str) -> pulumi.Output[str]:
    """ID of the newest image with this name."""
    return openstack.images.get_image_output(name=name, most_recent=True).id
