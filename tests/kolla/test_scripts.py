"""The on-instance scripts of the Kolla blueprint: syntax, NIC detection, and first boots through real cloud-init
(the boot harness; skipped with the reason when it cannot run here, failed under CI=true)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from openstack_stacks.kolla.node_userdata import PARTS
from openstack_stacks.tools import offline

SCRIPTS = ["kolla-nics.sh", "node-prepare.sh", "kolla-deploy.sh", "start-deploy.sh"]
ADDRS = """\
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: {mgmt}    inet 10.40.0.11/24 brd 10.40.0.255 scope global dynamic {mgmt}\\       valid_lft 86000sec
3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever
"""


@pytest.mark.parametrize("name", SCRIPTS)
def test_scripts_parse_and_start_with_a_shebang(name: str) -> None:
    text = (PARTS / name).read_text()
    assert text.startswith("#!/bin/")
    shell = text.split("\n", 1)[0].removeprefix("#!")
    proc = subprocess.run([shell, "-n", str(PARTS / name)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def fake_host(tmp_path: Path, nics: list[str], mgmt: str) -> dict[str, str]:
    sysfs = tmp_path / "net"
    for name in ["lo", "docker0", "br-ex", *nics]:
        (sysfs / name).mkdir(parents=True)
        if name in nics:
            (sysfs / name / "device").mkdir()
    addrs = tmp_path / "addrs"
    addrs.write_text(ADDRS.format(mgmt=mgmt))
    return {**os.environ, "KOLLA_NICS_SYSFS": str(sysfs), "KOLLA_NICS_ADDRS": str(addrs)}


def nics(env: dict[str, str], ip: str = "10.40.0.11") -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(PARTS / "kolla-nics.sh"), ip], env=env, capture_output=True, text=True)


@pytest.mark.parametrize("names, mgmt, ext", [
    (["eth0", "eth1"], "eth0", "eth1"),
    (["ens3", "ens4"], "ens4", "ens3"),   # found by address, not by order
    (["enp1s0"], "enp1s0", ""),           # a compute node: no external NIC
])
def test_kolla_nics_finds_the_management_nic_by_address(tmp_path, names, mgmt, ext) -> None:
    proc = nics(fake_host(tmp_path, names, mgmt))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"network_interface={mgmt}\nneutron_external_interface={ext}\n"


def test_kolla_nics_fails_when_no_nic_holds_the_address(tmp_path) -> None:
    proc = nics(fake_host(tmp_path, ["eth0", "eth1"], "eth0"), ip="10.40.0.99")
    assert proc.returncode == 1 and "no interface holds 10.40.0.99" in proc.stderr


# -- first boots through real cloud-init -------------------------------------------------------------------
@pytest.fixture(scope="module")
def boot():
    from userdata.boot import available
    from userdata.boot import boot as do_boot

    ok, reason = available()
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"boot harness unavailable under CI: {reason}")
        pytest.skip(f"boot harness unavailable: {reason}")
    return do_boot


@pytest.fixture(scope="module")
def ha():
    return offline.render("stacks/kolla-ha.yaml", {"admin_cidr": "198.51.100.0/24", "key_pair": "ops"})


def kept_file(report, path: str) -> Path:
    """A file of a boot run with keep=True (the boot directory is named in the notes)."""
    base = Path(next(n for n in report.notes if n.startswith("boot directory kept: ")).split(": ", 1)[1])
    found = [p for p in base.rglob(path.lstrip("/").split("/")[-1]) if str(p).endswith(path)]
    assert found, f"{path} not found under {base}"
    return found[0]


def test_deploy_node_boots_cleanly_with_the_deploy_script_installed(boot, ha) -> None:
    record = ha.user_data["kolla-deploy"]
    report = boot(record.user_data, server="kolla-deploy", keep=True,
                  capture=("/etc/kolla/multinode", "/etc/kolla/globals.yml", "/var/log/kolla-deploy.log"))
    try:
        assert report.problems() == []
        assert report.scripts == {"kolla-node-prepare.sh": 0, "start-deploy.sh": 0}
        assert report.captured["/etc/kolla/multinode"] == ha.artifacts["kolla/multinode"]
        assert report.captured["/etc/kolla/globals.yml"] == ha.artifacts["kolla/globals.yml"]
        # no systemd in the harness: the starter says so instead of failing
        assert "systemd is not running" in report.captured["/var/log/kolla-deploy.log"]
        script = kept_file(report, "/usr/local/sbin/kolla-deploy")
        assert script.stat().st_mode & 0o777 == 0o755
        assert kept_file(report, "/root/.ssh/kolla_deploy").stat().st_mode & 0o777 == 0o600
    finally:
        base = next(n for n in report.notes if n.startswith("boot directory kept: ")).split(": ", 1)[1]
        shutil.rmtree(base, ignore_errors=True)


def port_addresses(plan, server: str) -> list[list[str] | None]:
    """The server's ports in NIC order as the boot harness takes them: fixed addresses in CIDR form for
    boot NICs, then None for each NIC attached to the running server (InterfaceAttach)."""
    ports = {r["id"]: r for r in plan.by_type("openstack:networking/port:Port")}
    subnets = {r["id"]: r["inputs"]["cidr"] for r in plan.by_type("openstack:networking/subnet:Subnet")}
    instance = plan.get(server, "openstack:compute/instance:Instance")
    out: list[list[str] | None] = []
    for net in instance["inputs"]["networks"]:
        fixed = ports[net["port"]]["inputs"]["fixedIps"]
        out.append([f"{f['ipAddress']}/{subnets[f['subnetId']].split('/')[1]}" for f in fixed])
    attached = [a for a in plan.by_type("openstack:compute/interfaceAttach:InterfaceAttach")
                if a["inputs"]["instanceId"] == instance["id"]]
    assert all("fixedIps" not in ports[a["inputs"]["portId"]]["inputs"] for a in attached)
    return out + [None for _ in attached]


def test_controller_boots_cleanly_and_prepares_its_external_nic(boot, ha) -> None:
    record = ha.user_data["kolla-control01"]
    ports = port_addresses(ha, "kolla-control01")
    assert ports == [["10.40.0.11/24"], None]  # the external NIC: attached after boot, no address
    report = boot(record.user_data, server="kolla-control01", ports=ports,
                  capture=("/var/lib/kolla-node/prepared", "/var/lib/kolla-node/failed",
                           "/var/log/kolla-node-prepare.log", "/etc/cloud/cloud.cfg.d/99-kolla-network.cfg"))
    assert report.problems() == []
    assert report.scripts == {"kolla-node-prepare.sh": 0}
    assert report.captured["/var/lib/kolla-node/failed"] is None, report.captured["/var/log/kolla-node-prepare.log"]
    assert report.captured["/var/lib/kolla-node/prepared"]
    # the NIC holding 10.40.0.11 is the management NIC; the other one is up without an address for br-ex
    assert "external NIC eth1 is up without an address (management NIC: eth0)" in \
        report.captured["/var/log/kolla-node-prepare.log"]
    assert report.captured["/etc/cloud/cloud.cfg.d/99-kolla-network.cfg"] == "network: {config: disabled}\n"


# -- kolla-deploy.sh end to end, with the tools replaced by recorders ----------------------------------------
STUB = """#!/bin/bash
echo "$(basename "$0") $*" >> "$KOLLA_TEST_CALLS"
if [ "$(basename "$0")" = kolla-ansible ] && [ "${1:-}" = "${KOLLA_TEST_FAIL_AT:-}" ]; then exit 3; fi
exit 0
"""


@pytest.fixture(scope="module")
def aio_files():
    import email
    import email.policy

    import yaml

    plan = offline.render("stacks/kolla-aio.yaml", {"admin_cidr": "198.51.100.0/24", "key_pair": "ops"})
    message = email.message_from_bytes(plan.user_data["kolla-aio"].mime, policy=email.policy.compat32)
    files = {}
    for part in message.get_payload():
        if part.get_content_type() == "text/cloud-config":
            for item in (yaml.safe_load(part.get_payload(decode=True)) or {}).get("write_files", []):
                files[item["path"]] = item["content"]
    return files


def deploy_sandbox(tmp_path: Path, files: dict[str, str], *, shipped_tail: str | None = None) -> dict[str, str]:
    """A config dir with the AIO node's rendered files, a fake venv and fake host; returns the environment."""
    config, venv, bin_dir = tmp_path / "etc-kolla", tmp_path / "venv", tmp_path / "bin"
    for directory in (config, venv / "bin", bin_dir, tmp_path / "node"):
        directory.mkdir(parents=True)
    for path, text in files.items():
        if path.startswith("/etc/kolla/"):
            (config / path.removeprefix("/etc/kolla/")).write_text(text)
    env_file = config / "deploy.env"
    env_file.write_text(env_file.read_text().replace("KOLLA_VENV=/opt/kolla", f"KOLLA_VENV={venv}"))
    for name in ("pip", "kolla-ansible", "kolla-genpwd", "ansible-playbook"):
        (venv / "bin" / name).write_text(STUB)
    for name in ("dnf", "python3"):
        (bin_dir / name).write_text(STUB)
    (bin_dir / "kolla-nics").write_text(f'#!/bin/bash\nexec bash {PARTS / "kolla-nics.sh"} "$@"\n')
    for path in [*(venv / "bin").iterdir(), *bin_dir.iterdir()]:
        path.chmod(0o755)
    share = venv / "share/kolla-ansible"
    (share / "ansible/inventory").mkdir(parents=True)
    rendered = files["/etc/kolla/multinode"]
    tail = rendered[rendered.index("\n[baremetal:children]") + 1:] if shipped_tail is None else shipped_tail
    (share / "ansible/inventory/multinode").write_text("[control]\ncontrol01\n\n" + tail)
    (share / "etc_examples/kolla").mkdir(parents=True)
    (share / "etc_examples/kolla/passwords.yml").write_text("keystone_admin_password:\n")
    (tmp_path / "node" / "prepared").write_text("now\n")
    host = fake_host(tmp_path / "host", ["eth0", "eth1"], "eth0")
    host["KOLLA_NICS_ADDRS"] = str(tmp_path / "host" / "addrs")
    Path(host["KOLLA_NICS_ADDRS"]).write_text(ADDRS.format(mgmt="eth0").replace("10.40.0.11", "10.50.0.10"))
    return {**host, "PATH": f"{bin_dir}:{os.environ['PATH']}", "KOLLA_CONFIG_DIR": str(config),
            "KOLLA_STATE_DIR": str(tmp_path / "state"), "KOLLA_NODE_STATE_DIR": str(tmp_path / "node"),
            "KOLLA_DEPLOY_LOG": str(tmp_path / "deploy.log"), "KOLLA_NICS_COMMAND": str(bin_dir / "kolla-nics"),
            "KOLLA_TEST_CALLS": str(tmp_path / "calls")}


