"""Heat types that map one to one onto a pulumi-openstack resource (components.simple), declared as data.

Each class names its kind, its properties (Heat property -> provider argument, with a converter) and its
attributes (Heat attribute -> provider output). IDs come from get_resource; networks, subnets and ports may
also be given by name, as Heat allows (looked up with the stack's provider).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from components.simple import resource
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.values import as_input

Spec = tuple[str, str | None]  # (provider argument, converter name or None)


class Mapped(HeatResource):
    """A template resource that is one provider resource: inputs and outputs as tables."""

    KIND: ClassVar[str] = ""
    INPUTS: ClassVar[dict[str, Spec]] = {}
    OUTPUTS: ClassVar[dict[str, str]] = {}
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    DEFAULTS: ClassVar[dict[str, Any]] = {}
    IGNORED: ClassVar[dict[str, str]] = {}
    NAMED: ClassVar[bool] = True  # `name` defaults to the logical name (Heat's physical resource name)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.PROPERTIES = {**{k: Prop(required=k in cls.REQUIRED, default=cls.DEFAULTS.get(k)) for k in cls.INPUTS},
                          **{k: Prop(ignored=why) for k, why in cls.IGNORED.items()}}
        cls.ATTRIBUTES = {**{k: "output" for k in cls.OUTPUTS}, "show": "show"}

    def convert(self, value: Any, how: str | None, field: str) -> Any:
        from openstack_stacks.heat.resources import neutron

        if how is None:
            return as_input(value)
        if how == "int":
            return int(value)
        if how == "bool":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes", "on")
        if how == "str":
            return str(value) if not isinstance(value, pulumi.Output) else value
        if how == "map":
            if not isinstance(value, dict):
                raise self.fail("must be a mapping", field=field)
            return {str(k): str(v) for k, v in value.items()}
        if how == "secret":
            return pulumi.Output.secret(value)
        if how in ("lifetime", "dpd"):  # Heat's one map -> the provider's list of one
            if not isinstance(value, dict):
                raise self.fail("must be a mapping", field=field)
            renamed = {"actions": "action"} if how == "dpd" else {}
            return [{renamed.get(k, k): v for k, v in value.items()}]
        if how == "project":
            from openstack_stacks.heat.resources.cinder import project_id

            return project_id(value, self.invoke_opts())
        lookup = {"network": neutron.network_id, "subnet": neutron.subnet_id, "port": neutron.port_id}[how]
        return lookup(value, self.invoke_opts())

    def inputs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for prop, (arg, how) in self.INPUTS.items():
            if self.props.get(prop) is not None:
                out[arg] = self.convert(self.props[prop], how, prop)
        if self.NAMED and out.get("name") is None:
            out["name"] = self.logical
        return out

    def build(self) -> None:
        self.resource = resource(self.KIND, self.logical, self.inputs(), self.child_opts())
        self.resources.append(self.resource)

    def id(self) -> Any:
        return self.resource.id

    def attribute(self, name: str, path: list[Any]) -> Any:
        if name in self.OUTPUTS:
            from openstack_stacks.heat.values import lift, walk_path

            value = getattr(self.resource, self.OUTPUTS[name])
            return lift(walk_path, value, list(path)) if path else value
        return super().attribute(name, path)

    def show(self) -> Any:
        return pulumi.Output.all(self.id(), *(getattr(self.resource, o) for o in self.OUTPUTS.values())).apply(
            lambda values: {"id": values[0], **dict(zip(self.OUTPUTS, values[1:]))})


# --- Neutron ------------------------------------------------------------------------------------------------
@register
class QoSPolicy(Mapped):
    TYPES = ("OS::Neutron::QoSPolicy",)
    KIND = "qos_policy"
    INPUTS = {"name": ("name", None), "description": ("description", None), "shared": ("shared", "bool"),
              "tenant_id": ("project_id", None), "tags": ("tags", None)}
    OUTPUTS = {"name": "name"}


_RULE_TENANT = {"tenant_id": "a QoS rule belongs to its policy's project"}


@register
class QoSBandwidthLimitRule(Mapped):
    TYPES = ("OS::Neutron::QoSBandwidthLimitRule",)
    KIND, NAMED, REQUIRED, IGNORED = "qos_bandwidth_limit_rule", False, ("policy", "max_kbps"), _RULE_TENANT
    INPUTS = {"policy": ("qos_policy_id", None), "max_kbps": ("max_kbps", "int"),
              "max_burst_kbps": ("max_burst_kbps", "int"), "direction": ("direction", None)}


@register
class QoSDscpMarkingRule(Mapped):
    TYPES = ("OS::Neutron::QoSDscpMarkingRule",)
    KIND, NAMED, REQUIRED, IGNORED = "qos_dscp_marking_rule", False, ("policy", "dscp_mark"), _RULE_TENANT
    INPUTS = {"policy": ("qos_policy_id", None), "dscp_mark": ("dscp_mark", "int")}


@register
class QoSMinimumBandwidthRule(Mapped):
    TYPES = ("OS::Neutron::QoSMinimumBandwidthRule",)
    KIND, NAMED, REQUIRED, IGNORED = "qos_minimum_bandwidth_rule", False, ("policy", "min_kbps"), _RULE_TENANT
    INPUTS = {"policy": ("qos_policy_id", None), "min_kbps": ("min_kbps", "int"), "direction": ("direction", None)}


@register
class AddressScope(Mapped):
    TYPES = ("OS::Neutron::AddressScope",)
    KIND = "address_scope"
    INPUTS = {"name": ("name", None), "shared": ("shared", "bool"), "tenant_id": ("project_id", None),
              "ip_version": ("ip_version", "int")}
    OUTPUTS = {"name": "name", "ip_version": "ip_version", "shared": "shared"}


@register
class SubnetPool(Mapped):
    TYPES = ("OS::Neutron::SubnetPool",)
    KIND, REQUIRED = "subnet_pool", ("prefixes",)
    INPUTS = {"name": ("name", None), "prefixes": ("prefixes", None), "address_scope": ("address_scope_id", None),
              "default_quota": ("default_quota", "int"), "default_prefixlen": ("default_prefixlen", "int"),
              "min_prefixlen": ("min_prefixlen", "int"), "max_prefixlen": ("max_prefixlen", "int"),
              "is_default": ("is_default", "bool"), "tenant_id": ("project_id", None), "shared": ("shared", "bool"),
              "tags": ("tags", None)}
    OUTPUTS = {"name": "name", "prefixes": "prefixes"}


@register
class Segment(Mapped):
    TYPES = ("OS::Neutron::Segment",)
    KIND, REQUIRED = "segment", ("network", "network_type")
    INPUTS = {"network": ("network_id", "network"), "network_type": ("network_type", None),
              "physical_network": ("physical_network", None), "segmentation_id": ("segmentation_id", "int"),
              "name": ("name", None), "description": ("description", None)}
    OUTPUTS = {"name": "name", "network_id": "network_id", "segmentation_id": "segmentation_id"}


@register
class RBACPolicy(Mapped):
    TYPES = ("OS::Neutron::RBACPolicy",)
    KIND, NAMED = "rbac_policy", False
    REQUIRED = ("object_type", "target_tenant", "action", "object_id")
    INPUTS = {"object_type": ("object_type", None), "target_tenant": ("target_tenant", None),
              "action": ("action", None), "object_id": ("object_id", None)}
    IGNORED = {"tenant_id": "the policy belongs to the stack's project"}


@register
class ExtraRoute(Mapped):
    """Deprecated in Heat (use the router's routes); a networking.RouterRoute."""

    TYPES = ("OS::Neutron::ExtraRoute",)
    KIND, NAMED, REQUIRED = "router_route", False, ("router_id", "destination", "nexthop")
    INPUTS = {"router_id": ("router_id", None), "destination": ("destination_cidr", None),
              "nexthop": ("next_hop", None)}


@register
class FloatingIPPortForward(Mapped):
    TYPES = ("OS::Neutron::FloatingIPPortForward",)
    KIND, NAMED = "port_forwarding", False
    REQUIRED = ("floating_ip", "internal_port", "internal_ip_address", "internal_port_number", "external_port",
                "protocol")
    INPUTS = {"floating_ip": ("floatingip_id", None), "internal_port": ("internal_port_id", "port"),
              "internal_ip_address": ("internal_ip_address", None),
              "internal_port_number": ("internal_port", "int"), "external_port": ("external_port", "int"),
              "protocol": ("protocol", None)}


# --- Nova ---------------------------------------------------------------------------------------------------
@register
class NovaFlavor(Mapped):
    """A flavor; `tenants` of a private flavor get access (compute.FlavorAccess)."""

    TYPES = ("OS::Nova::Flavor",)
    KIND, REQUIRED = "flavor", ("ram", "vcpus")
    DEFAULTS = {"disk": 0, "is_public": True}
    INPUTS = {"name": ("name", None), "ram": ("ram", "int"), "vcpus": ("vcpus", "int"), "disk": ("disk", "int"),
              "swap": ("swap", "int"), "ephemeral": ("ephemeral", "int"), "rxtx_factor": ("rx_tx_factor", None),
              "is_public": ("is_public", "bool"), "extra_specs": ("extra_specs", "map"),
              "description": ("description", None), "tenants": ("", None)}
    OUTPUTS = {"is_public": "is_public", "extra_specs": "extra_specs", "name": "name"}

    def inputs(self) -> dict[str, Any]:
        out = super().inputs()
        out.pop("", None)
        return out

    def build(self) -> None:
        super().build()
        tenants = self.props.get("tenants") or []
        if tenants and self.props.get("is_public") not in (False, "false", "False"):
            raise self.fail("tenants can be given only for a private flavor (is_public false)", field="tenants")
        for index, tenant in enumerate(tenants):
            self.resources.append(resource("flavor_access", f"{self.logical}-access{index}",
                                           {"flavor_id": self.resource.id, "tenant_id": tenant}, self.child_opts()))


@register
class HostAggregate(Mapped):
    TYPES = ("OS::Nova::HostAggregate",)
    KIND = "aggregate"
    INPUTS = {"name": ("name", None), "availability_zone": ("zone", None), "hosts": ("hosts", None),
              "metadata": ("metadata", "map")}


# --- Designate, Swift, Keystone, Barbican -------------------------------------------------------------------
@register
class DesignateZone(Mapped):
    TYPES = ("OS::Designate::Zone",)
    KIND, REQUIRED = "dns_zone", ("name",)
    INPUTS = {"name": ("name", None), "description": ("description", None), "ttl": ("ttl", "int"),
              "email": ("email", None), "type": ("type", None), "masters": ("masters", None)}
    OUTPUTS = {"name": "name"}


@register
class DesignateRecordSet(Mapped):
    TYPES = ("OS::Designate::RecordSet",)
    KIND, REQUIRED = "dns_record_set", ("zone", "type", "records")
    INPUTS = {"zone": ("zone_id", None), "name": ("name", None), "type": ("type", None),
              "records": ("records", None), "ttl": ("ttl", "int"), "description": ("description", None)}
    NAMED = False  # Designate names a record set without a name after its zone


@register
class SwiftContainer(Mapped):
    TYPES = ("OS::Swift::Container",)
    KIND = "container"
    INPUTS = {"name": ("name", None), "X-Container-Read": ("container_read", None),
              "X-Container-Write": ("container_write", None), "X-Container-Meta": ("metadata", "map"),
              "PurgeOnDelete": ("force_destroy", "bool")}
    OUTPUTS = {"name": "name"}


@register
class KeystoneProject(Mapped):
    TYPES = ("OS::Keystone::Project",)
    KIND = "project"
    DEFAULTS = {"enabled": True}
    INPUTS = {"name": ("name", None), "domain": ("domain_id", None), "description": ("description", None),
              "enabled": ("enabled", "bool"), "parent": ("parent_id", None), "tags": ("tags", None)}
    OUTPUTS = {"name": "name", "domain_id": "domain_id", "enabled": "enabled", "parent_id": "parent_id"}


@register
class BarbicanSecret(Mapped):
    """The payload is a Pulumi secret; `decrypted_payload` reads it back as one."""

    TYPES = ("OS::Barbican::Secret",)
    KIND = "secret"
    INPUTS = {"name": ("name", None), "payload": ("payload", "secret"),
              "payload_content_type": ("payload_content_type", None),
              "payload_content_encoding": ("payload_content_encoding", None), "mode": ("mode", None),
              "expiration": ("expiration", None), "algorithm": ("algorithm", None),
              "bit_length": ("bit_length", "int"), "secret_type": ("secret_type", None)}
    OUTPUTS = {"status": "status", "decrypted_payload": "payload"}
    REF = "secret_ref"

    def secret_ref(self) -> Any:
        return self.resource.secret_ref


# --- Cinder -------------------------------------------------------------------------------------------------
@register
class CinderQoSSpecs(Mapped):
    TYPES = ("OS::Cinder::QoSSpecs",)
    KIND, REQUIRED = "volume_qos", ("specs",)
    INPUTS = {"name": ("name", None), "specs": ("specs", "map")}


@register
class CinderQoSAssociation(HeatResource):
    """One blockstorage.QosAssociationV3 per volume type of the list."""

    TYPES = ("OS::Cinder::QoSAssociation",)
    PROPERTIES = {"qos_specs": Prop(required=True), "volume_types": Prop(required=True)}

    def build(self) -> None:
        types = self.props["volume_types"]
        if not isinstance(types, list) or not types:
            raise self.fail("volume_types must be a non-empty list", field="volume_types")
        for index, vtype in enumerate(types):
            self.resources.append(resource("volume_qos_association", f"{self.logical}-{index}",
                                           {"qos_id": self.props["qos_specs"], "volume_type_id": vtype},
                                           self.child_opts()))

    def id(self) -> Any:
        return self.resources[0].id


# --- Octavia ------------------------------------------------------------------------------------------------
@register
class OctaviaLoadBalancer(Mapped):
    TYPES = ("OS::Octavia::LoadBalancer",)
    KIND = "load_balancer"
    INPUTS = {"name": ("name", None), "description": ("description", None), "vip_subnet": ("vip_subnet_id", "subnet"),
              "vip_network": ("vip_network_id", "network"), "vip_address": ("vip_address", None),
              "provider": ("loadbalancer_provider", None), "flavor": ("flavor_id", None),
              "availability_zone": ("availability_zone", None), "admin_state_up": ("admin_state_up", "bool"),
              "tenant_id": ("tenant_id", None), "tags": ("tags", None)}
    OUTPUTS = {"vip_address": "vip_address", "vip_port_id": "vip_port_id", "vip_subnet_id": "vip_subnet_id",
               "flavor_id": "flavor_id"}


@register
class OctaviaListener(Mapped):
    TYPES = ("OS::Octavia::Listener",)
    KIND, REQUIRED = "listener", ("loadbalancer", "protocol", "protocol_port")
    INPUTS = {"loadbalancer": ("loadbalancer_id", None), "protocol": ("protocol", None),
              "protocol_port": ("protocol_port", "int"), "default_pool": ("default_pool_id", None),
              "name": ("name", None), "description": ("description", None),
              "admin_state_up": ("admin_state_up", "bool"), "connection_limit": ("connection_limit", "int"),
              "default_tls_container_ref": ("default_tls_container_ref", None),
              "sni_container_refs": ("sni_container_refs", None), "allowed_cidrs": ("allowed_cidrs", None),
              "tenant_id": ("tenant_id", None), "tags": ("tags", None)}
    OUTPUTS = {"default_pool_id": "default_pool_id"}


@register
class OctaviaPool(Mapped):
    TYPES = ("OS::Octavia::Pool",)
    KIND, REQUIRED = "pool", ("lb_algorithm", "protocol")
    INPUTS = {"listener": ("listener_id", None), "loadbalancer": ("loadbalancer_id", None),
              "lb_algorithm": ("lb_method", None), "protocol": ("protocol", None), "name": ("name", None),
              "description": ("description", None), "admin_state_up": ("admin_state_up", "bool"),
              "session_persistence": ("persistence", None), "tls_enabled": ("tls_enabled", "bool"),
              "tenant_id": ("tenant_id", None), "tags": ("tags", None)}

    def inputs(self) -> dict[str, Any]:
        out = super().inputs()
        if "listener_id" not in out and "loadbalancer_id" not in out:
            raise self.fail("OS::Octavia::Pool needs a listener or a loadbalancer")
        if isinstance(out.get("persistence"), dict):
            import pulumi_openstack as openstack

            given = out["persistence"]
            out["persistence"] = openstack.loadbalancer.PoolPersistenceArgs(
                type=given.get("type"), cookie_name=given.get("cookie_name"))
        return out


@register
class OctaviaPoolMember(Mapped):
    TYPES = ("OS::Octavia::PoolMember",)
    KIND, REQUIRED, NAMED = "member", ("pool", "address", "protocol_port"), False
    INPUTS = {"pool": ("pool_id", None), "address": ("address", None), "protocol_port": ("protocol_port", "int"),
              "weight": ("weight", "int"), "admin_state_up": ("admin_state_up", "bool"),
              "subnet": ("subnet_id", "subnet"), "monitor_address": ("monitor_address", None),
              "monitor_port": ("monitor_port", "int"), "tenant_id": ("tenant_id", None), "tags": ("tags", None)}
    OUTPUTS = {"address": "address", "pool_id": "pool_id"}


@register
class OctaviaHealthMonitor(Mapped):
    TYPES = ("OS::Octavia::HealthMonitor",)
    KIND, REQUIRED, NAMED = "monitor", ("pool", "type", "delay", "timeout", "max_retries"), False
    INPUTS = {"pool": ("pool_id", None), "type": ("type", None), "delay": ("delay", "int"),
              "timeout": ("timeout", "int"), "max_retries": ("max_retries", "int"),
              "max_retries_down": ("max_retries_down", "int"), "http_method": ("http_method", None),
              "url_path": ("url_path", None), "expected_codes": ("expected_codes", None),
              "admin_state_up": ("admin_state_up", "bool"), "tenant_id": ("tenant_id", None)}


# --- VPNaaS -------------------------------------------------------------------------------------------------
@register
class VPNService(Mapped):
    TYPES = ("OS::Neutron::VPNService",)
    KIND = "vpn_service"
    INPUTS = {"name": ("name", None), "description": ("description", None),
              "admin_state_up": ("admin_state_up", "bool"), "router": ("router_id", None),
              "router_id": ("router_id", None), "subnet": ("subnet_id", "subnet"), "subnet_id": ("subnet_id", "subnet")}
    OUTPUTS = {"router_id": "router_id", "subnet_id": "subnet_id", "name": "name"}

    def inputs(self) -> dict[str, Any]:
        out = super().inputs()
        if "router_id" not in out:
            raise self.fail("OS::Neutron::VPNService needs a router", field="router")
        return out


_POLICY = {"name": ("name", None), "description": ("description", None), "auth_algorithm": ("auth_algorithm", None),
           "encryption_algorithm": ("encryption_algorithm", None), "lifetime": ("lifetimes", "lifetime"),
           "pfs": ("pfs", None)}


@register
class IKEPolicy(Mapped):
    TYPES = ("OS::Neutron::IKEPolicy",)
    KIND = "ike_policy"
    INPUTS = {**_POLICY, "phase1_negotiation_mode": ("phase1_negotiation_mode", None),
              "ike_version": ("ike_version", None)}


@register
class IPsecPolicy(Mapped):
    TYPES = ("OS::Neutron::IPsecPolicy",)
    KIND = "ipsec_policy"
    INPUTS = {**_POLICY, "transform_protocol": ("transform_protocol", None),
              "encapsulation_mode": ("encapsulation_mode", None)}


@register
class IPsecSiteConnection(Mapped):
    """The pre-shared key is a Pulumi secret."""

    TYPES = ("OS::Neutron::IPsecSiteConnection",)
    KIND = "site_connection"
    REQUIRED = ("peer_address", "peer_id", "peer_cidrs", "psk", "ikepolicy_id", "ipsecpolicy_id", "vpnservice_id")
    INPUTS = {"name": ("name", None), "description": ("description", None), "peer_address": ("peer_address", None),
              "peer_id": ("peer_id", None), "peer_cidrs": ("peer_cidrs", None), "mtu": ("mtu", "int"),
              "dpd": ("dpds", "dpd"), "psk": ("psk", "secret"), "initiator": ("initiator", None),
              "admin_state_up": ("admin_state_up", "bool"), "ikepolicy_id": ("ikepolicy_id", None),
              "ipsecpolicy_id": ("ipsecpolicy_id", None), "vpnservice_id": ("vpnservice_id", None)}


# --- Glance -------------------------------------------------------------------------------------------------
@register
class GlanceWebImage(Mapped):
    """An image Glance downloads from `location` (images.Image image_source_url); architecture, os_* and
    kernel/ramdisk IDs go into its properties, as Heat sets them."""

    TYPES = ("OS::Glance::WebImage",)
    KIND, REQUIRED = "image", ("location", "disk_format", "container_format")
    PROPERTY_KEYS = {"architecture": "architecture", "os_distro": "os_distro", "os_version": "os_version",
                     "kernel_id": "kernel_id", "ramdisk_id": "ramdisk_id"}
    INPUTS = {"name": ("name", None), "image_id": ("image_id", None), "location": ("image_source_url", None),
              "disk_format": ("disk_format", None), "container_format": ("container_format", None),
              "min_disk": ("min_disk_gb", "int"), "min_ram": ("min_ram_mb", "int"), "protected": ("protected", "bool"),
              "visibility": ("visibility", None), "tags": ("tags", None), "extra_properties": ("", "map"),
              **{k: ("", None) for k in PROPERTY_KEYS}}
    OUTPUTS = {"name": "name", "checksum": "checksum", "size": "size_bytes", "status": "status"}

    def inputs(self) -> dict[str, Any]:
        out = super().inputs()
        out.pop("", None)
        props = {str(k): str(v) for k, v in (self.props.get("extra_properties") or {}).items()}
        props.update({key: str(self.props[k]) for k, key in self.PROPERTY_KEYS.items() if self.props.get(k)})
        if props:
            out["properties"] = props
        return out


# --- Neutron provider networks, quotas ----------------------------------------------------------------------
@register
class ProviderNet(Mapped):
    """A network on a physical segment (admin): networking.Network with one segment; shared by default."""

    TYPES = ("OS::Neutron::ProviderNet",)
    KIND, REQUIRED = "provider_network", ("network_type",)
    DEFAULTS = {"shared": True}
    INPUTS = {"name": ("name", None), "admin_state_up": ("admin_state_up", "bool"), "shared": ("shared", "bool"),
              "port_security_enabled": ("port_security_enabled", "bool"), "router_external": ("external", "bool"),
              "dns_domain": ("dns_domain", None), "tags": ("tags", None),
              "network_type": ("", None), "physical_network": ("", None), "segmentation_id": ("", None)}
    OUTPUTS = {"name": "name"}

    def inputs(self) -> dict[str, Any]:
        import pulumi_openstack as openstack

        out = super().inputs()
        out.pop("", None)
        p = self.props
        out["segments"] = [openstack.networking.NetworkSegmentArgs(
            network_type=p["network_type"], physical_network=p.get("physical_network"),
            segmentation_id=int(p["segmentation_id"]) if p.get("segmentation_id") is not None else None)]
        return out


_NOVA_QUOTA = ("cores", "fixed_ips", "floating_ips", "instances", "injected_files", "injected_file_content_bytes",
               "injected_file_path_bytes", "key_pairs", "metadata_items", "ram", "security_groups",
               "security_group_rules", "server_groups", "server_group_members")
_CINDER_QUOTA = ("gigabytes", "volumes", "snapshots", "backups", "backup_gigabytes", "per_volume_gigabytes")
_NEUTRON_QUOTA = ("subnet", "network", "floatingip", "security_group_rule", "security_group", "router", "port",
                  "subnetpool", "rbac_policy")


@register
class NovaQuota(Mapped):
    TYPES = ("OS::Nova::Quota",)
    KIND, NAMED, REQUIRED = "compute_quota", False, ("project",)
    INPUTS = {"project": ("project_id", "project"), **{k: (k, "int") for k in _NOVA_QUOTA}}


@register
class CinderQuota(Mapped):
    TYPES = ("OS::Cinder::Quota",)
    KIND, NAMED, REQUIRED = "volume_quota", False, ("project",)
    INPUTS = {"project": ("project_id", "project"), **{k: (k, "int") for k in _CINDER_QUOTA}}


@register
class NeutronQuota(Mapped):
    TYPES = ("OS::Neutron::Quota",)
    KIND, NAMED, REQUIRED = "network_quota", False, ("project",)
    INPUTS = {"project": ("project_id", "project"), **{k: (k, "int") for k in _NEUTRON_QUOTA}}


# --- Keystone -----------------------------------------------------------------------------------------------
@register
class KeystoneRole(Mapped):
    TYPES = ("OS::Keystone::Role",)
    KIND = "role"
    INPUTS = {"name": ("name", None), "domain": ("domain_id", None)}


@register
class KeystoneGroup(Mapped):
    TYPES = ("OS::Keystone::Group",)
    KIND = "group"
    DEFAULTS = {"domain": "default"}
    INPUTS = {"name": ("name", None), "domain": ("domain_id", None), "description": ("description", None)}


@register
class KeystoneDomain(Mapped):
    """A Keystone domain is a project that is a domain (identity.Project is_domain)."""

    TYPES = ("OS::Keystone::Domain",)
    KIND = "project"
    DEFAULTS = {"enabled": True}
    INPUTS = {"name": ("name", None), "description": ("description", None), "enabled": ("enabled", "bool")}

    def inputs(self) -> dict[str, Any]:
        return {**super().inputs(), "is_domain": True}


@register
class KeystoneService(Mapped):
    TYPES = ("OS::Keystone::Service",)
    KIND, REQUIRED = "service", ("type",)
    DEFAULTS = {"enabled": True}
    INPUTS = {"name": ("name", None), "description": ("description", None), "type": ("type", None),
              "enabled": ("enabled", "bool")}


@register
class KeystoneEndpoint(Mapped):
    TYPES = ("OS::Keystone::Endpoint",)
    KIND, REQUIRED = "endpoint", ("region", "service", "interface", "url")
    INPUTS = {"region": ("endpoint_region", None), "service": ("service_id", None),
              "interface": ("interface", None), "url": ("url", None), "name": ("name", None)}
    IGNORED = {"enabled": "identity.EndpointV3 has no enabled flag: the endpoint is always enabled"}


# --- Manila -------------------------------------------------------------------------------------------------
@register
class ManilaShareNetwork(Mapped):
    TYPES = ("OS::Manila::ShareNetwork",)
    KIND, REQUIRED = "share_network", ("neutron_network", "neutron_subnet")
    INPUTS = {"name": ("name", None), "description": ("description", None),
              "neutron_network": ("neutron_net_id", "network"), "neutron_subnet": ("neutron_subnet_id", "subnet"),
              "security_services": ("security_service_ids", None)}
    OUTPUTS = {"name": "name", "segmentation_id": "segmentation_id", "cidr": "cidr", "ip_version": "ip_version",
               "network_type": "network_type"}


@register
class ManilaShare(Mapped):
    """A share; each of `access_rules` is a sharedfilesystem.ShareAccess."""

    TYPES = ("OS::Manila::Share",)
    KIND, REQUIRED = "share", ("share_protocol", "size")
    INPUTS = {"share_protocol": ("share_proto", None), "size": ("size", "int"), "snapshot": ("snapshot_id", None),
              "name": ("name", None), "metadata": ("metadata", "map"), "share_network": ("share_network_id", None),
              "description": ("description", None), "share_type": ("share_type", None),
              "is_public": ("is_public", "bool"), "access_rules": ("", None)}
    OUTPUTS = {"export_locations": "export_locations", "share_server_id": "share_server_id"}

    def inputs(self) -> dict[str, Any]:
        out = super().inputs()
        out.pop("", None)
        return out

    def build(self) -> None:
        super().build()
        for index, rule in enumerate(self.props.get("access_rules") or []):
            if not isinstance(rule, dict) or not rule.get("access_to") or not rule.get("access_type"):
                raise self.fail("an access rule needs access_to and access_type", field=f"access_rules[{index}]")
            self.resources.append(resource("share_access", f"{self.logical}-access{index}", {
                "share_id": self.resource.id, "access_to": rule["access_to"], "access_type": rule["access_type"],
                "access_level": rule.get("access_level") or "rw"}, self.child_opts()))
