"""The cloud's own rules, checked at render: what Neutron/Cinder refuse is refused here, what they accept passes."""

from __future__ import annotations

import pytest

from components.errors import StackError

BASE = """
networks:
  net:
    mtu: {mtu}
    subnets:
      sub: {{cidr: 10.0.0.0/24, gateway_ip: {gw}, dns_nameservers: [{dns}],
             allocation_pools: [{{start: {ps}, end: {pe}}}]}}
      {extra}
security_groups:
  sg:
    rules:
      - {{protocol: {proto}, port: {port}, remote_ip_prefix: 10.0.0.0/8}}
volumes:
  v: {{size: {size}}}
servers:
  vm:
    image: debian-12
    flavor: m1.small
    ports:
      - {{network: net, security_groups: [sg], fixed_ip: {fip}}}
"""
GOOD = dict(mtu=1500, gw="10.0.0.1", dns="1.1.1.1", ps="10.0.0.10", pe="10.0.0.100", extra="", proto="tcp",
            port=22, size=1, fip="10.0.0.20")

REFUSED = [
    (dict(extra="sub2: {cidr: 10.0.0.0/25}"), "net", "subnets.sub2.cidr", "overlaps subnet sub"),
    (dict(ps="10.1.0.10", pe="10.1.0.20"), "net", "subnets.sub.allocation_pools[0]", "outside the subnet"),
    (dict(ps="10.0.0.1", pe="10.0.0.20"), "net", "subnets.sub.allocation_pools[0]", "holds the gateway"),
    (dict(ps="10.0.0.50", pe="10.0.0.20"), "net", "subnets.sub.allocation_pools[0]", "ends before it starts"),
    (dict(gw="not-an-ip"), "net", "subnets.sub.gateway_ip", "is not an IP address"),
    (dict(dns="1.1.1"), "net", "subnets.sub.dns_nameservers[0]", "is not an IP address"),
    (dict(mtu=-1), "net", "mtu", "mtu must be"),
    (dict(port=0), "sg", "rules[0].port", "out of range 1-65535"),
    (dict(size=0), "v", "size", "at least 1"),
    (dict(size=-5), "v", "size", "at least 1"),
    (dict(fip="10.0.0.999"), "vm", "ports[0].fixed_ip", "not an IP address"),
    (dict(ps="10.0.0.x"), "net", "subnets.sub.allocation_pools[0].start", "not an IP address"),
]


@pytest.mark.parametrize("change, resource, field, message", REFUSED)
def test_refused_like_the_cloud(render, write_stack, change, resource, field, message) -> None:
    path = write_stack(BASE.format(**{**GOOD, **change}))
    with pytest.raises(StackError) as info:
        render(path)
    err = info.value
    assert (err.resource, err.field) == (resource, field) and message in err.message
    assert str(path) in str(err)


@pytest.mark.parametrize("proto", ["'6'", "17", "tcp"])
def test_ip_protocol_numbers_with_ports_are_accepted(render, write_stack, proto) -> None:
    plan = render(write_stack(BASE.format(**{**GOOD, "proto": proto})))
    rule = plan.by_type("openstack:networking/secGroupRule:SecGroupRule")[0]["inputs"]
    assert rule["protocol"] == proto.strip("'") and rule["portRangeMin"] == 22


def test_icmp_type_zero_is_accepted(render, write_stack) -> None:
    plan = render(write_stack(BASE.format(**{**GOOD, "proto": "icmp", "port": 0})))
    assert plan.by_type("openstack:networking/secGroupRule:SecGroupRule")[0]["inputs"]["portRangeMin"] == 0


def test_part_filename_with_a_newline_stays_on_one_line(render, write_stack) -> None:
    path = write_stack("""
        networks: {net: {subnets: {sub: {cidr: 10.0.0.0/24}}}}
        servers:
          vm:
            image: i
            flavor: f
            ports: [{network: net}]
            user_data_parts: [{type: x-shellscript, filename: "a\\nb.sh", content: "#!/bin/sh\\necho"}]
    """)
    with pytest.raises(StackError) as info:
        render(path)
    assert "\n" not in str(info.value) and "a\\nb.sh" in str(info.value) and info.value.resource == "vm"


def test_cli_turns_an_unexpected_exception_into_one_line(monkeypatch, capsys, write_stack) -> None:
    from openstack_stacks.tools import cli, offline

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(offline, "render", broken)
    path = write_stack("description: x\n")
    assert cli.main(["render", str(path), "--out", str(path.parent / "out")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: ") and "Traceback" not in err
