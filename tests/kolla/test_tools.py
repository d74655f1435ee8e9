"""The rendered globals.yml and inventory read by the real tools: ansible-inventory, kolla-genpwd,
`kolla-ansible deploy --list-tasks` and the blueprint's own consistency playbook (kolla-checks.yml).

The tools live in the venv `.ci/setup.d/kolla.sh` builds (kolla-ansible 22.2.0, ansible 12.3.0). Without it
the tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from openstack_stacks.kolla import services
from openstack_stacks.kolla.node_userdata import PARTS
from openstack_stacks.kolla.render import shipped_tail
from openstack_stacks.tools import offline

VENV = Path(os.environ.get("KOLLA_VENV", Path.home() / ".cache/openstack-stacks/kolla-venv"))
SHARE = VENV / "share/kolla-ansible"
CHECKS = PARTS / "kolla-checks.yml"
CONTROLLERS = {"kolla-control01", "kolla-control02", "kolla-control03"}
COMPUTES = {"kolla-compute01", "kolla-compute02"}


@pytest.fixture(scope="module")
def venv() -> Path:
    if not (VENV / "bin/kolla-ansible").exists():
        reason = f"kolla-ansible venv missing at {VENV} (run .ci/setup.d/kolla.sh)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return VENV


def run(venv: Path, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "ANSIBLE_NOCOLOR": "1",
           "ANSIBLE_LOCAL_TEMP": str(cwd / ".ansible-tmp"), "ANSIBLE_HOME": str(cwd / ".ansible")}
    proc = subprocess.run([str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
    return proc


def render_to(tmp: Path, stack: str, params: dict) -> Path:
    plan = offline.render(stack, params)
    plan.write(tmp)
    return tmp / "kolla"


@pytest.fixture(scope="module")
def ha_dir(tmp_path_factory, venv) -> Path:
    return render_to(tmp_path_factory.mktemp("ha"), "stacks/kolla-ha.yaml",
                     {"admin_cidr": "198.51.100.0/24", "key_pair": "ops", "compute_count": 2})


@pytest.fixture(scope="module")
def aio_dir(tmp_path_factory, venv) -> Path:
    return render_to(tmp_path_factory.mktemp("aio"), "stacks/kolla-aio.yaml",
                     {"admin_cidr": "198.51.100.0/24", "key_pair": "ops"})


def group_hosts(inventory: dict, group: str) -> set[str]:
    """Hosts of a group with its `:children` resolved, from `ansible-inventory --list`."""
    entry = inventory.get(group, {})
    hosts = set(entry.get("hosts", []))
    for child in entry.get("children", []):
        hosts |= group_hosts(inventory, child)
    return hosts


def test_ansible_inventory_resolves_service_groups_to_the_right_nodes(venv, ha_dir) -> None:
    inventory = json.loads(run(venv, "ansible-inventory", "-i", "multinode", "--list", cwd=ha_dir).stdout)
    for group in ("mariadb", "rabbitmq", "nova-api", "loadbalancer", "keystone", "neutron-server", "horizon"):
        assert group_hosts(inventory, group) == CONTROLLERS, group
    assert group_hosts(inventory, "compute") == COMPUTES
    assert group_hosts(inventory, "iscsid") >= COMPUTES | {"kolla-storage01"}
    assert group_hosts(inventory, "cinder-volume-lvm") == {"kolla-storage01"}
    assert group_hosts(inventory, "openvswitch") == CONTROLLERS | COMPUTES
    host = inventory["_meta"]["hostvars"]["kolla-control02"]
    assert host["ansible_host"] == "10.40.0.12" and host["ansible_user"] == "rocky"
    assert host["network_interface"] != host["neutron_external_interface"]
    assert "neutron_external_interface" not in inventory["_meta"]["hostvars"]["kolla-compute01"]
    assert "kolla-deploy" not in inventory["_meta"]["hostvars"]  # the deploy node runs, it is not deployed to


def test_set_algebra_over_groups(venv, ha_dir) -> None:
    out = run(venv, "ansible", "-i", "multinode", "mariadb:&rabbitmq:&nova-api", "--list-hosts", cwd=ha_dir).stdout
    assert set(re.findall(r"kolla-\w+", out)) == CONTROLLERS


@pytest.fixture(scope="module")
def passwords(venv, tmp_path_factory) -> Path:
    """passwords.yml filled by kolla-genpwd, as the deploy node makes it at boot."""
    path = tmp_path_factory.mktemp("pw") / "passwords.yml"
    shutil.copy(SHARE / "etc_examples/kolla/passwords.yml", path)
    run(venv, "kolla-genpwd", "-p", str(path), cwd=path.parent)
    return path


def test_kolla_genpwd_fills_every_secret(passwords) -> None:
    secrets = yaml.safe_load(passwords.read_text())
    # the registry password is the operator's own (kolla-genpwd leaves it blank on purpose)
    assert len(secrets) > 100 and [k for k, v in secrets.items() if v in (None, "")] == ["docker_registry_password"]


@pytest.mark.parametrize("which", ["ha", "aio"])
def test_kolla_ansible_deploy_list_tasks_accepts_the_files(venv, which, ha_dir, aio_dir, passwords) -> None:
    config = ha_dir if which == "ha" else aio_dir
    shutil.copy(passwords, config / "passwords.yml")
    proc = run(venv, "kolla-ansible", "deploy", "-i", "multinode", "--configdir", str(config), "--list-tasks",
               cwd=config)
    plays = re.findall(r"^\s+play #(\d+) \(([^)]*)\)", proc.stdout, re.M)
    assert len(plays) > 50
    assert any(hosts.startswith("loadbalancer") for _, hosts in plays)


def test_list_tasks_rejects_a_broken_globals_file(venv, ha_dir, tmp_path) -> None:
    shutil.copy(ha_dir / "multinode", tmp_path / "multinode")
    shutil.copy(SHARE / "etc_examples/kolla/passwords.yml", tmp_path / "passwords.yml")
    (tmp_path / "globals.yml").write_text((ha_dir / "globals.yml").read_text() + "broken: [\n")
    proc = run(venv, "kolla-ansible", "deploy", "-i", "multinode", "--configdir", str(tmp_path), "--list-tasks",
               cwd=tmp_path, check=False)
    assert proc.returncode != 0


def checks(venv: Path, config: Path, mgmt_cidr: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(venv, "ansible-playbook", "-i", "multinode", "-e", "@globals.yml", "-e",
               f"kolla_mgmt_cidr={mgmt_cidr}", str(CHECKS), cwd=config, check=check)


def test_consistency_checks_pass_on_both_blueprints(venv, ha_dir, aio_dir) -> None:
    assert "failed=0" in checks(venv, ha_dir, "10.40.0.0/24").stdout
    assert "failed=0" in checks(venv, aio_dir, "10.50.0.0/24").stdout


def _mutated(src: Path, dst: Path, globals_edit=None, inventory_edit=None) -> Path:
    text = (src / "globals.yml").read_text()
    (dst / "globals.yml").write_text(globals_edit(text) if globals_edit else text)
    inv = (src / "multinode").read_text()
    (dst / "multinode").write_text(inventory_edit(inv) if inventory_edit else inv)
    return dst


@pytest.mark.parametrize("case, edit, message", [
    ("vip-is-a-host", ("globals", lambda t: t.replace('"10.40.0.254"', '"10.40.0.12"')), "must be a free address"),
    ("vip-outside", ("globals", lambda t: t.replace('"10.40.0.254"', '"10.99.0.254"')), "must be a free address"),
    ("even-quorum", ("inventory", lambda t: re.sub(r"^kolla-control03 .*\n", "", t, flags=re.M)), "need an odd count"),
    ("same-nic", ("inventory", lambda t: t.replace("external_interface=eth1", "external_interface=eth0")),
     "must be two different NICs"),
])
def test_consistency_checks_catch_inconsistent_files(venv, ha_dir, tmp_path, case, edit, message) -> None:
    kind, change = edit
    edits = {"globals_edit": change} if kind == "globals" else {"inventory_edit": change}
    config = _mutated(ha_dir, tmp_path, **edits)
    proc = checks(venv, config, "10.40.0.0/24", check=False)
    assert proc.returncode != 0, case
    assert message in proc.stdout, proc.stdout[-2000:]


def test_bundled_inventory_tail_is_the_installed_one(venv) -> None:
    installed = (SHARE / "ansible/inventory/multinode").read_text()
    assert installed[installed.index("[baremetal:children]"):] == shipped_tail()


def test_bundled_service_switches_are_the_installed_ones(venv) -> None:
    found = set()
    for path in (SHARE / "ansible/group_vars/all").glob("*.yml"):
        found |= set(re.findall(r"^enable_([a-z0-9_]+):", path.read_text(), re.M))
    assert found == set(services.known_switches())


def kolla_variables() -> set[str]:
    """Every variable kolla-ansible defines a default for (group_vars/all, role defaults, example globals)."""
    names: set[str] = set()
    sources = [*(SHARE / "ansible/group_vars/all").glob("*.yml"),
               *(SHARE / "ansible/roles").glob("*/defaults/main.yml"), SHARE / "etc_examples/kolla/globals.yml"]
    for path in sources:
        names |= set(re.findall(r"^#?([a-z][a-z0-9_]*):", path.read_text(), re.M))
    return names


def test_every_rendered_setting_is_a_kolla_ansible_variable(venv, ha_dir, aio_dir) -> None:
    from openstack_stacks.kolla import load_blueprint
    from openstack_stacks.kolla.addressing import plan_addresses
    from openstack_stacks.kolla.render import globals_yml

    ceph = load_blueprint({"kolla": {"admin_cidr": "198.51.100.0/24", "cinder_backend": "ceph",
                                     "services": ["octavia"]}}, path="ceph.yaml")
    known = kolla_variables()
    for text in ((ha_dir / "globals.yml").read_text(), (aio_dir / "globals.yml").read_text(),
                 globals_yml(ceph, plan_addresses(ceph))):
        keys = set(yaml.safe_load(text))
        assert keys and keys <= known, sorted(keys - known)
    host_vars = set(re.findall(r" ([a-z_]+)=", (ha_dir / "multinode").read_text().split("\n[baremetal")[0]))
    assert host_vars - {"ansible_host", "ansible_user", "ansible_become", "ansible_connection"} <= known
    assert {"network_interface", "neutron_external_interface"} <= host_vars
