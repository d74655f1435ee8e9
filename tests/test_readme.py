"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

from openstack_stacks.tools.offline import run_program

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


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
