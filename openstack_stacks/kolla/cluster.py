"""KollaCluster: the nodes, networks, VIP and security groups of a Kolla cloud, deploying itself at first boot."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.boot_wait import BootWait, BootWaitArgs
from components.keypair import KeyPair, KeyPairArgs, ServerGroup, ServerGroupArgs
from components.links import associate_floating_ip
from components.network import Network, NetworkArgs, SubnetArgs
from components.security_group import RuleArgs, SecurityGroup, SecurityGroupArgs
from components.server import BootVolumeArgs, PortArgs, Server, ServerArgs, VolumeAttachmentArgs
from components.volume import Volume, VolumeArgs
from openstack_stacks import report
from openstack_stacks.kolla import node_userdata
from openstack_stacks.kolla.addressing import AddressPlan, Node, plan_addresses
from openstack_stacks.kolla.config import KollaConfig

TOKEN = "openstack-stacks:index:KollaCluster"
SUBNET = "v4"
# API and dashboard ports opened to the admin CIDR on the controllers (and the VIP port).
BASE_API_PORTS = {80: "horizon", 443: "horizon (TLS)", 5000: "keystone", 6080: "nova novnc", 8774: "nova",
                  8778: "placement", 9292: "glance", 9696: "neutron"}
SERVICE_PORTS = {"heat": {8000: "heat-cfn", 8004: "heat"}, "cinder": {8776: "cinder"},
                 "ironic": {6385: "ironic"}, "octavia": {9876: "octavia"}, "designate": {9001: "designate"},
                 "barbican": {9311: "barbican"}, "magnum": {9511: "magnum"}, "manila": {8786: "manila"},
                 "skyline": {9999: "skyline"}}


@dataclass
class KollaClusterArgs:
    """A validated blueprint (`openstack_stacks.kolla.load_blueprint` or `config.load_config`)."""

    config: KollaConfig


class KollaCluster(pulumi.ComponentResource):
    """Management + external networks, VIP port, security groups, volumes, nodes and the deploy node."""

    outputs: dict[str, Any]
    servers: dict[str, Server]
    files: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: KollaClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        config = args.config
        self.config = config
        self.plan = plan = plan_addresses(config)
        child = pulumi.ResourceOptions(parent=self)
        self.mgmt, self.ext = self._networks(name, config, plan, child)
        self.groups = self._security_groups(name, config, child)
        self.key = KeyPair(f"{name}-deploy-key", KeyPairArgs(os_name=f"{name}-deploy-key"), child)
        self.vip_port, vip_fip = self._vip(name, config, plan)
        self.volumes = self._volumes(name, config, plan, child)
        self.server_group = None
        if not config.aio:
            self.server_group = ServerGroup(f"{name}-controllers", ServerGroupArgs(
                policy="soft-anti-affinity", os_name=f"{name}-controllers"), child)
        public = self._public_address(name, config, vip_fip)
        horizon = public.apply(lambda host: f"http://{host}/")
        self.servers = {node.name: self._server(node, self._node_spec(node), child)
                        for node in plan.targets if node.role != "aio"}
        if config.aio:
            # The all-in-one node's own address is its fixed IP (a server cannot see its own port before it
            # exists); it is the planned address by construction.
            addresses = pulumi.Output.from_input({plan.nodes[0].name: plan.nodes[0].mgmt_ip})
        else:
            addresses = pulumi.Output.all(**{n: s.private_ip for n, s in self.servers.items()})
        # globals.yml and the inventory: from the ports' real addresses and the public address, nothing secret
        self.files = pulumi.Output.all(addresses=addresses, fqdn=public).apply(
            lambda v: node_userdata.rendered_files(config, plan, dict(v["addresses"]), v["fqdn"]))
        for rel in ("kolla/globals.yml", "kolla/multinode"):
            report.artifact(rel, self.files.apply(lambda files, rel=rel: files[rel]))
        deploy = plan.deploy_node
        deploy_server = self._deploy_server(deploy, addresses, public, horizon, child)
        self.servers[deploy.name] = deploy_server
        if config.aio:
            self._associate(f"{name}-aio-fip-assoc", self.aio_fip, deploy_server.ports[0])
        self._notes(name, config, deploy)
        login = self.aio_fip.address if config.aio else deploy_server.public_ip
        # pulumi up waits for kolla-deploy (bootstrap, prechecks, deploy, post-deploy) to signal its outcome
        self.deploy_wait = BootWait(f"{name}-deploy-wait", BootWaitArgs(
            server_ids=[deploy_server.instance.id], handle=node_userdata.SIGNAL_HANDLE, count=1,
            timeout=config.deploy_timeout,
            description=f"kolla-deploy on {deploy.name}: kolla-ansible bootstrap-servers .. post-deploy"), child)
        self.outputs = self._outputs(config, plan, horizon, public, login)
        self.outputs["openstack_up"] = self.deploy_wait.status.apply(lambda s: s == "SUCCESS")
        self.outputs["deploy_result"] = self.deploy_wait.reason
        self.register_outputs(self.outputs)

    def _volumes(self, name: str, config: KollaConfig, plan: AddressPlan,
                 child: pulumi.ResourceOptions) -> dict[str, Volume]:
        """One protected Cinder volume per node that holds the cinder-volumes VG."""
        return {
            node.name: Volume(f"{node.name}-cinder", VolumeArgs(
                size=node.data_volume, os_name=f"{node.name}-cinder",
                volume_type=(config.controllers if node.role == "aio" else config.storage).volume_type,
                description=f"cinder-volumes VG of {node.name} (Kolla cluster {name})", protect=True), child)
            for node in plan.nodes if node.data_volume
        }

    def _deploy_server(self, deploy: Node, addresses: pulumi.Output, public: pulumi.Output,
                       horizon: pulumi.Output, child: pulumi.ResourceOptions) -> Server:
        """The node that runs kolla-ansible; its user data carries the cluster's private key (secret)."""
        config, plan = self.config, self.plan
        volume = self.volumes.get(deploy.name)
        inputs = pulumi.Output.all(
            addresses=addresses, fqdn=public, horizon=horizon, public_key=self.key.keypair.public_key,
            private_key=pulumi.Output.secret(self.key.keypair.private_key),
            volume_id=volume.id if volume is not None else None)
        spec = inputs.apply(lambda v: node_userdata.deploy_user_data(config, plan, deploy, node_userdata.DeployInputs(
            addresses=dict(v["addresses"]), external_fqdn=v["fqdn"], public_key=v["public_key"],
            private_key=v["private_key"], horizon_url=v["horizon"]), v["volume_id"]))
        return self._server(deploy, spec, child)

    @staticmethod
    def _notes(name: str, config: KollaConfig, deploy: Node) -> None:
        """What the operator must know after `pulumi up` (logged; written to plan.json by render)."""
        report.note(f"KollaCluster '{name}': Pulumi does not wait for the OpenStack deployment; follow it on "
                    f"{deploy.name} (output deploy_log: {node_userdata.DEPLOY_LOG})")
        if config.key_pair is None:
            report.note(f"KollaCluster '{name}': no key_pair: nobody can SSH to {deploy.name} to follow or repair "
                        "the deployment; set kolla.key_pair (the stack files' key_pair parameter)")
        admin = ipaddress.ip_network(config.admin_cidr)
        if admin.prefixlen == admin.max_prefixlen and admin.network_address.is_loopback:
            report.note(f"KollaCluster '{name}': admin_cidr is {config.admin_cidr}: nobody can reach SSH, the APIs "
                        "or Horizon; set it to your network (the stack files' admin_cidr parameter)")
        if config.enabled.get("cinder") and config.cinder_backend == "ceph":
            report.note(f"KollaCluster '{name}': external Ceph: put ceph.conf and the keyrings under "
                        "/etc/kolla/config/{glance,cinder/cinder-volume,cinder/cinder-backup,nova}/ on "
                        f"{deploy.name}; the deploy stops at prechecks until they are there")

    # -- networks ---------------------------------------------------------------------------------
    def _networks(self, name: str, config: KollaConfig, plan: AddressPlan, child: pulumi.ResourceOptions):
        mgmt = Network(f"{name}-mgmt", NetworkArgs(
            subnets=[SubnetArgs(name=SUBNET, cidr=plan.mgmt_cidr, gateway_ip=plan.mgmt_gateway,
                                dns_nameservers=list(config.dns_nameservers), allocation_pools=[plan.mgmt_pool],
                                os_name=f"{name}-mgmt-{SUBNET}")],
            external_network=config.external_network, mtu=config.mtu, os_name=f"{name}-mgmt"), child)
        # The external network carries the nested cloud's br-ex: no DHCP, and the same router, so the nested
        # cloud's floating IPs (pool `nested_external_pool`, gateway = this router) reach the outside.
        ext = Network(f"{name}-ext", NetworkArgs(
            subnets=[SubnetArgs(name=SUBNET, cidr=plan.ext_cidr, gateway_ip=plan.ext_gateway, enable_dhcp=False,
                                allocation_pools=[plan.ext_pool], os_name=f"{name}-ext-{SUBNET}")],
            router=False, mtu=config.mtu, os_name=f"{name}-ext"), child)
        assert mgmt.router is not None
        ext.add_router_interface(SUBNET, mgmt.router, f"{name}-ext-{SUBNET}-rif", pulumi.ResourceOptions(parent=self))
        return mgmt, ext

    def _security_groups(self, name: str, config: KollaConfig, child: pulumi.ResourceOptions):
        groups = {"internal": SecurityGroup(f"{name}-internal", SecurityGroupArgs(
            description=f"Kolla {name}: all traffic between cluster members",
            rules=[RuleArgs(remote_group="self", description="cluster members"),
                   RuleArgs(remote_group="self", ethertype="IPv6", description="cluster members (IPv6)")]),
            child)}
        if config.haproxy:
            # keepalived's VRRP (IP protocol 112) between the controllers that hold the VIP (kolla.md §7).
            groups["vrrp"] = SecurityGroup(f"{name}-vrrp", SecurityGroupArgs(
                description=f"Kolla {name}: VRRP between controllers",
                rules=[RuleArgs(protocol="112", remote_group="self", description="keepalived VRRP")]), child)
        ports = dict(BASE_API_PORTS)
        for service, extra in SERVICE_PORTS.items():
            if config.enabled.get(service):
                ports.update(extra)
        rules = [RuleArgs(protocol="tcp", port_min=p, remote_ip_prefix=config.admin_cidr, description=what)
                 for p, what in sorted(ports.items())]
        rules.append(RuleArgs(protocol="icmp", remote_ip_prefix=config.admin_cidr, description="ping"))
        groups["api"] = SecurityGroup(f"{name}-api", SecurityGroupArgs(
            description=f"Kolla {name}: APIs and Horizon from the admin CIDR", rules=rules), child)
        groups["ssh"] = SecurityGroup(f"{name}-ssh", SecurityGroupArgs(
            description=f"Kolla {name}: SSH to the deploy node from the admin CIDR",
            rules=[RuleArgs(protocol="tcp", port_min=22, remote_ip_prefix=config.admin_cidr, description="ssh")]),
            child)
        return groups

    def _vip(self, name: str, config: KollaConfig, plan: AddressPlan):
        if config.aio:
            return None, None
        # An unbound port reserves the VIP so Neutron never hands it out (required on ML2/OVN:
        # docs.openstack.org/neutron/latest/ovn/virtual_ips.html); keepalived plumbs it on a controller.
        port = openstack.networking.Port(
            f"{name}-vip", name=f"{name}-vip", network_id=self.mgmt.network.id,
            fixed_ips=[openstack.networking.PortFixedIpArgs(subnet_id=self.mgmt.subnets[SUBNET].id,
                                                           ip_address=plan.vip)],
            security_group_ids=[self.groups["internal"].id, self.groups["api"].id],
            admin_state_up=True, description=f"Kolla {name}: kolla_internal_vip_address (keepalived)",
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.mgmt.ready))
        if not config.public_vip:
            return port, None
        fip = openstack.networking.FloatingIp(
            f"{name}-vip-fip", pool=config.external_network, description=f"Kolla {name}: kolla_external_fqdn",
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.mgmt.ready))
        self._associate(f"{name}-vip-fip-assoc", fip, port)
        return port, fip

    def _associate(self, logical: str, fip: openstack.networking.FloatingIp, port: openstack.networking.Port):
        associate_floating_ip(logical, floating_ip=fip.address, port_id=port.id, after=self.mgmt.ready,
                              opts=pulumi.ResourceOptions(parent=self))

    def _public_address(self, name: str, config: KollaConfig, vip_fip) -> pulumi.Output[str]:
        """Where operators reach the APIs: the VIP's floating IP, the AIO node's floating IP, or the VIP."""
        self.aio_fip = None
        if config.aio:
            # Created here, not by the Server, so that the address is known to the node's own globals.yml.
            self.aio_fip = openstack.networking.FloatingIp(
                f"{name}-aio-fip", pool=config.external_network, description=f"Kolla {name}: all-in-one node",
                opts=pulumi.ResourceOptions(parent=self, depends_on=self.mgmt.ready))
            return self.aio_fip.address
        if vip_fip is not None:
            return vip_fip.address
        return pulumi.Output.from_input(self.plan.vip)

    # -- nodes ------------------------------------------------------------------------------------
    def _node_spec(self, node: Node) -> pulumi.Output:
        volume = self.volumes.get(node.name)
        volume_id = volume.id if volume is not None else None
        config = self.config
        return pulumi.Output.all(key=self.key.keypair.public_key, volume_id=volume_id).apply(
            lambda v: node_userdata.node_user_data(config, node, v["key"], v["volume_id"]))

    def _server(self, node: Node, spec: pulumi.Output, child: pulumi.ResourceOptions) -> Server:
        config = self.config
        role = {"controller": config.controllers, "compute": config.computes, "storage": config.storage,
                "deploy": config.deploy, "aio": config.controllers}[node.role]
        groups = [self.groups["internal"]]
        pairs: list[str] = []
        if node.role in ("controller", "aio"):
            groups.append(self.groups["api"])
        if node.role == "controller" and config.haproxy:
            groups.append(self.groups["vrrp"])
            pairs = [self.plan.vip]  # only the VIP holders may send from it (Neutron anti-spoofing)
        if node.role in ("deploy", "aio"):
            groups.append(self.groups["ssh"])
        ports = [PortArgs(network=self.mgmt, subnet=SUBNET, fixed_ip=node.mgmt_ip, security_groups=groups,
                          allowed_address_pairs=pairs, name="mgmt",
                          floating_ip=config.external_network if node.role == "deploy" else None)]
        if node.ext_nic:
            # Port security off and no security groups, so the nested cloud's routers and floating IPs pass.
            # No address (Neutron takes the NIC into br-ex). Attached to the running server, not given at
            # boot: a no_fixed_ip port in Instance.networks replaces the server on every update
            # (pulumi/pulumi-openstack#891); node-prepare waits for the NIC to appear.
            ports.append(PortArgs(network=self.ext, no_fixed_ip=True, hotplug=True, port_security=False,
                                  name="ext"))
        volume = self.volumes.get(node.name)
        return Server(node.name, ServerArgs(
            image=config.image, flavor=role.flavor, ports=ports, key_pair=config.key_pair,
            server_group=self.server_group if node.role == "controller" else None,
            boot_volume=BootVolumeArgs(size=role.boot_volume_size) if role.boot_volume_size else None,
            volumes=[VolumeAttachmentArgs(volume=volume, name="cinder")] if volume is not None else [],
            metadata={"kolla_cluster": self.config.name, "kolla_role": node.role},
            # First-boot user data only: a new inventory (one more compute) or an edited script must not
            # replace a running cloud member, least of all the deploy node, whose passwords.yml and state
            # would be lost (pitfalls 1, Heat's user_data_update_policy IGNORE).
            user_data=spec, user_data_update_policy="IGNORE", os_name=node.name), child)

    # -- outputs ----------------------------------------------------------------------------------
    @staticmethod
    def _outputs(config: KollaConfig, plan: AddressPlan, horizon, public, login) -> dict[str, Any]:
        ssh = pulumi.Output.from_input(login).apply(lambda ip: f"ssh {config.image_user}@{ip}")
        return {
            "horizon_url": horizon,
            "public_address": public,
            "vip": plan.vip,
            "deploy_node": plan.deploy_node.name,
            "deploy_node_address": login,
            "deploy_log": ssh.apply(lambda s: f"{s} sudo tail -f {node_userdata.DEPLOY_LOG}"),
            "deploy_status": ssh.apply(lambda s: f"{s} sudo cat {node_userdata.STATUS_FILE}"),
            "admin_openrc": ssh.apply(lambda s: f"{s} sudo cat /etc/kolla/admin-openrc.sh"),
            "nested_external_pool": f"{plan.nested_external_pool[0]}-{plan.nested_external_pool[1]}",
            "nodes": {n.name: n.mgmt_ip for n in plan.targets},
        }
