"""The component provider: every component of the library, hosted for other Pulumi languages.

`provider/__main__.py` (beside `provider/PulumiPlugin.yaml`) calls `serve()`; the schema is what Pulumi's
analyzer (`pulumi.provider.experimental`) infers from the components' args and output annotations.
"""

from importlib import metadata

import pulumi

from components.keypair import KeyPair, ServerGroup
from components.network import Network
from components.random_string import RandomString
from components.security_group import SecurityGroup
from components.server import Server
from components.volume import Volume

PACKAGE = "openstack-stacks"  # the package part of every type token (openstack-stacks:index:<Name>)
COMPONENTS: list[type[pulumi.ComponentResource]] = [
    Network, SecurityGroup, Volume, Server, KeyPair, ServerGroup, RandomString]


def version() -> str:
    """The installed distribution's version, or the checkout's pyproject version."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]


def provider() -> "pulumi.provider.experimental.component.ComponentProvider":
    """The provider object the host serves (its get_schema and construct are what the engine calls)."""
    from pulumi.provider.experimental.component import ComponentProvider

    return ComponentProvider(COMPONENTS, PACKAGE, None, version())


def serve() -> None:
    """Host the components (the plugin's entry point)."""
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(COMPONENTS, name=PACKAGE, version=version())
