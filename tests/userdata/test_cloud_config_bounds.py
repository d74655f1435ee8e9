"""A cloud-config part is refused, not expanded, when its aliases would blow up (cloud-init would too)."""

from __future__ import annotations

import time

from userdata.cloud_config import MAX_DEPTH, cloud_config_problem


def _laughs() -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "#cloud-config\nx_laughs:\n" + "\n".join("  " + line for line in lines) + "\nbootcmd: *l8\n"


def test_alias_bomb_is_refused_fast() -> None:
    start = time.process_time()
    problem = cloud_config_problem(_laughs())
    assert problem and "expands to more than" in problem
    assert time.process_time() - start < 2


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 1
    text = "#cloud-config\nbootcmd: " + "[" * depth + "]" * depth
    assert f"nested deeper than {MAX_DEPTH}" in cloud_config_problem(text)


def test_shared_aliases_within_bounds_are_fine() -> None:
    assert cloud_config_problem("#cloud-config\nx: &c [echo, hi]\nbootcmd: [*c, *c]\n") is None
