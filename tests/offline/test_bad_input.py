"""Bad stack files fail with one clear message naming the file, the resource and the field."""

from __future__ import annotations

import subprocess
import sys

import pytest

from components.errors import StackError

BASE = """
networks:
  net:
    subnets:
      sub: {cidr: 10.0.0.0/24}
security_groups:
  sg:
    rules:
      - {protocol: tcp, port: 22, remote_ip_prefix: 10.0.0.0/8}
servers:
  vm:
    image: debian-12
    flavor: m1.small
    ports:
      - {network: net, security_groups: [sg]}
"""


def _error(render, write_stack, text: str, **params) -> StackError:
    path = write_stack(text)
    with pytest.raises(StackError) as info:
        render(path, params or None)
    assert str(path) in str(info.value)
    return info.value


def test_valid_base_renders(render, write_stack) -> None:
    assert render(write_stack(BASE)).get("vm", "openstack:compute/instance:Instance")


def test_yaml_syntax_error_names_line(render, write_stack) -> None:
    err = _error(render, write_stack, "servers:\n  vm: {image: [\n")
    assert "invalid YAML" in str(err) and "line" in str(err)


def test_duplicate_key_is_refused(render, write_stack) -> None:
    err = _error(render, write_stack, BASE + "  vm:\n    flavor: x\n")
    assert "duplicate key 'vm'" in str(err)


def test_unknown_top_level_key(render, write_stack) -> None:
    err = _error(render, write_stack, BASE + "severs: {}\n")
    assert "unknown top-level key(s) severs" in str(err)


def test_unknown_field_names_resource_and_field(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("flavor: m1.small", "flavor: m1.small\n    flavour: big"))
    assert err.resource == "vm" and err.field == "flavour"
    assert "unknown field(s) flavour" in str(err)


def test_missing_required_field(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("    flavor: m1.small\n", ""))
    assert err.resource == "vm" and err.field == "flavor" and "is required" in str(err)


def test_dangling_reference(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("security_groups: [sg]", "security_groups: [nope]"))
    assert err.resource == "vm" and err.field == "ports[0].security_groups"
    assert "unknown security group 'nope'" in str(err)


def test_dangling_network_and_subnet(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("{network: net,", "{network: net, subnet: other,"))
    assert "has no subnet 'other'" in str(err)


def test_depends_on_cycle(render, write_stack) -> None:
    text = BASE + """    depends_on: [vm2]
  vm2:
    image: debian-12
    flavor: m1.small
    depends_on: [vm]
    ports: [{network: net}]
"""
    err = _error(render, write_stack, text)
    assert "depends_on forms a cycle: vm -> vm2 -> vm" in str(err)


def test_bad_subnet_cidr(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("10.0.0.0/24", "10.0.0.1/24"))
    assert err.resource == "net" and "subnets.sub.cidr" in str(err.field)


def test_bad_rule_cidr(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("10.0.0.0/8", "10.0.0.300/8"))
    assert err.resource == "sg" and "invalid CIDR" in str(err)


def test_constraint_violation(render, write_stack) -> None:
    text = "parameters:\n  n: {type: number, default: 3, constraints: [{range: {min: 1, max: 2}}]}\n" + BASE
    err = _error(render, write_stack, text)
    assert "parameter n" in str(err) and "3 is out of range (min: 1, max: 2)" in str(err)


def test_wrong_parameter_type(render, write_stack) -> None:
    text = "parameters:\n  n: {type: number}\n" + BASE.replace("flavor: m1.small", "flavor: m1.small\n    count: ${n}")
    err = _error(render, write_stack, text, n="three")
    assert "not a valid number" in str(err)


def test_unknown_parameter_given(render, write_stack) -> None:
    err = _error(render, write_stack, BASE, nope="1")
    assert "unknown parameter(s) nope" in str(err)


def test_secret_parameter_refused_where_it_would_be_plain(render, write_stack) -> None:
    text = "parameters:\n  pw: {type: string, secret: true, default: hunter22}\n" + BASE.replace(
        "flavor: m1.small", "flavor: ${pw}")
    err = _error(render, write_stack, text)
    assert err.field == "flavor" and "secret" in str(err)
    assert "hunter22" not in str(err)


