"""OpenStack stacks as Pulumi components.

Import the components to build stacks in Python, or use `python -m components render FILE` offline.
"""

import importlib

from components.errors import StackError

# The components load on first use (PEP 562), so `python -m components diff` and `adopt`, which need no
# Pulumi, do not pay for importing it (about 0.3 s); `from components import Server` works as before.
_LAZY = {
    "BootVolumeArgs": "components.server",
    "KeyPair": "components.keypair",
    "KeyPairArgs": "components.keypair",
    "Network": "components.network",
    "NetworkArgs": "components.network",
    "PortArgs": "components.server",
    "RuleArgs": "components.security_group",
    "SecurityGroup": "components.security_group",
    "SecurityGroupArgs": "components.security_group",
    "Server": "components.server",
    "ServerArgs": "components.server",
    "ServerGroup": "components.keypair",
    "ServerGroupArgs": "components.keypair",
    "SubnetArgs": "components.network",
    "Volume": "components.volume",
    "VolumeArgs": "components.volume",
    "VolumeAttachmentArgs": "components.server",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'components' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


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
