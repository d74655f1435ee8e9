"""Heat's own unit-test cases (tests/heat/cases), one pytest item each, per area; and the pass rate."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.heat.cases import cfn_functions, hot_functions, parameters, template_structure
from tests.heat.cases.runner import run

AREAS = {"hot_functions": hot_functions.CASES, "cfn_functions": cfn_functions.CASES,
         "parameters": parameters.CASES, "template_structure": template_structure.CASES}
ALL = [(area, case) for area, cases in AREAS.items() for case in cases]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def _params():
    for area, case in ALL:
        marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
        yield pytest.param(case, id=f"{area}:{case.version if hasattr(case, 'version') else ''}:{case.id}",
                           marks=marks)


@pytest.mark.parametrize("case", _params())
def test_heat_case(case):
    passed, detail = run(case)
    assert passed, detail


def test_case_ids_are_unique():
    ids = [(area, getattr(c, "version", ""), c.id) for area, c in ALL]
    assert len(ids) == len(set(ids))


def test_pass_rate_is_at_least_97_percent_and_documented():
    total = len(ALL)
    passing = sum(run(c)[0] for _, c in ALL)
    xfail = sum(1 for _, c in ALL if c.xfail)
    assert passing + xfail == total  # every case either passes or is listed with its reason
    assert passing / total >= 0.97, f"{passing}/{total}"
    text = DOCS.read_text()
    m = re.search(r"(\d+) cases ported from Heat's unit tests: (\d+) pass, (\d+) differ", text)
    assert m, "docs/templates.md states the figures"
    assert tuple(map(int, m.groups())) == (total, passing, xfail)
