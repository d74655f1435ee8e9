"""The offline cloud's address pools are as large as the networks: no render fails for want of addresses
the cloud would have, and an exhausted pool is one error naming the network."""

from __future__ import annotations

import ipaddress

import pytest

from components.errors import StackError
from openstack_stacks.tools import cloudmodel
from openstack_stacks.tools.offline import render

STACK = """
networks:
  app:
    external_network: public
    subnets:
      app-v4: {{cidr: {cidr}}}
security_groups:
  web:
    rules: [{{protocol: tcp, port: 22, remote_ip_prefix: 0.0.0.0/0}}]
servers:
  web:
    count: {count}
    image: debian-12
    flavor: m1.small
    ports: [{{network: app, subnet: app-v4, security_groups: [web], floating_ip: public}}]
"""


def test_floating_pool_goes_past_a_slash_24_in_order() -> None:
    pool = cloudmodel._FloatingPool()
    addresses = [pool.take("public", f"fip-{i}") for i in range(300)]
    assert addresses[0] == "203.0.113.1" and addresses[253] == "203.0.113.254"
    assert addresses[254] == "198.18.0.1" and len(set(addresses)) == 300
    assert all(not ipaddress.ip_address(a).is_global for a in addresses)


def test_exhausted_floating_pool_names_the_external_network(monkeypatch) -> None:
    monkeypatch.setattr(cloudmodel, "FLOATING_RANGES", (ipaddress.ip_network("203.0.113.0/30"),))
    pool = cloudmodel._FloatingPool()
    pool.take("public", "a"), pool.take("public", "b")
    with pytest.raises(StackError) as info:
        pool.take("public", "web-2-port0-fip")
    assert "external network 'public' has no floating IP left" in str(info.value)
    assert "web-2-port0-fip" in str(info.value)


def test_exhausted_subnet_is_one_error_naming_network_and_subnet(tmp_path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(STACK.format(cidr="10.9.0.0/29", count=6))  # 6 hosts, one is the gateway
    with pytest.raises(StackError) as info:
        render(path)
    message = str(info.value)
    assert "network 'app' subnet 'app-v4' (10.9.0.0/29) has no free address left" in message
    assert "web-5-port0" in message and "StopIteration" not in message


def test_a_subnet_larger_than_a_slash_24_hands_out_its_whole_range(tmp_path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_text(STACK.format(cidr="10.9.0.0/23", count=2))
    cloud = cloudmodel.OfflineCloud()
    subnet = cloudmodel._Subnet("s", {"cidr": "10.9.0.0/23"}, "network 'app' subnet 'wide'")
    taken = [subnet.take(None, f"p{i}") for i in range(509)]
    assert taken[0] == "10.9.0.2" and taken[-1] == "10.9.1.254"
    with pytest.raises(StackError):
        subnet.take(None, "one-too-many")
    assert cloud.floating.take("public", "x") == "203.0.113.1"
    plan = render(path)
    assert [r["inputs"]["fixedIps"] for r in plan.by_type("openstack:networking/port:Port")]


def test_readme_states_the_pool_size() -> None:
    from pathlib import Path

    pool = cloudmodel._FloatingPool()
    size = sum(end - start + 1 for start, end in pool.ranges)
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert f"floating-IP pool holds\n{size:,} addresses" in readme or f"pool holds {size:,} addresses" in readme