def deploy(env: dict[str, str], **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(PARTS / "kolla-deploy.sh")], env={**env, **extra}, capture_output=True,
                          text=True, timeout=60)


def calls(env: dict[str, str]) -> list[str]:
    path = Path(env["KOLLA_TEST_CALLS"])
    lines = path.read_text().splitlines() if path.exists() else []
    path.write_text("")
    return [line.split(" -i ")[0] for line in lines]


def test_deploy_script_stops_at_a_failed_step_and_resumes_there(tmp_path, aio_files) -> None:
    env = deploy_sandbox(tmp_path, aio_files)
    config, state = Path(env["KOLLA_CONFIG_DIR"]), Path(env["KOLLA_STATE_DIR"])
    first = deploy(env, KOLLA_TEST_FAIL_AT="prechecks")
    assert first.returncode == 3
    assert (state / "status").read_text() == "failed: prechecks (exit 3)\n"
    assert calls(env) == [
        "dnf install -y git python3-devel gcc libffi-devel openssl-devel", f"python3 -m venv {tmp_path / 'venv'}",
        "pip install -q -U pip", "pip install -q kolla-ansible==22.2.0", "kolla-ansible --version",
        "kolla-ansible install-deps", f"kolla-genpwd -p {config / 'passwords.yml'}", "ansible-playbook",
        "kolla-ansible bootstrap-servers", "kolla-ansible prechecks"]
    assert (config / "host_vars/kolla-aio.yml").read_text().splitlines()[1:] == [
        'network_interface: "eth0"', 'neutron_external_interface: "eth1"']
    assert (config / "passwords.yml").stat().st_mode & 0o777 == 0o600
    second = deploy(env)
    assert second.returncode == 0, Path(env["KOLLA_DEPLOY_LOG"]).read_text()[-2000:]
    assert calls(env) == ["kolla-ansible prechecks", "kolla-ansible pull", "kolla-ansible deploy",
                          "kolla-ansible post-deploy"]
    assert (state / "status").read_text() == "done\n"
    log = Path(env["KOLLA_DEPLOY_LOG"]).read_text()
    assert "== skip bootstrap-servers (done before)" in log and "inventory groups match" in log


