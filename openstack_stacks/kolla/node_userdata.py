"""User data of the Kolla nodes (plain values in, `UserDataSpec` out; no Pulumi).

Every node: the shared Heat-style head parts, a cloud-config part (the deploy node's SSH key,
`kolla-nics`, node settings; python3 is on every image that runs cloud-init) and
`kolla-node-prepare.sh` (external NIC up without an address, the cinder-volumes VG). The deploy node
adds `/etc/kolla/{globals.yml,multinode,nodes,deploy.env}`, the consistency playbook, the deploy
script and its systemd unit, the private key, and `start-deploy.sh`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from openstack_stacks.kolla import render
from openstack_stacks.kolla.addressing import AddressPlan, Node
from openstack_stacks.kolla.config import KollaConfig
from userdata import Part, UserDataSpec, signals
from userdata.templates import normalise

PARTS = Path(__file__).resolve().parent / "parts"
MERGE = "list(append)+dict(no_replace,recurse_list)+str()"
DEPLOY_LOG = "/var/log/kolla-deploy.log"
SIGNAL_HANDLE = "kolla-deploy"  # kolla-deploy.sh signals its outcome on this handle (userdata.signals)
SIGNAL_HELPER = "/usr/local/sbin/openstack-stacks-signal"
STATUS_FILE = "/var/lib/kolla-deploy/status"
SSH_KEY_PATH = "/root/.ssh/kolla_deploy"
VENV = "/opt/kolla"
WAIT_SECONDS = 3600


@cache
def part_text(name: str) -> str:
    """A file from `openstack_stacks/kolla/parts/`, LF endings, no trailing blanks (stable user data bytes)."""
    return normalise((PARTS / name).read_text(encoding="utf-8"))


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line strings as `|` blocks, so the files stay readable inside the user data."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str)


def cloud_config(body: dict) -> str:
    """`#cloud-config` text, keys in the given order."""
    return "#cloud-config\n" + yaml.dump(body, Dumper=_LiteralDumper, sort_keys=False, default_flow_style=False,
                                         width=1000)


def _file(path: str, content: str, permissions: str = "0644") -> dict:
    return {"path": path, "permissions": permissions, "owner": "root:root", "content": content}


def node_env(node: Node, volume_id: str | None) -> str:
    """`/etc/kolla-node/node.env` for kolla-node-prepare.sh."""
    return (f"KOLLA_ROLE={node.role}\nKOLLA_MGMT_IP={node.mgmt_ip}\n"
            f"KOLLA_EXT_NIC={'yes' if node.ext_nic else 'no'}\nKOLLA_LVM_VOLUME_ID={volume_id or ''}\n")


@dataclass(frozen=True)
class DeployInputs:
    """What the deploy node's files are rendered from: the real port addresses and keys."""

    addresses: dict[str, str]
    external_fqdn: str | None
    public_key: str
    private_key: str
    horizon_url: str


def deploy_env(config: KollaConfig, plan: AddressPlan, horizon_url: str) -> str:
    """`/etc/kolla/deploy.env`: settings of kolla-deploy.sh."""
    return "\n".join([
        f"KOLLA_CLUSTER={config.name}",
        f"KOLLA_ANSIBLE_VERSION={config.kolla_ansible_version}",
        f"KOLLA_VENV={VENV}",
        f"KOLLA_SSH_KEY={SSH_KEY_PATH}",
        f"KOLLA_SSH_USER={config.image_user}",
        f"KOLLA_LOCAL={'yes' if config.aio else 'no'}",
        f"KOLLA_MGMT_CIDR={plan.mgmt_cidr}",
        f"KOLLA_WAIT_SECONDS={WAIT_SECONDS}",
        f"KOLLA_HORIZON_URL={horizon_url}",
        f"KOLLA_SIGNAL_HANDLE={SIGNAL_HANDLE}",
    ]) + "\n"


def rendered_files(config: KollaConfig, plan: AddressPlan, addresses: dict[str, str],
                   external_fqdn: str | None) -> dict[str, str]:
    """The files `render --out DIR` writes under `kolla/`, byte for byte what the deploy node receives."""
    return {
        "kolla/globals.yml": render.globals_yml(config, plan, external_fqdn),
        "kolla/multinode": render.inventory(config, plan, addresses),
    }


def _node_files(node: Node, volume_id: str | None) -> list[dict]:
    return [
        _file("/usr/local/sbin/kolla-nics", part_text("kolla-nics.sh"), "0755"),
        _file("/etc/kolla-node/node.env", node_env(node, volume_id)),
    ]


def node_user_data(config: KollaConfig, node: Node, public_key: str, volume_id: str | None) -> UserDataSpec:
    """User data of a node kolla-ansible deploys to (controller, compute, storage)."""
    body = {
        "ssh_authorized_keys": [public_key.strip()],
        "write_files": _node_files(node, volume_id),
    }
    return UserDataSpec(
        format="SOFTWARE_CONFIG",
        parts=(Part(cloud_config(body), "cloud-config", "kolla-node.yaml", MERGE),
               Part(part_text("node-prepare.sh"), "x-shellscript", "kolla-node-prepare.sh")),
    )


def deploy_user_data(config: KollaConfig, plan: AddressPlan, node: Node, inputs: DeployInputs,
                     volume_id: str | None = None) -> UserDataSpec:
    """User data of the node that runs kolla-ansible (the deploy node, or the all-in-one node)."""
    files = rendered_files(config, plan, inputs.addresses, inputs.external_fqdn)
    write = [
        _file("/etc/kolla/globals.yml", files["kolla/globals.yml"]),
        _file("/etc/kolla/multinode", files["kolla/multinode"]),
        _file("/etc/kolla/nodes", render.nodes_list(plan, inputs.addresses)),
        _file("/etc/kolla/deploy.env", deploy_env(config, plan, inputs.horizon_url)),
        _file("/etc/kolla/kolla-checks.yml", part_text("kolla-checks.yml")),
        _file("/usr/local/sbin/kolla-deploy", part_text("kolla-deploy.sh"), "0755"),
        _file(SIGNAL_HELPER, signals.helper_script(), "0755"),
        _file("/etc/systemd/system/kolla-deploy.service", part_text("kolla-deploy.service")),
        _file(SSH_KEY_PATH, inputs.private_key.strip() + "\n", "0600"),
    ]
    if node.role == "aio":
        write = _node_files(node, volume_id) + write
    body = {
        "ssh_authorized_keys": [inputs.public_key.strip()],
        "write_files": write,
    }
    parts = [Part(cloud_config(body), "cloud-config", "kolla-deploy.yaml", MERGE)]
    if node.role == "aio":
        parts.append(Part(part_text("node-prepare.sh"), "x-shellscript", "kolla-node-prepare.sh"))
    else:
        parts.append(Part(_deploy_node_prepare(node), "x-shellscript", "kolla-node-prepare.sh"))
    parts.append(Part(part_text("start-deploy.sh"), "x-shellscript", "start-deploy.sh"))
    return UserDataSpec(format="SOFTWARE_CONFIG", parts=tuple(parts))


def _deploy_node_prepare(node: Node) -> str:
    """The deploy node only needs its log and status directories; kolla-deploy does the rest."""
    return ("#!/bin/sh\n# Deploy node: kolla-deploy.service installs kolla-ansible and deploys.\nset -e\n"
            "mkdir -p /var/lib/kolla-deploy\necho 'waiting for kolla-deploy.service' > "
            f"{STATUS_FILE}\n")
