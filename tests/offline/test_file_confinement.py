"""File references stay inside the directory tree of the file naming them (or an explicitly widened root)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks import files

STACK = """
networks:
  net:
    subnets:
      sub: {{cidr: 10.0.0.0/24}}
servers:
  vm:
    image: debian-12
    flavor: m1.small
    ports: [{{network: net}}]
    {body}
"""

HOT = """
heat_template_version: 2018-08-31
resources:
  {name}:
    type: {type}
    properties:
      {props}
"""


def _stack(tmp_path: Path, body: str) -> Path:
    d = tmp_path / "proj"
    d.mkdir(exist_ok=True)
    path = d / "stack.yaml"
    path.write_text(STACK.format(body=body))
    return path


def _refused(render, path: Path, *needles: str, **kw) -> StackError:
    with pytest.raises(StackError) as info:
        render(path, **kw)
    text = str(info.value)
    assert str(path) in text
    for needle in needles:
        assert needle in text
    return info.value


@pytest.mark.parametrize("ref", ["/etc/passwd", "../secret.sh", "/proc/self/environ", "/dev/zero"])
def test_script_file_outside_tree_is_refused(render, tmp_path, ref) -> None:
    (tmp_path / "secret.sh").write_text("#!/bin/sh\necho secret\n")
    path = _stack(tmp_path, f"script_file: {ref}")
    err = _refused(render, path, ref)
    assert err.resource == "vm" and err.field == "script_file"


def test_user_data_part_proc_environ_is_refused(render, tmp_path) -> None:
    path = _stack(tmp_path, "user_data_parts: [{type: x-include-url, file: /proc/self/environ}]")
    err = _refused(render, path, "/proc/self/environ", "system file")
    assert err.field == "user_data_parts[0].file"


def test_symlink_escaping_the_tree_is_refused(render, tmp_path) -> None:
    (tmp_path / "outside.sh").write_text("#!/bin/sh\necho out\n")
    path = _stack(tmp_path, "script_file: link.sh")
    os.symlink(tmp_path / "outside.sh", path.parent / "link.sh")
    _refused(render, path, "link.sh", "outside")


def test_file_inside_tree_is_read(render, tmp_path) -> None:
    path = _stack(tmp_path, "script_file: scripts/boot.sh")
    (path.parent / "scripts").mkdir()
    (path.parent / "scripts" / "boot.sh").write_text("#!/bin/sh\necho inside-tree\n")
    plan = render(path)
    assert b"inside-tree" in plan.user_data["vm"].mime


def test_allow_root_widens(render, tmp_path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "boot.sh").write_text("#!/bin/sh\necho widened\n")
    path = _stack(tmp_path, "script_file: ../shared/boot.sh")
    _refused(render, path, "--allow-root")
    plan = render(path, allowed_roots=[str(shared)])
    assert b"widened" in plan.user_data["vm"].mime


def test_fifo_is_refused(render, tmp_path) -> None:
    path = _stack(tmp_path, "script_file: pipe")
    os.mkfifo(path.parent / "pipe")
    _refused(render, path, "not a regular file")


def test_oversize_file_is_refused(tmp_path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(StackError, match="over the 1024-byte limit"):
        files.read_text(big, file="naming.yaml", limit=1024)


def test_hot_get_file_etc_passwd_is_refused(render, tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HOT.format(name="cfg", type="OS::Heat::SoftwareConfig", props="config: {get_file: /etc/passwd}"))
    err = _refused(render, path, "/etc/passwd")
    assert err.resource == "cfg" and err.field == "get_file"


def test_hot_nested_type_outside_tree_is_refused(render, tmp_path) -> None:
    (tmp_path / "nested.yaml").write_text("heat_template_version: 2018-08-31\n")
    d = tmp_path / "tpl"
    d.mkdir()
    path = d / "t.yaml"
    path.write_text(HOT.format(name="child", type="../nested.yaml", props="{}"))
    err = _refused(render, path, "../nested.yaml")
    assert err.resource == "child"


def test_environment_registry_target_outside_env_tree_is_refused(render, tmp_path) -> None:
    (tmp_path / "nested.yaml").write_text("heat_template_version: 2018-08-31\n")
    d = tmp_path / "env"
    d.mkdir()
    env = d / "env.yaml"
    env.write_text("resource_registry:\n  My::Thing: /" + str(tmp_path / "nested.yaml").lstrip("/") + "\n")
    path = d / "t.yaml"
    path.write_text(HOT.format(name="thing", type="My::Thing", props="{}"))
    with pytest.raises(StackError) as info:
        render(path, env_files=[str(env)])
    assert str(env) in str(info.value) and "nested.yaml" in str(info.value)
    assert info.value.resource == "thing"


def test_invalid_utf8_names_line(render, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"description: ok\nservers: {}\n# \xff\xfe\n")
    with pytest.raises(StackError, match=r"invalid UTF-8 \(line 3"):
        render(path)


def test_nul_byte_names_line(render, tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"description: ok\n\x00\n")
    with pytest.raises(StackError) as info:
        render(path)
    assert "NUL byte (line 2)" in str(info.value) and "\n" not in str(info.value)


def test_readme_section_is_true() -> None:
    import re

    import yaml

    from openstack_stacks.tools.cli import _render_parser

    root = Path(__file__).resolve().parents[2]
    section = (root / "README.md").read_text().split("## File references are confined", 1)[1].split("\n## ", 1)[0]
    mib = int(re.search(r"at most (\d+) MiB", section).group(1))
    assert mib * 1024 * 1024 == files.MAX_FILE_BYTES
    assert "--allow-root" in _render_parser().format_help() and "--allow-root" in section
    config = yaml.safe_load((root / "Pulumi.yaml").read_text())["config"]
    assert config["allowedRoots"]["type"] == "array" and "allowedRoots" in section


def test_environment_file_that_is_a_device_is_refused(render, tmp_path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("heat_template_version: 2018-08-31\nresources: {}\n")
    with pytest.raises(StackError, match="system file") as info:
        render(path, env_files=["/dev/zero"])
    assert "/dev/zero" in str(info.value)
