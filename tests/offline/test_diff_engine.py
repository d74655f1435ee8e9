"""The diff engine on small synthetic plans (tests/data/diff/base-plan.json): no renders involved."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from openstack_stacks.tools import diff as diff_cli
from openstack_stacks.tools.diffing import diff_plans, render_json, render_text
from openstack_stacks.tools.diffing.paths import covers, format_path, parse_path

BASE = json.loads((Path(__file__).parents[1] / "data" / "diff" / "base-plan.json").read_text())
INSTANCE = "openstack:compute/instance:Instance"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
VOLUME = "openstack:blockstorage/volume:Volume"


def plan() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def res(doc: dict[str, Any], name: str, token: str | None = None) -> dict[str, Any]:
    found = [r for r in doc["resources"] if r["name"] == name and (token is None or r["type"] == token)]
    assert len(found) == 1, (name, token, len(found))
    return found[0]


def changed_ops(diff) -> dict[tuple[str, str], str]:
    return {(r.type, r.name): r.op for r in diff.resources if r.op != "same"}


def test_identical_plans_have_no_changes():
    diff = diff_plans(plan(), plan())
    assert not diff.changed and not diff.errors
    assert diff.counts()["same"] == len(BASE["resources"])
    assert "0 changes" in render_text(diff)


def test_flavor_change_is_a_resize_update():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["flavorName"] = "m1.large"
    diff = diff_plans(plan(), new)
    assert changed_ops(diff) == {(INSTANCE, "app-0"): "update"}
    prop = diff.get("app-0", INSTANCE).properties[0]
    assert (prop.path, prop.old, prop.new, prop.replaces) == ("flavorName", "m1.small", "m1.large", False)
    assert "resize" in prop.note
    assert '~ flavorName: "m1.small" => "m1.large"' in render_text(diff)


def test_image_change_is_a_rebuild_update():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["imageName"] = "debian-13"
    step = diff_plans(plan(), new).get("app-0", INSTANCE)
    assert step.op == "update"
    assert "rebuild" in step.properties[0].note


def test_user_data_change_replaces_server_and_its_attachment_first():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["userData"] += "echo v2\n"
    new["userData"]["app-0"]["parts"][2]["sha256"] = hashlib.sha256(b"v2").hexdigest()
    diff = diff_plans(plan(), new)
    assert changed_ops(diff) == {(INSTANCE, "app-0"): "replace", (ATTACH, "app-0-data-attach"): "replace"}
    inst = diff.get("app-0", INSTANCE)
    assert inst.replace_paths == ["userData"]
    assert "part 3 user-script (text/x-shellscript) changed" in inst.properties[0].note
    attach = diff.get("app-0-data-attach")
    assert attach.replace_paths == ["instanceId"]
    assert attach.properties[0].unknown and attach.caused_by == ["app-0"]
    assert attach.delete_before_replace
    text = render_text(diff)
    assert "-+ openstack:compute/volumeAttach:VolumeAttach: (replace, delete before create)" in text
    assert "known after replace of 'app-0'" in text


def test_replacement_order_never_attaches_a_volume_twice():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["userData"] += "v2"
    ops = diff_plans(plan(), new).operations()
    attach_urn = res(BASE, "app-0-data-attach")["urn"]
    inst_urn = res(BASE, "app-0", INSTANCE)["urn"]
    assert ops.index(("delete", attach_urn)) < ops.index(("create", attach_urn))
    assert ops[-1] == ("delete", inst_urn)  # create-before-delete: the old server goes last
    attached = 1
    for op, urn in ops:
        if urn == attach_urn:
            attached += 1 if op == "create" else -1
        assert attached <= 1


def test_without_delete_before_replace_the_simulation_sees_a_double_attach():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["userData"] += "v2"
    res(new, "app-0-data-attach")["options"]["deleteBeforeReplace"] = False
    ops = diff_plans(plan(), new).operations()
    attach_urn = res(BASE, "app-0-data-attach")["urn"]
    assert ops.index(("create", attach_urn)) < ops.index(("delete", attach_urn))


def test_ignore_changes_user_data_keeps_server_and_says_why():
    new = plan()
    inst = res(new, "app-0", INSTANCE)
    inst["inputs"]["userData"] += "v2"
    inst["options"]["ignoreChanges"] = ["userData"]
    new["userData"]["app-0"]["parts"][0]["sha256"] = "0" * 64
    diff = diff_plans(plan(), new)
    assert not diff.changed
    prop = diff.get("app-0", INSTANCE).properties[0]
    assert prop.ignored and "ignored (user_data_update_policy: IGNORE)" in prop.note
    assert "part 1 cloud-config (text/cloud-config) changed" in prop.note
    assert "IGNORE" in render_text(diff)


@pytest.mark.parametrize("ignore", [[], ["blockDevices[0].volumeSize"], ["blockDevices[*].volumeSize"],
                                    ["blockDevices"]])
def test_nested_replace_marks_and_ignore_paths(ignore):
    new = plan()
    inst = res(new, "app-0", INSTANCE)
    inst["inputs"]["blockDevices"][0]["volumeSize"] = 40
    inst["options"]["ignoreChanges"] = ignore
    step = diff_plans(plan(), new).get("app-0", INSTANCE)
    assert step.properties[0].path == "blockDevices[0].volumeSize"
    assert step.op == ("replace" if not ignore else "same")


def test_array_items_take_the_list_mark():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["networks"].append({"port": "another-port"})
    res(new, "app-0-port0")["inputs"]["securityGroupIds"].append("another-group")
    diff = diff_plans(plan(), new)
    assert diff.get("app-0", INSTANCE).op == "replace"  # networks is ForceNew (pitfalls 6)
    assert diff.get("app-0-port0").op == "update"
    assert diff.get("app-0-port0").properties[0].path == "securityGroupIds[1]"


def test_replace_on_changes_option_forces_replacement():
    new = plan()
    inst = res(new, "app-0", INSTANCE)
    inst["inputs"]["metadata"]["role"] = "db"
    assert diff_plans(plan(), new).get("app-0", INSTANCE).op == "update"
    inst["options"]["replaceOnChanges"] = ["metadata.role"]
    assert diff_plans(plan(), new).get("app-0", INSTANCE).op == "replace"


def test_secret_inputs_compare_by_digest_and_never_print():
    new = plan()
    digest = "sha256:" + hashlib.sha256(b'"hunter3"').hexdigest()
    res(new, "app-0", INSTANCE)["inputs"]["adminPass"] = {"secret": digest}
    diff = diff_plans(plan(), new)
    step = diff.get("app-0", INSTANCE)
    assert step.op == "update" and step.changed_paths == ["adminPass"]
    text = render_text(diff)
    assert "adminPass: [secret] => [secret]" in text
    assert digest not in text and "hunter" not in text


def test_alias_rename_is_the_same_resource_children_follow():
    new = plan()
    old_server = res(new, "app-0", "openstack-stacks:index:Server")
    rename = {"app-0": "web-0", "app-0-port0": "web-0-port0", "app-0-data-attach": "web-0-data-attach"}
    old_urns = {}
    for r in new["resources"]:
        if r is old_server or (r["name"] in rename and r["parent"] == old_server["urn"]):
            old_urns[r["urn"]] = r["urn"].replace(f"::{r['name']}", f"::{rename[r['name']]}")
    server_urn = old_server["urn"]
    fresh_ids = {}
    for r in new["resources"]:
        if r["urn"] in old_urns:
            r["urn"], r["name"] = old_urns[r["urn"]], rename[r["name"]]
            if r["id"]:  # offline IDs derive from the name: a renamed resource renders a new ID
                fresh_ids[r["id"]] = r["id"] = hashlib.sha256(r["name"].encode()).hexdigest()[:36]
        if r.get("parent") == server_urn:
            r["parent"] = old_urns[server_urn]
    for r in new["resources"]:
        r["inputs"] = json.loads(json.dumps(r["inputs"]), object_hook=lambda d: {
            k: fresh_ids.get(v, v) if isinstance(v, str) else v for k, v in d.items()})
    # Only the component declares the alias, in the SDK's full-chain spelling; children inherit it.
    old_server["options"]["aliases"] = [
        "urn:pulumi:dev::openstack-stacks::pulumi:pulumi:Stack$openstack-stacks:index:Stack"
        "$openstack-stacks:index:Server::app-0"]
    diff = diff_plans(plan(), new)
    assert not diff.by_op("create") and not diff.by_op("delete")
    assert diff.get("web-0", "openstack-stacks:index:Server").old_name == "app-0"
    assert diff.get("web-0-data-attach").op == "same"  # IDs of continuing resources are the old IDs
    assert diff.get("web-0-port0").old_name == "app-0-port0"


def test_deleting_a_protected_volume_is_refused_with_a_way_out():
    new = plan()
    new["resources"] = [r for r in new["resources"] if r["name"] != "app-0-data"
                        and r["name"] != "app-0-data-attach"]
    diff = diff_plans(plan(), new)
    assert diff.get("app-0-data", VOLUME).op == "delete"
    assert len(diff.errors) == 1
    assert "'app-0-data' is protected and would be deleted" in diff.errors[0]
    assert "protect: false" in diff.errors[0] and "deletion_policy: Retain" in diff.errors[0]


def test_retained_volume_delete_is_stated_and_unprotected_delete_allowed():
    old = plan()
    res(old, "app-0-data", VOLUME)["options"].update(protect=False, retainOnDelete=True)
    new = copy.deepcopy(old)
    new["resources"] = [r for r in new["resources"] if not r["name"].startswith("app-0-data")]
    diff = diff_plans(old, new)
    assert not diff.errors
    step = diff.get("app-0-data", VOLUME)
    assert step.op == "delete" and step.retain_on_delete
    assert "(delete, retained in the cloud) app-0-data" in render_text(diff)


def test_replacing_a_protected_volume_needs_protect_false_in_the_same_change():
    new = plan()
    res(new, "app-0-data", VOLUME)["inputs"]["availabilityZone"] = "az2"
    diff = diff_plans(plan(), new)
    assert diff.get("app-0-data", VOLUME).op == "replace"
    assert len(diff.errors) == 1 and "would be replaced (because of availabilityZone)" in diff.errors[0]
    res(new, "app-0-data", VOLUME)["options"]["protect"] = False
    diff = diff_plans(plan(), new)
    assert not diff.errors and diff.get("app-0-data-attach").op == "replace"


def test_option_changes_are_noted_without_counting_as_changes():
    new = plan()
    res(new, "app-0-data", VOLUME)["options"]["protect"] = False
    res(new, "app-0", INSTANCE)["options"]["ignoreChanges"] = ["userData"]
    diff = diff_plans(plan(), new)
    assert not diff.changed
    assert diff.get("app-0-data", VOLUME).notes == ["option protect: True => False"]
    assert diff.get("app-0", INSTANCE).notes == ["option ignoreChanges: [] => ['userData']"]


def test_volume_size_grows_in_place():
    new = plan()
    res(new, "app-0-data", VOLUME)["inputs"]["size"] = 20
    step = diff_plans(plan(), new).get("app-0-data", VOLUME)
    assert step.op == "update" and "extend" in step.properties[0].note


def test_security_group_rule_change_replaces_only_the_rule():
    new = plan()
    res(new, "web-ingress-ipv4-tcp-80-0.0.0.0_0")["inputs"]["remoteIpPrefix"] = "10.0.0.0/8"
    assert changed_ops(diff_plans(plan(), new)) == {
        ("openstack:networking/secGroupRule:SecGroupRule", "web-ingress-ipv4-tcp-80-0.0.0.0_0"): "replace"}


def test_new_component_and_children_are_created_components_follow():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["flavorName"] = "m1.large"
    diff = diff_plans(plan(), new)
    assert diff.get("app-0", "openstack-stacks:index:Server").op == "same"
    old = plan()
    old["resources"] = [r for r in old["resources"] if r["type"] != "openstack-stacks:index:SecurityGroup"
                        and not r["type"].startswith("openstack:networking/secGroup")]
    diff = diff_plans(old, plan())
    assert diff.get("web", "openstack-stacks:index:SecurityGroup").op == "create"
    # The port now refers to a group that does not exist yet in OLD: its ID is known after create.
    port = diff.get("app-0-port0")
    assert port.op == "update" and port.caused_by == ["web"]


def test_changed_outputs_are_listed():
    new = plan()
    new["outputs"]["app_ip"] = "10.0.0.11"
    new["outputs"]["extra"] = [1]
    diff = diff_plans(plan(), new)
    assert diff.outputs == {"app_ip": {"old": "10.0.0.10", "new": "10.0.0.11"}, "extra": {"old": None, "new": [1]}}
    assert '~ app_ip: "10.0.0.10" => "10.0.0.11"' in render_text(diff)
    assert not diff.changed  # outputs alone change no resource


def test_json_output_is_the_same_data():
    new = plan()
    res(new, "app-0", INSTANCE)["inputs"]["flavorName"] = "m1.large"
    diff = diff_plans(plan(), new)
    data = json.loads(render_json(diff))
    assert data["summary"]["update"] == 1 and data["changed"] is True
    step = next(r for r in data["resources"] if r["op"] == "update")
    assert step["name"] == "app-0" and step["properties"][0]["path"] == "flavorName"


def test_cli_exit_codes(tmp_path, capsys):
    same = tmp_path / "same.json"
    same.write_text(json.dumps(plan()))
    changed = plan()
    res(changed, "app-0", INSTANCE)["inputs"]["flavorName"] = "m1.large"
    (tmp_path / "changed.json").write_text(json.dumps(changed))
    refused = plan()
    res(refused, "app-0-data", VOLUME)["inputs"]["availabilityZone"] = "az2"
    (tmp_path / "refused.json").write_text(json.dumps(refused))
    assert diff_cli.main([str(same), str(same)]) == 0
    assert diff_cli.main([str(same), str(tmp_path / "changed.json")]) == 3
    assert diff_cli.main([str(same), str(tmp_path / "changed.json"), "--json"]) == 3
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["summary"]["update"] == 1
    assert diff_cli.main([str(same), str(tmp_path / "refused.json")]) == 1
    assert "is protected and would be replaced" in capsys.readouterr().err
    (tmp_path / "broken.json").write_text("{not json")
    assert diff_cli.main([str(same), str(tmp_path / "broken.json")]) == 1
    assert diff_cli.main([str(same), str(tmp_path / "missing.json")]) == 1


@pytest.mark.parametrize("text,steps", [
    ("userData", ("userData",)),
    ("blockDevices[0].uuid", ("blockDevices", 0, "uuid")),
    ('metadata["a.b"]', ("metadata", "a.b")),
    ("networks[*].port", ("networks", "*", "port")),
])
def test_property_paths_round_trip(text, steps):
    assert parse_path(text) == steps
    assert format_path(steps) == text


def test_path_cover_rules():
    assert covers(("userData",), ("userData",))
    assert covers(("blockDevices",), ("blockDevices", 0, "uuid"))
    assert covers(("blockDevices", "*", "uuid"), ("blockDevices", 3, "uuid"))
    assert not covers(("blockDevices", 1), ("blockDevices", 0, "uuid"))
    assert not covers(("metadata", "a"), ("metadata",))
    with pytest.raises(ValueError):
        parse_path("a..b[")


def test_dispatch_through_the_components_cli(tmp_path, capsys):
    from openstack_stacks.tools import cli
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "plan.json").write_text(json.dumps(plan()))
    changed = plan()
    res(changed, "app-0", INSTANCE)["inputs"]["imageName"] = "debian-13"
    (tmp_path / "new.json").write_text(json.dumps(changed))
    assert cli.main(["diff", str(tmp_path / "old"), str(tmp_path / "new.json")]) == 3  # a plan directory works
    assert "rebuild" in capsys.readouterr().out
    assert cli.main(["diff", str(tmp_path / "old"), str(tmp_path / "old")]) == 0
