"""`python -m components boot-test`: render, boot, print the per-server report, exit 0/1/2."""

from __future__ import annotations

from pathlib import Path

import pytest

from openstack_stacks.tools.boot_test import main

ROOT = Path(__file__).resolve().parents[2]
FAILING_STACK = """
networks:
  net:
    subnets:
      sub: {cidr: 10.0.0.0/24}
servers:
  good:
    image: debian-12
    flavor: m1.small
    ports: [{network: net, subnet: sub}]
    script: |
      #!/bin/sh
      echo good-server
  bad:
    image: debian-12
    flavor: m1.small
    ports: [{network: net, subnet: sub}]
    script: |
      #!/bin/sh
      echo bad-server
      exit 5
"""


def test_unknown_server_is_invalid_input(capsys) -> None:
    assert main([str(ROOT / "stacks/web.yaml"), "--server", "nope"]) == 1
    assert "no server with user data named nope (servers: web-0, web-1)" in capsys.readouterr().err


def test_invalid_stack_is_invalid_input(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("servers:\n  x: {flavor: m1.small}\n")
    assert main([str(path)]) == 1
    assert "error:" in capsys.readouterr().err


@pytest.mark.boot
def test_boot_test_prints_reports_and_fails_on_a_failing_server(tmp_path: Path, capsys, boot_ready) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(FAILING_STACK)
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "server good: OK" in out and "| good-server" in out
    assert "server bad: FAILED" in out and "cfn-userdata failed with exit code 5" in out
    assert "1/2 servers booted cleanly; failed: bad" in out
    assert main([str(path), "--server", "good"]) == 0
    assert "1/1 servers booted cleanly" in capsys.readouterr().out
