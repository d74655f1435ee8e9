"""OpenStack stacks as Pulumi components.

Import the components to build stacks in Python, or use `python -m components render FILE` offline.
"""

from components.errors import StackError
from components.keypair import KeyPair, KeyPairArgs, ServerGroup, ServerGroupArgs
from components.network import Network, NetworkArgs, SubnetArgs
from components.security_group import RuleArgs, SecurityGroup, SecurityGroupArgs
from components.server import BootVolumeArgs, PortArgs, Server, ServerArgs, VolumeAttachmentArgs
from components.volume import Volume, VolumeArgs

__all__ = [
    "BootVolumeArgs",
    "KeyPair",
    "KeyPairArgs",
    "Network",
    "NetworkArgs",
    "PortArgs",
    "RuleArgs",
    "SecurityGroup",
    "SecurityGroupArgs",
    "Server",
    "ServerArgs",
    "ServerGroup",
    "ServerGroupArgs",
    "StackError",
    "SubnetArgs",
    "Volume",
    "VolumeArgs",
    "VolumeAttachmentArgs",
]