def test_deploy_script_stops_when_a_node_could_not_prepare(tmp_path, aio_files) -> None:
    env = deploy_sandbox(tmp_path, aio_files)
    node = Path(env["KOLLA_NODE_STATE_DIR"])
    (node / "prepared").unlink()
    (node / "failed").write_text("no second NIC for neutron_external_interface\n")
    proc = deploy(env)
    assert proc.returncode == 1
    assert Path(env["KOLLA_STATE_DIR"], "status").read_text() == "failed: wait-for-hosts (exit 1)\n"
    assert "kolla-aio could not be prepared: no second NIC" in Path(env["KOLLA_DEPLOY_LOG"]).read_text()
    assert not [c for c in calls(env) if "bootstrap-servers" in c]


def test_deploy_script_takes_the_service_groups_of_another_pinned_version(tmp_path, aio_files) -> None:
    env = deploy_sandbox(tmp_path, aio_files, shipped_tail="[baremetal:children]\ncontrol\n\n[newgroup:children]\n"
                                                           "control\n")
    assert deploy(env).returncode == 0
    config = Path(env["KOLLA_CONFIG_DIR"])
    inventory = (config / "multinode").read_text()
    assert inventory.endswith("[baremetal:children]\ncontrol\n\n[newgroup:children]\ncontrol\n")
    head = aio_files["/etc/kolla/multinode"].split("\n[baremetal:children]")[0]
    assert inventory.startswith(head)
    assert (config / "multinode.rendered").read_text() == aio_files["/etc/kolla/multinode"]


