"""Render notes about updates say what Pulumi will do, and agree with `diff` of a changed template."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from openstack_stacks.tools.diff import diff_files
from openstack_stacks.tools.offline import render

INSTANCE = "openstack:compute/instance:Instance"

SERVER = """\
heat_template_version: 2018-08-31
parameters:
  image: {type: string, default: debian-12}
resources:
  web:
    type: OS::Nova::Server
    properties:
      image: {get_param: image}
      flavor: m1.small
      networks: [{network: private}]
      POLICY
"""


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def image_change(path: Path):
    """The diff of `path` when the image parameter changes, and the new render's notes."""
    diff = diff_files(path, path, old_parameters={"image": "debian-12"}, new_parameters={"image": "debian-13"})
    return diff, render(path, {"image": "debian-13"}).notes


@pytest.mark.parametrize("policy", ["", "image_update_policy: REBUILD"])
def test_image_change_rebuilds_in_place_and_no_note_claims_otherwise(tmp_path, policy):
    diff, notes = image_change(write(tmp_path, SERVER.replace("POLICY", policy)))
    step = diff.get("web", INSTANCE)
    assert step.op == "update"
    (prop,) = [p for p in step.properties if p.path == "imageName"]
    assert not prop.replaces and prop.note.startswith("rebuild")
    assert not any("image" in n and "replace" in n for n in notes), notes


def test_rebuild_preserve_ephemeral_is_said_to_wipe_the_ephemeral_disk(tmp_path):
    diff, notes = image_change(write(tmp_path, SERVER.replace("POLICY", "image_update_policy: "
                                                                          "REBUILD_PRESERVE_EPHEMERAL")))
    assert diff.get("web", INSTANCE).op == "update"
    (note,) = [n for n in notes if "image_update_policy" in n]
    assert "cannot honour" in note and "rebuilds the server in place" in note and "ephemeral disk is wiped" in note


def test_unknown_update_policy_is_refused(tmp_path):
    from components.errors import StackError

    with pytest.raises(StackError, match="image_update_policy must be one of REBUILD, REPLACE"):
        render(write(tmp_path, SERVER.replace("POLICY", "image_update_policy: SOMETIMES")))


GROUP = """\
heat_template_version: 2018-08-31
parameters:
  image: {type: string, default: debian-12}
resources:
  web:
    type: OS::Heat::ResourceGroup
    update_policy:
      rolling_update: {max_batch_size: 1, min_in_service: 2, pause_time: 30}
    properties:
      count: 3
      resource_def:
        type: OS::Nova::Server
        properties: {image: {get_param: image}, flavor: m1.small, networks: [{network: private}]}
"""

ASG = """\
heat_template_version: 2018-08-31
parameters:
  image: {type: string, default: debian-12}
resources:
  web:
    type: OS::Heat::AutoScalingGroup
    properties:
      min_size: 3
      max_size: 5
      rolling_updates: {max_batch_size: 1, min_in_service: 2, pause_time: 30}
      resource:
        type: OS::Nova::Server
        properties: {image: {get_param: image}, flavor: m1.small, networks: [{network: private}]}
"""


@pytest.mark.parametrize("template,policy", [(GROUP, "update_policy rolling_update"),
                                             (ASG, "the property rolling_updates")], ids=["group", "asg"])
def test_group_rolling_update_is_said_plainly_not_honoured_and_the_diff_shows_no_order(tmp_path, template, policy):
    path = write(tmp_path, template)
    diff, notes = image_change(path)
    (note,) = [n for n in notes if "rolling" in n]
    assert f"Pulumi cannot honour {policy} (max_batch_size 1, min_in_service 2, pause_time 30)" in note
    assert "at the same time" in note and "no batches" in note
    members = [f"web-{i}" for i in range(3)]
    assert [diff.get(m, INSTANCE).op for m in members] == ["update"] * 3  # all three rebuilt in one `up`
    plan = render(path, {"image": "debian-13"})
    urns = {plan.get(m, INSTANCE)["urn"] for m in members}
    for member in members:  # nothing orders one member after another
        assert not urns & set(plan.get(member, INSTANCE)["options"]["dependsOn"])
    assert not any("one by one" in n for n in notes)


@pytest.mark.parametrize("policy,path,change", [
    ("image_update_policy: REPLACE", "imageName", {"image": "debian-13"}),
    ("flavor_update_policy: REPLACE", "flavorName", None),
])
def test_replace_policies_replace_and_the_note_says_so(tmp_path, policy, path, change):
    text = SERVER.replace("POLICY", policy)
    old = write(tmp_path, text, "old.yaml")
    new = write(tmp_path, text.replace("flavor: m1.small", "flavor: m1.large") if change is None else text, "new.yaml")
    diff = diff_files(old, new, old_parameters={"image": "debian-12"}, new_parameters=change or {})
    step = diff.get("web", INSTANCE)
    assert step.op == "replace"
    (prop,) = [p for p in step.properties if p.path == path]
    assert prop.replaces and not (prop.note or "").startswith(("rebuild", "resize"))
    (note,) = [n for n in render(new, change or {}).notes if policy.split(":")[0] in n]
    assert "replaces the server" in note and "as in Heat" in note
