"""A plan-to-plan diff needs no Pulumi: `python -m components diff PLAN PLAN` does not import it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openstack_stacks.tools.offline import render

ROOT = Path(__file__).resolve().parents[2]


def test_plan_to_plan_diff_imports_no_pulumi(tmp_path) -> None:
    render("stacks/web.yaml").write(tmp_path / "old")
    render("stacks/web.yaml", {"web_count": "3"}).write(tmp_path / "new")
    code = ("import runpy, sys, json\n"
            "sys.argv = ['components', 'diff', sys.argv[1], sys.argv[2]]\n"
            "try:\n    runpy.run_module('components', run_name='__main__')\n"
            "except SystemExit as exc:\n    code = exc.code\n"
            "print(json.dumps({'rc': code, 'loaded': sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pulumi', 'pulumi_openstack', 'grpc', 'yaml'))}))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "old"), str(tmp_path / "new")],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["rc"] == 3 and "web-2" in out.stdout
    assert result["loaded"] == []
