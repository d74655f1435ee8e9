"""Stack component: builds networks, security groups, volumes and servers from a parsed stack file."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import yaml

from components.boot_wait import BootWait, BootWaitArgs
from components.errors import StackError
from components.keypair import KeyPair, KeyPairArgs, ServerGroup, ServerGroupArgs
from components.network import AllocationPoolArgs, Network, NetworkArgs, SubnetArgs
from components.security_group import RuleArgs, SecurityGroup, SecurityGroupArgs
from components.server import BootVolumeArgs, PortArgs, Server, ServerArgs, VolumeAttachmentArgs
from components.volume import Volume, VolumeArgs, cinder_volume
from openstack_stacks.stackfile.loader import StackSpec
from openstack_stacks.stackfile.values import Ref, Secret, Template, reveal
from userdata import Part, UserDataSpec

TOKEN = "openstack-stacks:index:Stack"


@dataclass
class StackArgs:
    """A validated stack file."""

    spec: StackSpec


def member_names(name: str, count: int | None) -> list[str]:
    """Stable per-index names: `web` without count, `web-0`, `web-1`, ... with one."""
    return [name] if count is None else [f"{name}-{i}" for i in range(count)]


def _with_index(value: Any, index: int | None) -> Any:
    """Replace Heat's `%index%` in every string of a counted server's definition."""
    if index is None:
        return value
    if isinstance(value, str):
        return value.replace("%index%", str(index))
    if isinstance(value, Secret):
        return Secret(_with_index(value.value, index))
    if isinstance(value, dict):
        return {k: _with_index(v, index) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_index(v, index) for v in value]
    return value


class Stack(pulumi.ComponentResource):
    """All resources of one stack file, named from the file (never from list order)."""

    def __init__(self, name: str, args: StackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        self.spec = spec = args.spec
        self._check_references()
        self.keypairs = {n: self._keypair(n, d) for n, d in spec.sections["keypairs"].items()}
        self.server_groups = {
            n: ServerGroup(n, ServerGroupArgs(policy=d["policy"], os_name=self._os(d, n)), self._child())
            for n, d in spec.sections["server_groups"].items()
        }
        self.networks = {n: self._network(n, d) for n, d in spec.sections["networks"].items()}
        self.security_groups = self._security_groups()
        self.volumes = {
            n: Volume(n, self._volume_args(n, d), self._child(d)) for n, d in spec.sections["volumes"].items()
        }
        self.servers: dict[str, list[Server]] = {}
        self.boot_waits: dict[str, list[BootWait]] = {}
        for name in self._server_order():
            self.servers[name] = self._servers(name, spec.sections["servers"][name])
        self.outputs = {n: self._output(n, d) for n, d in spec.sections["outputs"].items()}
        self.register_outputs(self.outputs)

    # -- helpers -------------------------------------------------------------------------------
    def _child(self, definition: dict[str, Any] | None = None, extra_aliases: list | None = None,
               depends_on: list | None = None) -> pulumi.ResourceOptions:
        aliases = [pulumi.Alias(name=old) for old in (definition or {}).get("previous_names", [])]
        aliases.extend(extra_aliases or [])
        return pulumi.ResourceOptions(parent=self, aliases=aliases or None, depends_on=depends_on)

    def _os(self, definition: dict[str, Any], name: str) -> str:
        return self.spec.name_prefix + (definition.get("name") or name)

    def _error(self, message: str, resource: str, field: str | None = None) -> StackError:
        return StackError(message, file=self.spec.file, resource=resource, field=field)

    def _check_references(self) -> None:
        """Every name a resource refers to must exist; depends_on must not form a cycle."""
        sections = self.spec.sections

        def need(kind: str, ref: str, resource: str, field: str) -> None:
            if ref not in sections[kind]:
                known = ", ".join(sections[kind]) or "none"
                raise self._error(f"refers to unknown {kind[:-1].replace('_', ' ')} '{ref}' (defined: {known})",
                                  resource, field)

        for name, group in sections["security_groups"].items():
            for i, rule in enumerate(group["rules"]):
                if rule["remote_group"] and rule["remote_group"] != "self":
                    need("security_groups", rule["remote_group"], name, f"rules[{i}].remote_group")
        for name, server in sections["servers"].items():
            if server["key_pair"]:
                need("keypairs", server["key_pair"], name, "key_pair")
            if server["key_pair"] and server["key_name"]:
                raise self._error("give key_pair (a stack key pair) or key_name (an existing one), not both", name)
            if server["server_group"]:
                need("server_groups", server["server_group"], name, "server_group")
            if not server["image"] and not server["boot_volume"]:
                raise self._error("is required", name, "image")
            for i, port in enumerate(server["ports"]):
                if bool(port["network"]) == bool(port["existing_network"]):
                    raise self._error("give network (a stack network) or existing_network (a name)", name,
                                      f"ports[{i}].network")
                if port["network"]:
                    need("networks", port["network"], name, f"ports[{i}].network")
                    subnets = sections["networks"][port["network"]]["subnets"]
                    if port["subnet"] and port["subnet"] not in subnets:
                        raise self._error(f"network '{port['network']}' has no subnet '{port['subnet']}'",
                                          name, f"ports[{i}].subnet")
                for group in port["security_groups"]:
                    need("security_groups", group, name, f"ports[{i}].security_groups")
            for i, vol in enumerate(server["volumes"]):
                if isinstance(vol, str):
                    need("volumes", vol, name, f"volumes[{i}]")
                    if server["count"] is not None:
                        raise self._error(f"stand-alone volume '{vol}' cannot attach to every member of a counted"
                                          " server; declare it inline (name_suffix/size)", name, f"volumes[{i}]")
            for dep in server["depends_on"]:
                need("servers", dep, name, "depends_on")
            if server["count"] is not None:
                from openstack_stacks import limits

                try:
                    limits.count(server["count"])
                except StackError as exc:
                    raise self._error(exc.message, name, "count") from None
        self._server_order()

    def _server_order(self) -> list[str]:
        servers = self.spec.sections["servers"]
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = " -> ".join([*path[path.index(name):], name])
                raise self._error(f"depends_on forms a cycle: {cycle}", name, "depends_on")
            state[name] = 1
            for dep in servers[name]["depends_on"]:
                visit(dep, [*path, name])
            state[name] = 2
            order.append(name)

        for name in servers:
            visit(name, [])
        return order

    # -- builders ------------------------------------------------------------------------------
    def _keypair(self, name: str, d: dict[str, Any]) -> KeyPair:
        return KeyPair(name, KeyPairArgs(public_key=d["public_key"], os_name=self._os(d, name)), self._child())

    def _network(self, name: str, d: dict[str, Any]) -> Network:
        subnets = []
        for sub_name, s in d["subnets"].items():
            subnets.append(SubnetArgs(
                name=sub_name, cidr=s["cidr"], gateway_ip=s["gateway_ip"], dns_nameservers=s["dns_nameservers"],
                allocation_pools=[AllocationPoolArgs(start=p["start"], end=p["end"]) for p in s["allocation_pools"]],
                enable_dhcp=s["enable_dhcp"], router_interface=s["router_interface"],
                os_name=self.spec.name_prefix + (s["name"] or sub_name),
            ))
            try:
                subnets[-1].network()
            except StackError as exc:
                raise self._error(exc.message, name, f"subnets.{sub_name}.cidr") from None
        args = NetworkArgs(subnets=subnets, external_network=d["external_network"], router=d["router"],
                           mtu=d["mtu"], port_security_enabled=d["port_security_enabled"], shared=d["shared"],
                           os_name=self._os(d, name))
        try:
            return Network(name, args, self._child(d))
        except StackError as exc:
            raise exc.with_context(file=self.spec.file, resource=name) from None

    def _security_groups(self) -> dict[str, SecurityGroup]:
        groups: dict[str, SecurityGroup] = {}
        deferred: list[tuple[str, RuleArgs]] = []
        for name, d in self.spec.sections["security_groups"].items():
            own, cross = [], []
            for i, r in enumerate(d["rules"]):
                rule = self._rule(name, i, r)
                (cross if r["remote_group"] not in (None, "self") else own).append(rule)
                if r["remote_group"] not in (None, "self"):
                    deferred.append((name, rule))
            try:
                groups[name] = SecurityGroup(name, SecurityGroupArgs(
                    description=d["description"], rules=own, delete_default_rules=d["delete_default_rules"],
                    os_name=self._os(d, name)), self._child(d))
            except StackError as exc:
                raise exc.with_context(file=self.spec.file, resource=name) from None
        # Rules naming another group are added once every group exists, so groups may refer to each other.
        for name, rule in deferred:
            rule.remote_group = groups[rule.remote_group]
            try:
                groups[name].add_rule(rule)
            except StackError as exc:
                raise exc.with_context(file=self.spec.file, resource=name) from None
        return groups

    def _rule(self, group: str, index: int, r: dict[str, Any]) -> RuleArgs:
        port_min = port_max = r["port"]
        if r["port_range"]:
            if r["port"] is not None:
                raise self._error("give port or port_range, not both", group, f"rules[{index}]")
            low, sep, high = str(r["port_range"]).partition("-")
            if not (low.strip().isdigit() and (not sep or high.strip().isdigit())):
                raise self._error(f"port_range must look like 8000-8080, got {r['port_range']!r}", group,
                                  f"rules[{index}].port_range")
            port_min, port_max = int(low), int(high if sep else low)
        rule = RuleArgs(direction=r["direction"], protocol=r["protocol"], port_min=port_min, port_max=port_max,
                        remote_ip_prefix=r["remote_ip_prefix"], remote_group=r["remote_group"],
                        ethertype=r["ethertype"], description=r["description"])
        try:
            return rule.normalised() if r["remote_group"] in (None, "self") else rule
        except StackError as exc:
            raise self._error(exc.message, group, f"rules[{index}].{exc.field}") from None

    def _volume_args(self, name: str, d: dict[str, Any]) -> VolumeArgs:
        retain = d["deletion_policy"] == "Retain"
        protect = d["protect"] if d["protect"] is not None else not retain
        return VolumeArgs(size=d["size"], volume_type=d["volume_type"], image=d["image"],
                          availability_zone=d["availability_zone"], description=d["description"],
                          metadata={str(k): str(v) for k, v in d["metadata"].items()}, protect=protect,
                          retain_on_delete=retain, os_name=self._os(d, name))

    def _servers(self, name: str, d: dict[str, Any]) -> list[Server]:
        members = []
        # `depends_on: [other]` waits for the other servers' instances, not for all their children (a
        # component in depends_on stands for every resource under it, volume attachments included).
        depends = [s.instance for dep in d["depends_on"] for s in self.servers[dep]]
        depends += [w for dep in d["depends_on"] for w in self.boot_waits.get(dep, [])]
        for index, member in enumerate(member_names(name, d["count"])):
            idx = None if d["count"] is None else index
            md = _with_index(d, idx)
            old = [m for prev in md["previous_names"] for m in member_names(prev, d["count"])[index:index + 1]]
            try:
                server = self._server(member, md, old)
            except StackError as exc:
                raise exc.with_context(file=self.spec.file, resource=member) from None
            opts = pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name=o) for o in old] or None,
                                          depends_on=depends or None)
            built = Server(member, server, opts)
            if d["wait"] is not None:
                built.boot_wait = self._boot_wait(member, built, d["wait"])
                self.boot_waits.setdefault(name, []).append(built.boot_wait)
            members.append(built)
        return members

    def _boot_wait(self, member: str, server: Server, wait: dict[str, Any]) -> BootWait:
        """`wait:` on a server: pulumi up waits for its script's exit status (reported by the boot signal)."""
        secrets = [self.spec.values[n] for n in sorted(self.spec.secret_parameters) if n in self.spec.values]
        try:
            return BootWait(f"{member}-boot", BootWaitArgs(
                server_ids=[server.instance.id], handle=boot_handle(member), count=1, timeout=wait["timeout"],
                secrets=[reveal(v)[0] for v in secrets],
                description=f"first boot of server {member}: its script's exit status"), self._child())
        except StackError as exc:
            raise exc.with_context(file=self.spec.file, resource=member, field="wait.timeout") from None

    def _server(self, member: str, d: dict[str, Any], old_members: list[str]) -> ServerArgs:
        ports = []
        for p in d["ports"]:
            ports.append(PortArgs(
                network=self.networks[p["network"]] if p["network"] else _existing_network(p["existing_network"], self),
                subnet=p["subnet"], fixed_ip=p["fixed_ip"],
                security_groups=[self.security_groups[g] for g in p["security_groups"]],
                allowed_address_pairs=p["allowed_address_pairs"], port_security=p["port_security"],
                floating_ip=p["floating_ip"], name=p["name"], hotplug=p["hotplug"],
                no_fixed_ip=p["no_fixed_ip"],
            ))
        attachments = []
        for v in d["volumes"]:
            if isinstance(v, str):
                attachments.append(VolumeAttachmentArgs(volume=self.volumes[v], name=v))
            else:
                vol_name = f"{member}-{v['name_suffix']}"
                aliases = [pulumi.Alias(name=f"{old}-{v['name_suffix']}") for old in old_members]
                volume = cinder_volume(vol_name, self._volume_args(vol_name, {**v, "name": None}),
                                       self._child(v, extra_aliases=aliases))
                attachments.append(VolumeAttachmentArgs(volume=volume, name=v["name_suffix"]))
        admin_pass, _ = reveal(d["admin_pass"])
        metadata, meta_secret = reveal(d["metadata"])
        metadata = {str(k): str(v) for k, v in metadata.items()}
        return ServerArgs(
            flavor=d["flavor"], ports=ports, image=d["image"],
            key_pair=self.keypairs[d["key_pair"]] if d["key_pair"] else d["key_name"],
            server_group=self.server_groups[d["server_group"]] if d["server_group"] else None,
            availability_zone=d["availability_zone"],
            boot_volume=BootVolumeArgs(**d["boot_volume"]) if d["boot_volume"] else None,
            volumes=attachments,
            metadata=pulumi.Output.secret(metadata) if meta_secret else metadata,
            config_drive=d["config_drive"], user_data=self._user_data(member, d),
            user_data_update_policy=d["user_data_update_policy"], admin_pass=admin_pass,
            os_name=self.spec.name_prefix + (d["name"] or member),
            delete_before_replace=d["delete_before_replace"],
        )

    def _user_data(self, member: str, d: dict[str, Any]) -> UserDataSpec | pulumi.Output[UserDataSpec]:
        script, s1 = reveal(d["script"])
        if d["script_file"]:
            if script:
                raise self._error("give script or script_file, not both", member, "script_file")
            script = self._read(d["script_file"], member, "script_file")
        parts, s2 = [], False
        for i, p in enumerate(d["user_data_parts"]):
            content, secret = reveal(p["content"])
            s2 |= secret
            if p["file"]:
                if content is not None:
                    raise self._error("give content or file, not both", member, f"user_data_parts[{i}]")
                content = self._read(p["file"], member, f"user_data_parts[{i}].file")
            if content is None:
                raise self._error("needs content or file", member, f"user_data_parts[{i}]")
            subtype = p["type"].removeprefix("text/")
            if isinstance(content, (dict, list)):
                if subtype != "cloud-config":
                    raise self._error("structured content is only allowed for cloud-config parts", member,
                                      f"user_data_parts[{i}].content")
                content = "#cloud-config\n" + yaml.safe_dump(content, sort_keys=True, default_flow_style=False)
            parts.append(Part(content=str(content), subtype=subtype, filename=p["filename"],
                              merge_type=p["merge_type"]))
        cfn_init, s3 = reveal(d["cfn_init"])
        if d["user_data_format"] == "RAW" and (parts or cfn_init):
            raise self._error("RAW user data is the script alone; use HEAT_CFNTOOLS or SOFTWARE_CONFIG for parts",
                              member, "user_data_format")
        metadata = {"AWS::CloudFormation::Init": cfn_init} if cfn_init else None
        if metadata is not None:
            json.dumps(metadata)
        if d["wait"] is not None and d["user_data_format"] != "HEAT_CFNTOOLS":
            raise self._error("wait needs user_data_format HEAT_CFNTOOLS (loguserdata reports the script's exit "
                              "status)", member, "wait")
        if d["wait"] is not None and not script:
            raise self._error("wait needs a script: its exit status is what the server reports", member, "wait")
        spec = UserDataSpec(format=d["user_data_format"], script=script, parts=tuple(parts), metadata=metadata,
                            instance_user=d["instance_user"], metadata_server_url=d["metadata_server_url"],
                            boot_signal=boot_handle(member) if d["wait"] is not None else None)
        if s1 or s2 or s3:
            # user data carrying a secret parameter is a Pulumi secret end to end.
            return pulumi.Output.secret("").apply(lambda _: spec)
        return spec

    def _read(self, relative: str, resource: str, field: str) -> str:
        from openstack_stacks import files

        return files.read_reference(relative, base=self.spec.base_dir, file=self.spec.file, resource=resource,
                                    field=field)

    # -- outputs -------------------------------------------------------------------------------
    def _output(self, name: str, d: dict[str, Any]) -> pulumi.Input[Any]:
        value, secret = reveal(d["value"])
        try:
            resolved = self._resolve(value)
        except StackError as exc:
            raise exc.with_context(file=self.spec.file, resource=f"output {name}", field="value") from None
        if secret or d["secret"]:
            return pulumi.Output.secret(resolved)
        return resolved

    def _resolve(self, value: Any) -> pulumi.Input[Any]:
        if isinstance(value, Ref):
            return self._attribute(value)
        if isinstance(value, Template):
            pieces = [self._attribute(p) if isinstance(p, Ref) else p for p in value.pieces]
            return pulumi.Output.all(*pieces).apply(_join_template)
        if isinstance(value, dict):
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    def _attribute(self, ref: Ref) -> pulumi.Input[Any]:
        table = {
            "servers": self.servers, "networks": self.networks, "volumes": self.volumes,
            "security_groups": self.security_groups, "keypairs": self.keypairs, "server_groups": self.server_groups,
        }[ref.kind]
        if ref.name not in table:
            raise StackError(f"refers to unknown {ref.kind[:-1]} '{ref.name}'")
        target = table[ref.name]
        getter = ATTRIBUTES[ref.kind].get(ref.attr)
        if getter is None:
            raise StackError(f"{ref.kind[:-1]} has no attribute '{ref.attr}' "
                             f"(has: {', '.join(ATTRIBUTES[ref.kind])})")
        if ref.kind == "servers" and self.spec.sections["servers"][ref.name]["count"] is None:
            target = target[0]
        if isinstance(target, list):
            values = [getter(t) for t in target]
            return pulumi.Output.all(*values) if values else []
        return getter(target)


