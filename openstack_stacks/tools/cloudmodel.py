"""An offline OpenStack model for Pulumi's mocks: deterministic IDs and Neutron-like IP allocation.

Given the same program it answers the same way in every process and on every machine, so an offline
render is byte-stable. IDs are UUIDv5 of the resource type and name; fixed IPs come from each subnet's
allocation pools in order (the gateway and explicitly requested addresses are never handed out twice).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import uuid
from typing import Any

import pulumi

from components.errors import StackError
from openstack_stacks.tools.schema import plain_value as _plain

_NS = uuid.UUID("6f0c3a52-2b8e-4c61-9d0e-2f8c1b7a9e11")
# Floating IPs of external networks (outside the stack): TEST-NET-3 first, then the benchmarking range
# (RFC 2544, 131072 addresses), so any stack gets its addresses and none is a real one.
FLOATING_RANGES = (ipaddress.ip_network("203.0.113.0/24"), ipaddress.ip_network("198.18.0.0/15"))


def stable_id(*parts: str) -> str:
    """A UUID that depends only on `parts`."""
    return str(uuid.uuid5(_NS, "::".join(parts)))


class _FloatingPool:
    """Addresses handed out in order from FLOATING_RANGES; an exhausted pool is an error naming the network."""

    def __init__(self) -> None:
        self.ranges = [(int(n.network_address) + 1, int(n.broadcast_address) - 1) for n in FLOATING_RANGES]
        self.index, self.next = 0, self.ranges[0][0]

    def take(self, network: str, owner: str) -> str:
        while self.index < len(self.ranges):
            if self.next <= self.ranges[self.index][1]:
                address = str(ipaddress.IPv4Address(self.next))
                self.next += 1
                return address
            self.index += 1
            if self.index < len(self.ranges):
                self.next = self.ranges[self.index][0]
        size = sum(end - start + 1 for start, end in self.ranges)
        raise StackError(f"external network '{network}' has no floating IP left "
                         f"(the offline cloud's pool holds {size} addresses)", resource=owner)


class _Subnet:
    def __init__(self, subnet_id: str, inputs: dict[str, Any], label: str = "") -> None:
        self.id = subnet_id
        self.label = label
        self.network_id = inputs.get("networkId")
        self.net = ipaddress.ip_network(inputs["cidr"], strict=False)
        hosts = self.net.hosts() if self.net.version == 4 else (self.net.network_address + i for i in range(1, 1 << 16))
        first = next(iter(hosts))
        self.gateway = None if inputs.get("noGateway") else inputs.get("gatewayIp") or str(first)
        pools = inputs.get("allocationPools") or []
        if pools:
            self.ranges = [(ipaddress.ip_address(p["start"]), ipaddress.ip_address(p["end"])) for p in pools]
        else:
            last = self.net.broadcast_address - 1 if self.net.version == 4 else self.net.network_address + 0xFFFF
            self.ranges = [(first, last)]
        self.used: set[str] = {self.gateway} if self.gateway else set()
        self.cursor: tuple[int, Any] = (0, None)

    def take(self, address: str | None, owner: str) -> str:
        if address:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                raise StackError(f"fixed IP {address!r} is not an IP address", resource=owner,
                                 field="fixed_ip") from None
            if ip not in self.net:
                raise StackError(f"fixed IP {address} is outside subnet {self.net}", resource=owner, field="fixed_ip")
            if str(ip) in self.used:
                raise StackError(f"fixed IP {address} is already allocated in {self.net} "
                                 "(gateway or another port)", resource=owner, field="fixed_ip")
            self.used.add(str(ip))
            return str(ip)
        # Lowest free address: nothing is ever released, so the search resumes where the last one ended.
        for index in range(self.cursor[0], len(self.ranges)):
            start, end = self.ranges[index]
            ip = self.cursor[1] if index == self.cursor[0] and self.cursor[1] is not None else start
            while ip <= end:
                if str(ip) not in self.used:
                    self.used.add(str(ip))
                    self.cursor = (index, ip + 1)
                    return str(ip)
                ip += 1
        raise StackError(f"{self.label or 'subnet'} ({self.net}) has no free address left", resource=owner)


class OfflineCloud(pulumi.runtime.Mocks):
    """Answers resource registrations and provider calls like a small, empty OpenStack cloud."""

    def __init__(self) -> None:
        self.subnets: dict[str, _Subnet] = {}
        self.network_subnets: dict[str, list[str]] = {}
        self.floating = _FloatingPool()
        self.network_names: dict[str, str] = {}
        self.errors: list[BaseException] = []
        self.port_ips: dict[str, list[str]] = {}

    # -- calls -----------------------------------------------------------------------------
    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        token, a = args.token, _plain(args.args)
        name = a.get("name") or a.get("nameRegex") or a.get("id") or ""
        if token == "openstack:networking/getNetwork:getNetwork":
            return {"id": stable_id("network", name), "name": name, "external": True, "subnets": [],
                    "region": "RegionOne", "tenantId": stable_id("project")}
        if token == "openstack:images/getImage:getImage":
            return {"id": stable_id("image", name), "name": name, "minDiskGb": 0, "minRamMb": 0, "sizeBytes": 0}
        if token == "openstack:compute/getFlavor:getFlavor":
            return {"id": stable_id("flavor", name), "name": name, "vcpus": 2, "ram": 4096, "disk": 20}
        if token == "openstack:networking/getSubnet:getSubnet":
            return {"id": stable_id("subnet", name), "name": name, "cidr": "10.0.0.0/24"}
        return {"id": stable_id(token, name)}

    # -- resources --------------------------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if not args.custom:
            return "", {}
        inputs = _plain(dict(args.inputs))
        rid = args.resource_id or stable_id(args.typ, args.name)
        state = dict(inputs)
        try:
            handler = getattr(self, "_" + args.typ.split(":")[-1].lower(), None)
            if handler is not None:
                state.update(handler(rid, args.name, inputs))
        except StackError as exc:  # surfaced by the render after the run
            self.errors.append(exc.with_context(resource=args.name))
        except (ValueError, TypeError, KeyError, IndexError) as exc:  # an input the cloud would refuse
            self.errors.append(StackError(f"the cloud would refuse its inputs: {exc}", resource=args.name))
        except BaseException as exc:
            self.errors.append(exc)
        return rid, _secret_like_inputs(state, args.inputs)

    def _network(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        self.network_names[rid] = str(inputs.get("name") or name)
        return {}

    def _bootwait(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """A boot wait (components.boot_wait) offline: no instance boots, so no signal arrives."""
        return {"data": "{}", "status": "WAITING", "reason": "offline render: no boot, no signals"}

    def _subnet(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        network = self.network_names.get(str(inputs.get("networkId")), str(inputs.get("networkId")))
        subnet = _Subnet(rid, inputs, f"network '{network}' subnet '{inputs.get('name') or name}'")
        self.subnets[rid] = subnet
        self.network_subnets.setdefault(str(inputs.get("networkId")), []).append(rid)
        pools = [{"start": str(s), "end": str(e)} for s, e in subnet.ranges]
        return {"gatewayIp": subnet.gateway or "", "allocationPools": pools, "ipVersion": subnet.net.version}

    def _port(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        fixed = []
        if not inputs.get("noFixedIp"):
            requested = inputs.get("fixedIps") or [{}]
            for item in requested:
                subnet_id = item.get("subnetId") or next(
                    iter(self.network_subnets.get(str(inputs.get("networkId")), [])), None)
                if subnet_id is None or subnet_id not in self.subnets:
                    if item.get("ipAddress"):
                        fixed.append({"subnetId": subnet_id or "", "ipAddress": item["ipAddress"]})
                        continue
                    subnet_id = self._existing_subnet(subnet_id, str(inputs.get("networkId")))
                address = self.subnets[subnet_id].take(item.get("ipAddress"), name)
                fixed.append({"subnetId": subnet_id, "ipAddress": address})
        self.port_ips[rid] = [f["ipAddress"] for f in fixed]
        mac = "fa:16:3e:" + ":".join(hashlib.sha256(rid.encode()).hexdigest()[i:i + 2] for i in (0, 2, 4))
        return {"fixedIps": fixed, "allFixedIps": [f["ipAddress"] for f in fixed], "macAddress": mac,
                "portSecurityEnabled": inputs.get("portSecurityEnabled", True)}

    def _existing_subnet(self, subnet_id: str | None, network_id: str) -> str:
        """A subnet of a network that exists outside the stack (looked up by name or given by ID).

        Its range is made up, 172.16.0.0/12 split by a hash of the ID, so that ports on it get addresses
        (as a real cloud would give them) instead of none.
        """
        subnet_id = subnet_id or stable_id("subnet-of", network_id)
        if subnet_id not in self.subnets:
            h = hashlib.sha256(subnet_id.encode()).digest()
            cidr = f"172.{16 + h[0] % 16}.{h[1]}.0/24"
            self.subnets[subnet_id] = _Subnet(subnet_id, {"networkId": network_id, "cidr": cidr},
                                              f"network {network_id} (outside the stack)")
            self.network_subnets.setdefault(network_id, []).append(subnet_id)
        return subnet_id

    def _randompassword(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        """A deterministic stand-in for the random provider's `result`, from the same alphabet and minimums."""
        import random as stdlib_random
        import string

        seed = int(hashlib.sha256(json.dumps([name, inputs], sort_keys=True).encode()).hexdigest(), 16)
        rng = stdlib_random.Random(seed)
        sets = {"Lower": string.ascii_lowercase if inputs.get("lower", True) else "",
                "Upper": string.ascii_uppercase if inputs.get("upper", True) else "",
                "Numeric": string.digits if inputs.get("numeric", True) else "",
                "Special": (inputs.get("overrideSpecial") or "!@#$%&*()-_=+[]{}<>:?")
                if inputs.get("special", True) else ""}
        chars = [rng.choice(sets[k]) for k in sets for _ in range(int(inputs.get(f"min{k}") or 0)) if sets[k]]
        alphabet = "".join(sets.values())
        chars += [rng.choice(alphabet) for _ in range(int(inputs.get("length") or 16) - len(chars))]
        rng.shuffle(chars)
        from openstack_stacks import report

        report.secret_value("".join(chars))  # a generated password never shows in a message either
        return {"result": "".join(chars), "bcryptHash": ""}

    def _floatingip(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"address": inputs.get("address") or self.floating.take(str(inputs.get("pool") or "?"), name)}

    def _instance(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        networks = []
        for net in inputs.get("networks") or []:
            ips = self.port_ips.get(str(net.get("port")), [])
            networks.append({**net, "fixedIpV4": next((ip for ip in ips if ":" not in ip), "")})
        first = next((n["fixedIpV4"] for n in networks if n["fixedIpV4"]), "")
        return {"accessIpV4": first, "networks": networks, "powerState": "active"}

    def _keypair(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        fingerprint = ":".join(hashlib.md5(rid.encode()).hexdigest()[i:i + 2] for i in range(0, 32, 2))
        out = {"fingerprint": fingerprint}
        if not inputs.get("publicKey"):
            out["publicKey"] = "ssh-ed25519 AAAAOFFLINE" + rid.replace("-", "")
            out["privateKey"] = "-----BEGIN OPENSSH PRIVATE KEY-----\noffline\n-----END OPENSSH PRIVATE KEY-----\n"
        return out

    def _routerinterface(self, rid: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        subnet = self.subnets.get(str(inputs.get("subnetId")))
        return {"portId": stable_id("router-port", name), "subnetId": inputs.get("subnetId"),
                "ipAddress": subnet.gateway if subnet else None}


def _secret_like_inputs(state: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
    """Mark as secret every output whose input of the same name was secret, as the Pulumi engine does (the
    mock monitor would hand them back in plain text: a secret key pair name came back as `name`)."""
    from pulumi.runtime import rpc

    out = dict(state)
    for key, value in inputs.items():
        if rpc.is_rpc_secret(value) and key in out and not rpc.is_rpc_secret(out[key]):
            out[key] = rpc.wrap_rpc_secret(out[key])
    return out
