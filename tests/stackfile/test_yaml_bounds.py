"""The one YAML loader (stack files, HOT, environments): alias bombs, deep nesting and merge keys."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.stackfile.loader import MAX_DEPTH, parse_document


def _laughs(levels: int = 9) -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join("  " + line for line in lines)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("section", ["metadata", "description", "outputs"])
def test_billion_laughs_is_refused_fast(tmp_path, section) -> None:
    path = _write(tmp_path, f"{section}:\n{_laughs()}\n")
    assert len(path.read_bytes()) < 800
    start = time.process_time()
    with pytest.raises(StackError, match="expands to more than"):
        parse_document(path)
    assert time.process_time() - start < 2


def test_hot_properties_alias_bomb_is_refused(render, tmp_path) -> None:
    body = _laughs().replace("\n  ", "\n          ").lstrip()
    path = _write(tmp_path, "heat_template_version: 2018-08-31\nresources:\n  cfg:\n"
                  f"    type: OS::Heat::SoftwareConfig\n"
                  f"    properties:\n      config:\n        x:\n          {body}\n")
    with pytest.raises(StackError, match="expands to more than") as info:
        render(path)
    assert str(path) in str(info.value)


def test_shared_aliases_within_bounds_load(tmp_path) -> None:
    path = _write(tmp_path, "a: &a {x: 1}\nb: [*a, *a, *a]\n")
    assert parse_document(path).data["b"] == [{"x": 1}] * 3


def test_alias_cycle_is_refused(tmp_path) -> None:
    with pytest.raises(StackError, match="alias refers to the value that holds it"):
        parse_document(_write(tmp_path, "a: &a [*a]\n"))


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000])
def test_deep_nesting_is_a_clear_error(tmp_path, depth) -> None:
    path = _write(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(StackError, match=f"nested deeper than {MAX_DEPTH} levels") as info:
        parse_document(path)
    assert str(path) in str(info.value)


def test_merge_keys_load_and_own_keys_override(tmp_path) -> None:
    path = _write(tmp_path, "base: &b {flavor: m1.small, image: debian-12}\nweb:\n  <<: *b\n  flavor: m1.large\n")
    doc = parse_document(path)
    assert doc.data["web"] == {"flavor": "m1.large", "image": "debian-12"} and doc.duplicates == ()


def test_merge_keys_keep_duplicate_detection(tmp_path) -> None:
    path = _write(tmp_path, "base: &b {x: 1}\nweb:\n  <<: *b\n  y: 1\n  y: 2\n")
    with pytest.raises(StackError, match="duplicate key 'y'"):
        parse_document(path).refuse_duplicates()


def test_merge_keys_in_a_stack_file_render(render, tmp_path) -> None:
    path = _write(tmp_path, """\
networks:
  net: {subnets: {sub: {cidr: 10.0.0.0/24}}}
servers:
  a: &defaults {image: debian-12, flavor: m1.small, ports: [{network: net}]}
  b: {<<: *defaults, flavor: m1.large}
""")
    plan = render(path)
    assert plan.get("b", "openstack:compute/instance:Instance")["inputs"]["flavorName"] == "m1.large"
    assert plan.get("a", "openstack:compute/instance:Instance")["inputs"]["flavorName"] == "m1.small"


def test_merge_keys_in_hot_render(render, tmp_path) -> None:
    path = _write(tmp_path, """\
heat_template_version: 2018-08-31
resources:
  a: &srv
    type: OS::Nova::Server
    properties: {image: debian-12, flavor: m1.small}
  b:
    <<: *srv
    properties: {image: debian-12, flavor: m1.large}
""")
    plan = render(path)
    assert plan.get("b", "openstack:compute/instance:Instance")["inputs"]["flavorName"] == "m1.large"