ATTRIBUTES: dict[str, dict[str, Any]] = {
    "servers": {
        "id": lambda s: s.instance.id,
        "name": lambda s: s.instance.name,
        "private_ip": lambda s: s.private_ip,
        "public_ip": lambda s: s.public_ip,
        "boot_status": lambda s: _boot(s).status,
        "boot_reason": lambda s: _boot(s).reason,
        "boot_data": lambda s: _boot(s).data.apply(lambda d: json.loads(d or "{}").get("boot")),
    },
    "networks": {
        "id": lambda n: n.network.id,
        "subnet_id": lambda n: n.subnet(None).id,
        "router_id": lambda n: n.router.id if n.router else None,
    },
    "volumes": {"id": lambda v: v.id},
    "security_groups": {"id": lambda g: g.id},
    "keypairs": {"name": lambda k: k.name, "private_key": lambda k: pulumi.Output.secret(k.keypair.private_key)},
    "server_groups": {"id": lambda g: g.id},
}


def boot_handle(member: str) -> str:
    """The console signal handle of a waited server: its member name in the characters a frame allows."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", member)[-64:]


def _boot(server: Server) -> BootWait:
    wait = getattr(server, "boot_wait", None)
    if wait is None:
        raise StackError(f"server '{server.logical_name}' is not waited for: give it `wait:` to read what its "
                         "boot reported")
    return wait


def _join_template(values: list[Any]) -> str | list[str]:
    """Join template pieces; a counted server's attribute (a list) gives one string per member."""
    lists = [v for v in values if isinstance(v, list)]
    if not lists:
        return "".join("" if v is None else str(v) for v in values)
    width = len(lists[0])
    return ["".join(str(v[i]) if isinstance(v, list) else str(v) for v in values) for i in range(width)]


def _existing_network(name: str, stack: pulumi.Resource) -> pulumi.Output[str]:
    """An existing network's ID, looked up with the stack's provider."""
    from components.lookup import network_id_by_name

    return network_id_by_name(name, pulumi.InvokeOptions(parent=stack))
