"""The server's ports appear as NICs: Nova's MACs, the stack's fixed addresses, seen as devices."""

from __future__ import annotations

import json

import pytest

from userdata import UserDataSpec, build_user_data

pytestmark = pytest.mark.boot

NETWORK_DATA = "/var/lib/cloud/seed/config_drive/openstack/latest/network_data.json"
SCRIPT = """#!/bin/sh
ip -o -4 address show | awk '{print "addr", $2, $4}'
ip -o link show | awk '{print "link", $2, $(NF-2)}'
for nic in /sys/class/net/*; do if [ -e "$nic/device" ]; then echo "device ${nic##*/}"; fi; done
"""


def test_ports_become_nics_with_fixed_addresses(boot) -> None:
    user_data = build_user_data(UserDataSpec(script=SCRIPT), "two-ports").user_data
    report = boot(user_data, server="two-ports", ports=[["10.40.0.11/24"], ["10.41.0.11/24"]],
                  capture=(NETWORK_DATA,))
    assert report.ok, report.to_text()
    lines = set(report.provision_log.splitlines())
    assert {"addr eth0 10.40.0.11/24", "addr eth1 10.41.0.11/24"} <= lines
    assert {line for line in lines if line.startswith("device ")} == {"device eth0", "device eth1"}
    network = json.loads(report.captured[NETWORK_DATA])
    macs = [link["ethernet_mac_address"] for link in network["links"]]
    assert len(set(macs)) == 2
    for index, mac in enumerate(macs):  # the NIC cloud-init matches by MAC is the one holding the address
        assert any(line.startswith(f"link eth{index}@") and line.endswith(mac) for line in lines), lines
    assert [(n["link"], n["ip_address"], n["netmask"]) for n in network["networks"]] == [
        ("tap0", "10.40.0.11", "255.255.255.0"), ("tap1", "10.41.0.11", "255.255.255.0")]