def test_aio_node_prepares_itself_and_starts_its_own_deployment(boot, aio_files) -> None:
    plan = offline.render("stacks/kolla-aio.yaml")
    ports = port_addresses(plan, "kolla-aio")
    assert ports == [["10.50.0.10/24"], None]
    report = boot(plan.user_data["kolla-aio"].user_data, server="kolla-aio", ports=ports,
                  capture=("/var/lib/kolla-node/prepared", "/var/log/kolla-deploy.log", "/etc/kolla/multinode"))
    assert report.problems() == []
    assert report.scripts == {"kolla-node-prepare.sh": 0, "start-deploy.sh": 0}
    assert report.captured["/var/lib/kolla-node/prepared"]
    assert report.captured["/etc/kolla/multinode"] == aio_files["/etc/kolla/multinode"]
    assert "systemd is not running" in report.captured["/var/log/kolla-deploy.log"]


def _signal_env(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """The signal helper the deploy node gets, writing its console lines to a file."""
    from userdata import signals

    (tmp_path / "console").touch()
    helper = tmp_path / "openstack-stacks-signal"
    helper.write_text(signals.helper_script().replace("/dev/console /dev/ttyS0", str(tmp_path / "console"))
                      .replace("/var/log/openstack-stacks-signals.log", str(tmp_path / "signals.log")))
    helper.chmod(0o755)
    return {**env, "KOLLA_SIGNAL_COMMAND": str(helper)}


def test_deploy_script_signals_the_failed_step_then_success(tmp_path, aio_files) -> None:
    from userdata import signals

    assert aio_files["/usr/local/sbin/openstack-stacks-signal"] == signals.helper_script()
    assert "KOLLA_SIGNAL_HANDLE=kolla-deploy" in aio_files["/etc/kolla/deploy.env"]
    env = _signal_env(tmp_path, deploy_sandbox(tmp_path, aio_files))
    assert deploy(env, KOLLA_TEST_FAIL_AT="deploy").returncode == 3
    failed = signals.evaluate([(tmp_path / "console").read_text()], "kolla-deploy")
    assert failed.status == "FAILURE" and failed.data() == {"kolla-deploy": "deploy"}
    assert failed.reason.startswith("kolla-deploy step deploy failed (exit 3); see ")
    (tmp_path / "console").write_text("")
    assert deploy(env).returncode == 0
    done = signals.evaluate([(tmp_path / "console").read_text()], "kolla-deploy")
    assert done.status == "SUCCESS" and done.reason == "OpenStack is deployed (kolla-ansible 22.2.0)"
    assert done.data()["kolla-deploy"].startswith("http://")
