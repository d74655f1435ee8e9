"""Look-ups of existing cloud objects by name (external networks, images), as provider function calls.

A lookup goes to the provider the caller's resources go to: pass `opts` (the component as parent, or
`invoke_options(resource_opts)`); without it the invoke goes to the default provider even when the resources
go to another region (issue 14).
"""

from __future__ import annotations

import pulumi
import pulumi_openstack as openstack

from components.regions import openstack_provider


def invoke_options(opts: pulumi.ResourceOptions | None) -> pulumi.InvokeOptions | None:
    """Invoke options for lookups made on behalf of resources registered with `opts`: the openstack provider
    `opts` names, else its parent's (the SDK reads the parent's providers)."""
    if opts is None:
        return None
    return pulumi.InvokeOptions(parent=opts.parent, provider=openstack_provider(opts))


def network_id_by_name(name: str, opts: pulumi.InvokeOptions | None = None) -> pulumi.Output[str]:
    """ID of an existing network (e.g. the external network `public`)."""
    return openstack.networking.get_network_output(name=name, opts=opts).id


def image_id_by_name(name: str, opts: pulumi.InvokeOptions | None = None) -> pulumi.Output[str]:
    """ID of the newest image with this name."""
    return openstack.images.get_image_output(name=name, most_recent=True, opts=opts).id
