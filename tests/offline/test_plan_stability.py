"""plan.json is byte-stable: the same render, repeated in one process, gives the same bytes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from openstack_stacks.tools.offline import render

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "heat"))
from test_corpus import HT, KOLLA, KOLLA_PARAMS, NEW_NET  # noqa: E402

CASES = [
    (KOLLA / "dev/heat/kollacluster.yaml", KOLLA_PARAMS),
    (HT / "hot/servers_in_new_neutron_net.yaml", NEW_NET),
]


@pytest.mark.parametrize("path, params", CASES, ids=["kollacluster", "servers_in_new_neutron_net"])
def test_repeated_renders_give_the_same_bytes(path, params) -> None:
    """Every byte, floating-IP and fixed addresses included (the cloud model hands them out in arrival order,
    so this also shows that registrations arrive in the same order every time)."""
    plans = {render(path, params).to_json() for _ in range(4)}
    assert len(plans) == 1


def test_renders_in_other_processes_give_the_same_bytes() -> None:
    """Across processes with other string-hash seeds (set order of names differs) the bytes are the same."""
    script = (
        "import hashlib, json, sys\n"
        "from openstack_stacks.tools.offline import render\n"
        "print(json.dumps([hashlib.sha256(render(p, json.loads(a)).to_json().encode()).hexdigest()"
        " for p, a in json.loads(sys.argv[1])]))\n"
    )
    cases = json.dumps([[str(path), json.dumps(params)] for path, params in CASES])
    here = [hashlib.sha256(render(path, params).to_json().encode()).hexdigest() for path, params in CASES]
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(TESTS.parent)}
        done = subprocess.run([sys.executable, "-c", script, cases], capture_output=True, text=True, env=env,
                              cwd=TESTS.parent, check=True)
        assert json.loads(done.stdout) == here, f"PYTHONHASHSEED={seed}"


def test_canonical_order_keeps_parents_and_dependencies_first() -> None:
    plan = render(KOLLA / "dev/heat/kollacluster.yaml", KOLLA_PARAMS)
    placed: set[str] = set()
    for rec in plan.resources:
        assert rec["parent"] is None or rec["parent"] in placed or not any(
            r["urn"] == rec["parent"] for r in plan.resources)
        assert all(d in placed for d in rec["options"]["dependsOn"] if any(r["urn"] == d for r in plan.resources))
        placed.add(rec["urn"])
