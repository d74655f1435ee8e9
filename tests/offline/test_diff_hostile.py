"""diff refuses what the cloud cannot do (shrinking a volume) and malformed plan.json files, on one line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from openstack_stacks.tools.cli import main
from openstack_stacks.tools.diffing import diff_plans

BASE = json.loads((Path(__file__).parents[1] / "data" / "diff" / "base-plan.json").read_text())
VOLUME = "openstack:blockstorage/volume:Volume"


def _volume(doc: dict) -> dict:
    return next(r for r in doc["resources"] if r["type"] == VOLUME and r["name"] == "app-0-data")


def _sized(size: int, protect: bool = True) -> dict:
    doc = copy.deepcopy(BASE)
    _volume(doc)["inputs"]["size"] = size
    _volume(doc)["options"]["protect"] = protect
    return doc


def test_protected_volume_shrink_is_refused() -> None:
    diff = diff_plans(_sized(50), _sized(20))
    assert any("would shrink from 50 to 20 GB (protected)" in e and "cannot shrink" in e for e in diff.errors)
    step = diff.get("app-0-data", VOLUME)
    assert "extend" not in (step.properties[0].note or "")


def test_unprotected_volume_shrink_in_place_is_refused_too() -> None:
    diff = diff_plans(_sized(50, protect=False), _sized(20, protect=False))
    assert any("would shrink from 50 to 20 GB:" in e for e in diff.errors)


def test_volume_growth_is_still_an_extend() -> None:
    diff = diff_plans(_sized(20), _sized(50))
    assert not diff.errors and "extend" in diff.get("app-0-data", VOLUME).properties[0].note


def _cli(tmp_path: Path, argv: list[str], capsys) -> tuple[int, str]:
    rc = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return rc, captured.err


@pytest.mark.parametrize("doc, needle", [
    ({"project": "p", "resources": [1]}, "each resource must be a mapping"),
    ({"project": "p", "resources": [{"name": "x", "type": "t"}]}, "needs a string 'urn'"),
    ({"project": "p", "resources": [], "outputs": []}, "'outputs' must be a mapping"),
    ({"project": "p", "resources": {}}, "'resources' must be a list"),
    ({"project": "p", "resources": [{"urn": "u", "name": "x", "type": "t", "options": {"dependsOn": 1}}]},
     "options.dependsOn"),
])
def test_malformed_plan_is_one_error_line(tmp_path, capsys, doc, needle) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text(json.dumps(doc))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(BASE))
    rc, err = _cli(tmp_path, ["diff", str(good), str(bad)], capsys)
    assert rc == 1 and needle in err and str(bad) in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")


STACK = "servers:\n  vm: {image: i, flavor: f, ports: [{existing_network: public}]}\n"


def test_render_out_naming_a_file(tmp_path, capsys) -> None:
    stack = tmp_path / "s.yaml"
    stack.write_text(STACK)
    existing = tmp_path / "taken"
    existing.write_text("x")
    rc, err = _cli(tmp_path, ["render", str(stack), "--out", str(existing)], capsys)
    assert rc == 1 and "field '--out'" in err and str(existing) in err and len(err.strip().splitlines()) == 1


def test_render_out_unwritable(tmp_path, capsys) -> None:
    stack = tmp_path / "s.yaml"
    stack.write_text(STACK)
    rc, err = _cli(tmp_path, ["render", str(stack), "--out", "/proc/nope/out"], capsys)
    assert rc == 1 and "cannot write the render" in err and len(err.strip().splitlines()) == 1


def test_cli_diff_of_two_stack_files_refuses_a_shrink(tmp_path, capsys) -> None:
    text = "volumes:\n  data: {{size: {size}}}\n"
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(text.format(size=50))
    new.write_text(text.format(size=20))
    rc = main(["diff", str(old), str(new)])
    err = capsys.readouterr().err
    assert rc == 1 and "would shrink from 50 to 20 GB (protected)" in err
