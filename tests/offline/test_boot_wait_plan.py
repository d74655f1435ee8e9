"""Boot waits in the offline wing: plan.json shows them readably (type, inputs without the pickled provider,
dependencies), the schema check knows their inputs and what replaces them, diff shows what waits for what."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from components import boot_wait
from openstack_stacks.tools import diff
from openstack_stacks.tools.offline import render
from openstack_stacks.tools.schema import check_inputs, replaces_on_change

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "tests/corpus/heat-templates/hot/native_waitcondition.yaml"
PARAMS = {"key_name": "ops", "image": "cirros", "flavor": "m1"}


def test_plan_json_shows_the_wait_without_the_pickle(tmp_path: Path) -> None:
    render(TEMPLATE, PARAMS).write(tmp_path)
    text = (tmp_path / "plan.json").read_text()
    assert "__provider" not in text
    plan = json.loads(text)
    (wait,) = [r for r in plan["resources"] if r["type"] == boot_wait.TYPE]
    assert wait["custom"] is True
    assert set(wait["inputs"]) == {"serverIds", "handle", "count", "timeout", "description"}
    assert len(json.dumps(wait["inputs"])) < 400  # readable: no serialized provider blob
    instance = next(r for r in plan["resources"] if r["type"] == "openstack:compute/instance:Instance")
    assert wait["options"]["dependsOn"][0] == instance["urn"]


def test_schema_check_accepts_the_wait_and_names_bad_inputs() -> None:
    good = {"serverIds": ["x"], "handle": "h", "count": 1, "timeout": 60}
    assert check_inputs(boot_wait.TYPE, good) == []
    assert check_inputs(boot_wait.TYPE, {**good, "countt": 1}) == ["unknown input 'countt'"]
    assert check_inputs(boot_wait.TYPE, {"serverIds": ["x"]}) == ["missing required input 'handle'"]
    assert check_inputs("pulumi-python:dynamic:Resource", good) == [
        "unknown resource type pulumi-python:dynamic:Resource"]
    assert replaces_on_change(boot_wait.TYPE, ["count"]) and not replaces_on_change(boot_wait.TYPE, ["timeout"])


def test_diff_shows_a_longer_timeout_in_place_and_a_new_count_as_a_new_wait(tmp_path: Path, capsys) -> None:
    text = TEMPLATE.read_text()
    old, longer, more = tmp_path / "old.yaml", tmp_path / "longer.yaml", tmp_path / "more.yaml"
    old.write_text(text)
    longer.write_text(text.replace("default: 300", "default: 900"))
    more.write_text(text.replace("count: 5", "count: 6"))
    args = [f"-p{k}={v}" for k, v in PARAMS.items()]
    assert diff.main([str(old), str(longer), *args]) == 3
    out = capsys.readouterr().out
    assert "(update) wait_condition" in out and "timeout: 300.0 => 900.0" in out
    assert diff.main([str(old), str(more), *args]) == 3
    out = capsys.readouterr().out
    assert "(replace) wait_condition" in out and "count: 5.0 => 6.0   # forces replacement" in out


def test_boot_wait_does_not_load_openstacksdk_until_create() -> None:
    code = ("import sys, components; import components.boot_wait; "
            "print(sorted(m for m in ('openstack', 'keystoneauth1', 'openstack_stacks') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
