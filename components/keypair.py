"""KeyPair and ServerGroup components (Nova key pairs and scheduling groups)."""

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from components.args import coerce
from components.errors import StackError

POLICIES = ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")


@dataclass
class KeyPairArgs:
    """A Nova key pair. Without `public_key` Nova generates one; its private key is a secret output."""

    public_key: str | None = None
    """OpenSSH public key; unset: Nova generates the pair."""
    os_name: str | None = None


class KeyPair(pulumi.ComponentResource):
    """Nova key pair; `name` is the OpenStack key name servers refer to."""

    key_name: pulumi.Output[str]
    """The key pair's name in Nova (what servers name)."""

    def __init__(self, name: str, args: KeyPairArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("openstack-stacks:index:KeyPair", name, {}, opts)
        args = coerce(KeyPairArgs, args)
        self.keypair: openstack.compute.Keypair = openstack.compute.Keypair(
            name,
            name=args.os_name or name,
            public_key=_stripped(args.public_key),
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["privateKey"]),
        )
        self.name = self.key_name = self.keypair.name
        self.register_outputs({"name": self.keypair.name})


@dataclass
class ServerGroupArgs:
    """A Nova server group with one scheduling policy."""

    policy: str | None = "anti-affinity"
    """affinity, anti-affinity, soft-affinity or soft-anti-affinity."""
    os_name: str | None = None


class ServerGroup(pulumi.ComponentResource):
    """Nova server group (affinity / anti-affinity)."""

    server_group_id: pulumi.Output[str]
    """ID of the Nova server group."""

    def __init__(self, name: str, args: ServerGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("openstack-stacks:index:ServerGroup", name, {}, opts)
        args = coerce(ServerGroupArgs, args)
        if args.policy not in POLICIES:
            raise StackError(f"policy must be one of {', '.join(POLICIES)}", resource=name, field="policy")
        self.group: openstack.compute.ServerGroup = openstack.compute.ServerGroup(
            name, name=args.os_name or name, policies=args.policy, opts=pulumi.ResourceOptions(parent=self)
        )
        self.id = self.server_group_id = self.group.id
        self.register_outputs({"id": self.group.id})


def _stripped(key: pulumi.Input[str] | None) -> pulumi.Input[str] | None:
    """The public key without surrounding whitespace (a secret one stays an Output, still secret)."""
    if isinstance(key, pulumi.Output):
        return key.apply(lambda k: k.strip() if k else None)
    return key.strip() if key else None
