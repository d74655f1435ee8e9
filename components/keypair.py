"""KeyPair and ServerGroup components (Nova key pairs and scheduling groups)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from components.errors import StackError

POLICIES = ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")


@dataclass
class KeyPairArgs:
    """A Nova key pair. Without `public_key` Nova generates one; its private key is a secret output."""

    public_key: str | None = None
    os_name: str | None = None


class KeyPair(pulumi.ComponentResource):
    """Nova key pair; `name` is the OpenStack key name servers refer to."""

    keypair: openstack.compute.Keypair

    def __init__(self, name: str, args: KeyPairArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("openstack-stacks:index:KeyPair", name, {}, opts)
        self.keypair = openstack.compute.Keypair(
            name,
            name=args.os_name or name,
            public_key=_stripped(args.public_key),
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["privateKey"]),
        )
        self.name = self.keypair.name
        self.register_outputs({"name": self.keypair.name})


@dataclass
class ServerGroupArgs:
    """A Nova server group with one scheduling policy."""

    policy: str = "anti-affinity"
    os_name: str | None = None


class ServerGroup(pulumi.ComponentResource):
    """Nova server group (affinity / anti-affinity)."""

    group: openstack.compute.ServerGroup

    def __init__(self, name: str, args: ServerGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("openstack-stacks:index:ServerGroup", name, {}, opts)
        if args.policy not in POLICIES:
            raise StackError(f"policy must be one of {', '.join(POLICIES)}", resource=name, field="policy")
        self.group = openstack.compute.ServerGroup(
            name, name=args.os_name or name, policies=args.policy, opts=pulumi.ResourceOptions(parent=self)
        )
        self.id = self.group.id
        self.register_outputs({"id": self.group.id})


def _stripped(key: pulumi.Input[str] | None) -> pulumi.Input[str] | None:
    """The public key without surrounding whitespace (a secret one stays an Output, still secret)."""
    if isinstance(key, pulumi.Output):
        return key.apply(lambda k: k.strip() if k else None)
    return key.strip() if key else None
