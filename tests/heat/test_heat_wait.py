"""Heat/CFN wait conditions render as BootWait resources on the servers that signal their handles; their
data is an Output of the wait, so a server built from it (or depending on the wait) waits for the boot."""

from __future__ import annotations

from pathlib import Path

import yaml

from openstack_stacks.tools.offline import render
from userdata import signals

HT = Path(__file__).parents[1] / "corpus" / "heat-templates"
BOOT_WAIT = "pulumi-python:dynamic/openstack-stacks:BootWait"
INSTANCE = "openstack:compute/instance:Instance"


def _by_name(plan):
    return {r["name"]: r for r in plan.resources}


def test_native_waitcondition_waits_for_five_signals_from_its_server():
    plan = render(HT / "hot/native_waitcondition.yaml", {"key_name": "ops", "image": "cirros", "flavor": "m1"})
    by_name = _by_name(plan)
    wait, instance = by_name["wait_condition"], by_name["instance1"]
    assert wait["type"] == BOOT_WAIT and wait["custom"]
    assert wait["inputs"]["count"] == 5 and wait["inputs"]["timeout"] == 300
    assert wait["inputs"]["serverIds"] == [instance["id"]] and wait["inputs"]["handle"] == "wait_handle"
    assert instance["urn"] in wait["options"]["dependsOn"]
    assert "__provider" not in wait["inputs"]
    script = plan.user_data["instance1"].mime.decode()
    command = signals.shell_command("wait_handle")
    assert f"{command} --data-binary '{{\"status\": \"SUCCESS\", \"id\": \"5\"}}'" in script
    assert "/usr/local/bin/curl" not in script  # curl_cli needs nothing installed
    assert plan.outputs["wc_data"] == "{}"  # offline: no boot, no signals
    assert not any("no-op" in note for note in plan.notes)


def test_openshift_node_waits_for_the_broker_wait_condition_data():
    plan = render(HT / "openshift-origin/F19/hot-template/openshift/openshift.yaml",
                  {"public_net_id": "public", "public_ssh_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB ops"})
    by_name = _by_name(plan)
    broker_wait, node = by_name["broker_wait_condition"], by_name["node_instance"]
    assert broker_wait["type"] == BOOT_WAIT
    assert broker_wait["inputs"]["serverIds"] == [by_name["broker_instance"]["id"]]
    assert broker_wait["inputs"]["timeout"] == 1800
    assert broker_wait["urn"] in node["options"]["dependsOn"]  # its user data is built from the wait's Data
    assert by_name["node_wait_condition"]["inputs"]["serverIds"] == [node["id"]]
    script = plan.user_data["broker_instance"].mime.decode()  # RAW: the shim goes in after the #! line
    assert script.startswith("#!/bin/bash -x\n# openstack-stacks signal boothook")
    assert script.index("/usr/local/bin/curl") < script.index(signals.signal_url("broker_wait_handle"))


def test_cfn_rails_wait_condition_signalled_by_cfn_signal():
    plan = render(HT / "cfn/F17/Rails_Single_Instance.template",
                  {"KeyName": "ops", "DBUsername": "rails", "DBPassword": "Secr3tPw", "DBRootPassword": "R00tPass"})
    waits = plan.by_type(BOOT_WAIT)
    assert len(waits) == 1
    assert "Secr3tPw" not in plan.to_json()  # secret parameters go to the wait only as secrets (masking)
    assert "secrets" in waits[0]["secretInputs"]


def test_depends_on_a_wait_condition_waits_for_it(tmp_path: Path):
    template = {
        "heat_template_version": "2016-10-14",
        "resources": {
            "handle": {"type": "OS::Heat::WaitConditionHandle"},
            "first": {"type": "OS::Nova::Server", "properties": {
                "image": "debian-12", "flavor": "m1.small", "user_data_format": "RAW",
                "user_data": {"str_replace": {"template": "#!/bin/sh\nwc_notify --data-binary '{\"data\": \"up\"}'\n",
                                              "params": {"wc_notify": {"get_attr": ["handle", "curl_cli"]}}}}}},
            "wait": {"type": "OS::Heat::WaitCondition",
                     "properties": {"handle": {"get_resource": "handle"}, "timeout": 600}},
            "second": {"type": "OS::Nova::Server", "depends_on": "wait",
                       "properties": {"image": "debian-12", "flavor": "m1.small"}},
        },
        "outputs": {"data": {"value": {"get_attr": ["wait", "data"]}}},
    }
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(template))
    plan = render(path, {})
    by_name = _by_name(plan)
    assert by_name["wait"]["urn"] in by_name["second"]["options"]["dependsOn"]
    assert by_name["first"]["urn"] in by_name["wait"]["options"]["dependsOn"]
    assert by_name["wait"]["inputs"]["count"] == 1


def test_wait_condition_nobody_signals_is_a_note(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump({"heat_template_version": "2016-10-14", "resources": {
        "handle": {"type": "OS::Heat::WaitConditionHandle"},
        "wait": {"type": "OS::Heat::WaitCondition", "properties": {"handle": {"get_resource": "handle"},
                                                                   "timeout": 60}}}}))
    plan = render(path, {})
    assert not plan.by_type(BOOT_WAIT)
    assert any("no server of this template signals handle 'handle'" in n for n in plan.notes)


def test_wordpress_webserver_waits_for_the_database_deployment():
    plan = render(HT / "hot/software-config/example-templates/wordpress/WordPress_software-config_2-instances.yaml",
                  {"key_name": "ops", "image": "fedora", "flavor": "m1.small"})
    by_name = {r["name"]: r for r in plan.resources if r["custom"]}
    db_wait, web_wait = by_name["db_deployment"], by_name["wordpress_deployment"]
    assert db_wait["type"] == web_wait["type"] == BOOT_WAIT
    assert db_wait["inputs"]["serverIds"] == [by_name["dbserver_instance"]["id"]]
    assert web_wait["inputs"]["serverIds"] == [by_name["webserver_instance"]["id"]]
    # wordpress_deployment depends_on db_deployment: its server boots after the database is deployed
    assert db_wait["urn"] in by_name["webserver_instance"]["options"]["dependsOn"]
