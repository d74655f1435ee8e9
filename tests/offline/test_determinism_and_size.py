"""Byte-stable renders across processes, and Nova's user-data size rules applied per server."""

from __future__ import annotations

import base64
import gzip
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from components.errors import StackError

ROOT = Path(__file__).resolve().parents[2]


def _render_in_process(stack: str, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "components", "render", stack, "--out", str(out)],
                   check=True, cwd=ROOT, env=env, capture_output=True)


@pytest.mark.parametrize("stack", ["stacks/web.yaml", "stacks/app-db.yaml"])
def test_render_twice_in_two_processes_gives_identical_bytes(stack: str, tmp_path: Path) -> None:
    _render_in_process(stack, tmp_path / "a", "1")
    _render_in_process(stack, tmp_path / "b", "2")
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def _noise(size: int) -> str:
    rng = random.Random(7)
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(size))


def test_large_user_data_is_gzipped_and_round_trips(render, write_stack) -> None:
    # ~60 KB of compressible text: over 65535 bytes once base64 encoded, far under after gzip.
    body = "\n".join(f"echo line {i} of the provisioning script" for i in range(1500))
    path = write_stack(f"""
networks:
  n: {{subnets: {{s: {{cidr: 10.1.0.0/24}}}}}}
servers:
  big:
    image: debian-12
    flavor: m1.small
    ports: [{{network: n}}]
    script: |
      #!/bin/sh
{chr(10).join('      ' + line for line in body.splitlines())}
  small:
    image: debian-12
    flavor: m1.small
    ports: [{{network: n}}]
    script: "#!/bin/sh\\necho small\\n"
""")
    plan = render(path)
    big, small = plan.user_data["big"], plan.user_data["small"]
    assert big.compressed and not small.compressed
    assert big.size <= 65535 < len(base64.b64encode(big.mime))
    assert gzip.decompress(base64.b64decode(big.user_data)) == big.mime
    assert b"echo line 1499 of the provisioning script" in big.mime
    assert small.user_data.encode() == small.mime


def test_user_data_too_big_even_gzipped_names_server_and_sizes(render, write_stack) -> None:
    noise = _noise(70000)
    path = write_stack(f"""
networks:
  n: {{subnets: {{s: {{cidr: 10.1.0.0/24}}}}}}
servers:
  huge:
    image: debian-12
    flavor: m1.small
    ports: [{{network: n}}]
    script: "#!/bin/sh\\n# {noise}\\n"
""")
    with pytest.raises(StackError) as info:
        render(path)
    message = str(info.value)
    assert "huge" in message and "65535" in message
    assert any(ch.isdigit() for ch in message.split("65535")[0])


def test_render_leaves_the_sdk_as_it_found_it() -> None:
    """The offline render skips the SDK's stack capture (the mocks discard it) only while it runs."""
    import pulumi.runtime.resource as sdk

    from openstack_stacks.tools.offline import render

    before = (sdk._get_stack_trace, os.environ.get("PULUMI_ERROR_OUTPUT_STRING"))
    render("stacks/web.yaml")
    assert (sdk._get_stack_trace, os.environ.get("PULUMI_ERROR_OUTPUT_STRING")) == before
