"""Explicit openstack providers (one per region) and the openstack provider a component's options name."""

from __future__ import annotations

import re

import pulumi
import pulumi_openstack as openstack

# Provider settings read from the stack's `openstack:*` config: an explicit provider does not read them itself
# (only the default provider does), so without this a second region would lose the credentials.
_SETTINGS = ("authUrl", "region", "cloud", "userName", "userId", "tenantName", "tenantId", "domainName", "domainId",
             "userDomainName", "userDomainId", "projectDomainName", "projectDomainId", "defaultDomain",
             "applicationCredentialId", "applicationCredentialName", "endpointType", "cacertFile", "cert",
             "insecure", "systemScope")
_SECRET_SETTINGS = ("password", "token", "applicationCredentialSecret", "key")
_BOOLEAN = ("insecure", "systemScope")


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def region_provider(name: str, region: str | None, opts: pulumi.ResourceOptions | None = None, *,
                    insecure: bool | None = None) -> openstack.Provider:
    """An openstack provider for `region` (None: the configured one) with the stack's other `openstack:*`
    settings; `insecure` overrides the configured TLS check."""
    config = pulumi.Config("openstack")
    settings: dict[str, object] = {}
    for key in _SETTINGS:
        value = config.get_bool(key) if key in _BOOLEAN else config.get(key)
        if value is not None:
            settings[_snake(key)] = value
    for key in _SECRET_SETTINGS:
        value = config.get_secret(key)
        if value is not None:
            settings[_snake(key)] = value
    if region is not None:
        settings["region"] = region
    if insecure is not None:
        settings["insecure"] = bool(insecure)
    return openstack.Provider(name, **settings, opts=opts)


def openstack_provider(opts: pulumi.ResourceOptions | None) -> pulumi.ProviderResource | None:
    """The openstack provider `opts` names (`provider`, or `providers` as a list or a package map), else None.

    Children inherit it from their parent; invokes do not unless told (pulumi.InvokeOptions).
    """
    if opts is None:
        return None
    provider = opts.provider
    if provider is not None and getattr(provider, "package", "openstack") == "openstack":
        return provider
    providers = opts.providers
    if isinstance(providers, dict):
        return providers.get("openstack")
    for item in providers or []:
        if getattr(item, "package", None) == "openstack":
            return item
    return None
