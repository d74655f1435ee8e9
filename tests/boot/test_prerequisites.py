"""Without the harness the boot tests are skipped with the reason, and under CI=true they fail instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/boot/test_provision.py::test_script_runs_and_provision_finishes"


def _run_without_cache(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["OPENSTACK_STACKS_CACHE"] = str(tmp_path / "empty-cache")  # no root filesystem there
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize("ci", [None, "false"])
def test_missing_harness_skips_with_reason_outside_ci(tmp_path: Path, ci: str | None) -> None:
    proc = _run_without_cache(tmp_path, ci)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 skipped" in proc.stdout
    assert "boot harness unavailable:" in proc.stdout


def test_missing_harness_fails_under_ci(tmp_path: Path) -> None:
    proc = _run_without_cache(tmp_path, "true")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "boot harness unavailable under CI:" in proc.stdout
    assert "skipped" not in proc.stdout