def test_script_without_shebang_is_refused(render, write_stack) -> None:
    err = _error(render, write_stack, BASE + "    script: echo hi\n")
    assert err.resource == "vm" and "#!" in str(err)


def test_malformed_cloud_config_part_is_refused(render, write_stack) -> None:
    text = BASE + "    user_data_parts:\n      - {type: cloud-config, content: {runcmd: 5}}\n"
    err = _error(render, write_stack, text)
    assert err.resource == "vm" and "runcmd" in str(err)


def test_fixed_ip_outside_subnet(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("{network: net,", "{network: net, fixed_ip: 10.9.9.9,"))
    assert "outside subnet 10.0.0.0/24" in str(err)


def test_schema_violation_fails_the_render(render, write_stack, monkeypatch) -> None:
    """Inputs are checked against the real provider schema (here with one extra required input)."""
    import copy

    from openstack_stacks.tools import schema
    real = schema.load_schema()
    patched = copy.deepcopy(real)
    token = "openstack:networking/secGroup:SecGroup"
    patched["resources"][token]["requiredInputs"] = ["tenantId"]
    monkeypatch.setattr(schema, "load_schema", lambda: patched)
    err = _error(render, write_stack, BASE)
    assert err.resource == "sg" and "missing required input 'tenantId'" in str(err)


def test_cli_exit_codes(write_stack, tmp_path) -> None:
    good = write_stack(BASE, "good.yaml")
    bad = write_stack(BASE.replace("flavor: m1.small", "flavor: m1.small\n    bogus: 1"), "bad.yaml")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "components", *args], capture_output=True, text=True)

    ok = run("render", str(good), "--out", str(tmp_path / "out"))
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "out" / "plan.json").exists()
    assert (tmp_path / "out" / "userdata" / "vm.mime").exists()
    invalid = run("render", str(bad), "--out", str(tmp_path / "out2"))
    assert invalid.returncode == 1
    assert invalid.stderr.strip().count("\n") == 0 and "bad.yaml" in invalid.stderr and "bogus" in invalid.stderr
    assert run("render", str(good)).returncode == 2
    assert run("frobnicate").returncode == 2


def test_first_port_cannot_be_hotplug(render, write_stack) -> None:
    err = _error(render, write_stack, BASE.replace("security_groups: [sg]}", "security_groups: [sg], hotplug: true}"))
    assert err.resource == "vm" and err.field == "ports[0].hotplug"
    assert "boot NIC" in str(err)


def test_hotplug_port_is_attached_not_booted(render, write_stack) -> None:
    plan = render(write_stack(BASE + "      - {network: net, name: extra, hotplug: true}\n"))
    instance = plan.get("vm", "openstack:compute/instance:Instance")
    extra = plan.get("vm-extra", "openstack:networking/port:Port")
    attach = plan.get("vm-extra-attach", "openstack:compute/interfaceAttach:InterfaceAttach")
    assert [n["port"] for n in instance["inputs"]["networks"]] == [plan.get("vm-port0", extra["type"])["id"]]
    assert attach["inputs"] == {"instanceId": instance["id"], "portId": extra["id"]}


def test_port_without_address_must_be_hotplug() -> None:
    """pulumi/pulumi-openstack#891: a no_fixed_ip port through Instance.networks replaces the server forever."""
    from components.server import PortArgs, Server, ServerArgs
    from openstack_stacks.tools.offline import run_program

    def program(hotplug: bool) -> None:
        Server("vm", ServerArgs(flavor="m1.small", image="debian-12", ports=[
            PortArgs(network="net-id"), PortArgs(network="ext-id", no_fixed_ip=True, hotplug=hotplug,
                                                 port_security=False, name="ext")]))

    with pytest.raises(StackError) as info:
        run_program(lambda: program(False), source="api")
    assert "pulumi/pulumi-openstack#891" in str(info.value) and info.value.field == "ports[1].no_fixed_ip"
    plan = run_program(lambda: program(True), source="api")
    assert plan.get("vm-ext", "openstack:networking/port:Port")["inputs"]["noFixedIp"] is True
