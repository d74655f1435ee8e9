"""Stack-to-stack diff: OLD renders in a forked process beside NEW; same result, same one-line errors."""

from __future__ import annotations

import pytest

from components.errors import StackError
from openstack_stacks.tools import diff as diff_cli
from openstack_stacks.tools.diffing import diff_plans
from openstack_stacks.tools.offline import render


def test_parallel_renders_give_the_sequential_diff() -> None:
    both = diff_cli.diff_files("stacks/web.yaml", "stacks/web.yaml", new_parameters={"web_count": "3"})
    old, new = render("stacks/web.yaml").to_dict(), render("stacks/web.yaml", {"web_count": "3"}).to_dict()
    sequential = diff_plans(old, new)
    assert both.to_dict() == sequential.to_dict()
    assert both.by_op("create") and not both.by_op("delete")


def test_bad_input_on_the_old_side_is_one_stack_error(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("servers:\n  vm: {image: x}\n")
    with pytest.raises(StackError) as info:
        diff_cli.diff_files(bad, "stacks/web.yaml")
    assert str(bad) in str(info.value)
