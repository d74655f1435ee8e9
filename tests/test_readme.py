"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

from openstack_stacks.tools.offline import run_program

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_python_api_example_builds_the_stack_it_describes() -> None:
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    plan = run_program(lambda: exec(code, {}), source="README.md")
    custom = {r["name"]: r for r in plan.resources if r["custom"]}
    assert custom["web-0"]["type"] == "openstack:compute/instance:Instance"
    port = custom["web-0-port0"]["inputs"]
    assert port["securityGroupIds"] == [custom["web"]["id"]]
    assert custom["app-app-v4"]["inputs"]["cidr"] == "10.10.0.0/24"
    assert "web-0-port0-fip-assoc" in custom and "app-app-v4-rif" in custom
    assert "cfn-userdata" in [p["filename"] for p in plan.user_data["web-0"].parts]


def test_stack_file_fields_in_the_reference_exist() -> None:
    from openstack_stacks.stackfile.fields import SECTIONS

    reference = README.split("## Stack file reference", 1)[1].split("```", 2)[1]
    for section, table in SECTIONS.items():
        assert f"\n{section}:" in reference, section
        for field in table:
            assert re.search(rf"\b{field}\b", reference), (section, field)


def _block_after(marker: str) -> list[str]:
    """The lines of the fenced block that starts with `marker` (its first line)."""
    start = README.index("```\n" + marker) + 4
    return README[start:README.index("```", start)].rstrip("\n").splitlines()


def _run_cli(argv: list[str], capsys) -> list[str]:
    from openstack_stacks.tools.cli import main

    main(argv)
    return capsys.readouterr().out.rstrip("\n").splitlines()


def test_render_sample_output_is_what_render_prints(tmp_path, capsys, monkeypatch) -> None:
    sample = _block_after("$ python -m components render stacks/web.yaml --out out/")
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    printed = _run_cli(["render", "stacks/web.yaml", "--out", f"{tmp_path}/out/"], capsys)
    assert sample[1:] == [line.replace(f"{tmp_path}/", "") for line in printed]


def test_diff_sample_lines_and_counts_are_what_diff_prints(capsys, monkeypatch) -> None:
    command = README.split("## Offline diff and adopting a Heat stack", 1)[1].split("```sh\n", 1)[1].split("\n")[0]
    argv = command.split()[3:]  # after `python -m components`
    sample = _block_after("        ~  openstack:compute/instance:Instance")
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    printed = _run_cli(argv, capsys)
    position = 0
    for line in sample:  # every sample line, in order; `...` stands for lines left out
        if line.strip() == "...":
            continue
        position = printed.index(line, position) + 1
    summary = sample[sample.index("Resources:"):]
    assert summary == printed[printed.index("Resources:"):]


def _bench_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_render", ROOT / "bench" / "bench_render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_figures_are_the_recorded_ones() -> None:
    """The README quotes bench/results.json (written by `python bench/bench_render.py --record`)."""
    import json

    results = json.loads((ROOT / "bench" / "results.json").read_text())
    assert _bench_module().readme_figures(results) in README
    assert {r["servers"] for r in results["ratios"]} >= {10, 100, 1000, 3000}


def test_goal_verdicts_follow_the_figures() -> None:
    """The README's "Goals:" line says met or missed from the recorded figures, never by hand."""
    import copy
    import json

    bench = _bench_module()
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    verdicts = {goal.split(" ")[0]: ok for goal, ok, _ in bench.goal_verdicts(results)}
    assert verdicts["plan-to-plan"] == (results["diff"]["plan_to_plan_s"] < 0.5)
    slow = copy.deepcopy(results)
    slow["diff"].update(plan_to_plan_s=1.25, stack_to_stack_ratio=1.56)
    slow["ratios"][-1]["cpu_ratio"] = 1.19
    line = bench.readme_figures(slow)
    assert "plan-to-plan diff under 0.5 s: missed (1.25 s)" in line
    assert "stack-to-stack diff at most 1.5x one render: missed (1.56x)" in line
    assert "render CPU at most 1.0x the floor at 1000 servers and more: missed" in line


def test_recorded_critical_paths_are_the_current_graphs() -> None:
    """Critical paths are deterministic (typical latencies on the rendered graph): recomputed, they match."""
    import json

    from openstack_stacks.tools.graph import critical_path_numbers

    recorded = json.loads((ROOT / "bench" / "results.json").read_text())["critical_paths"]
    now = critical_path_numbers([r["stack"] for r in recorded])
    assert [(r["stack"], r["built_s"], r["minimal_s"]) for r in recorded] == \
        [(s, round(b), round(m)) for s, b, m, _ in now]
