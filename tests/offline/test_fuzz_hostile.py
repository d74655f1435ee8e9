"""Property-based fuzz: mutated stack files and Heat templates never crash the CLI, leak a secret or read
outside the allowed roots.

Each example takes a seed document (a stack file of `stacks/` or a corpus template), applies a few hostile
mutations (wrong types, out-of-range numbers, host bits, traversal paths, misspelt functions, alias-like
nesting, control characters, secret references), writes it next to a canary file it must never read, and runs
`python -m components render` in-process. The budget is fixed (`max_examples`, derandomized) so CI is stable.
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import resource
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openstack_stacks.tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Fuzz-S3cr3t-Value-42"
CANARY = "CANARY-OUTSIDE-THE-TREE-7f3a"
SEEDS = [
    ROOT / "stacks/web.yaml",
    ROOT / "stacks/app-db.yaml",
    ROOT / "tests/corpus/heat-templates/hot/servers_in_new_neutron_net.yaml",
    ROOT / "tests/corpus/heat-templates/hot/asg_of_servers.yaml",
    ROOT / "tests/corpus/heat-templates/hot/hello_world.yaml",
    ROOT / "tests/corpus/heat-templates/cfn/F17/WordPress_Single_Instance.template",
    ROOT / "stacks/kolla-aio.yaml",
]
SEED_DOCS = {path: yaml.safe_load(path.read_text()) for path in SEEDS}
HOT_PARAMS = {"key_name": "ops", "image": "debian-12", "flavor": "m1.small", "public_net": "public",
              "private_net_name": "private", "private_net_cidr": "10.50.0.0/24", "private_net_gateway": "10.50.0.1",
              "private_net_pool_start": "10.50.0.10", "private_net_pool_end": "10.50.0.200", "network": "private",
              "admin_pass": "Passw0rd", "db_port": "50000", "KeyName": "ops"}

HOSTILE: list[Any] = [
    -1, 0, 1.5, 10**12, "", "x", None, True, [], {}, [1, [2, [3]]],
    "10.0.0.1/24", "10.0.0.0/33", "not-an-ip", "1.1.1", "../outside/canary.txt", "/etc/passwd",
    "/proc/self/environ", "/dev/zero", "a\nb", "tab\there", "\u2028", "%index%",
    {"get_file": "../outside/canary.txt"}, {"get_file": "/etc/hostname"}, {"get_parm": "flavor"},
    {"get_param": "no_such"}, {"get_resource": "no_such"}, {"str_split": [",", 5]}, {"map_replace": [1, 2]},
    {"list_join": [1]}, {"repeat": {"for_each": {"x": list(range(200))}, "template": {"y": "x"}}},
    {"<<": {"a": 1}}, "${fuzz_secret}", {"get_param": "fuzz_secret"}, "${servers.nope.id}",
]
PYTHON_INTERNALS = re.compile(r"internal error|\b(Type|Attribute|Key|Index|Value|Recursion|ZeroDivision|Overflow|"
                              r"UnicodeDecode|Assertion|Runtime)Error\b|StopIteration|Traceback|object at 0x")
KEYS = ["count", "cidr", "size", "port", "protocol", "script_file", "file", "type", "image", "flavor",
        "gateway_ip", "mtu", "fixed_ip", "metadata", "user_data", "config", "properties", "xyz", "<<"]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return doc


mutation = st.tuples(st.sampled_from(["replace", "delete", "add"]), st.integers(0, 10**6),
                     st.sampled_from(HOSTILE), st.sampled_from(KEYS))


def _mutate(doc: Any, mutations: list) -> Any:
    doc = copy.deepcopy(doc)
    for kind, where, value, key in mutations:
        paths = [p for p in _paths(doc) if p]  # never replace the whole document
        if not paths:
            break
        path = paths[where % len(paths)]
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if kind == "replace":
            _set(doc, path, copy.deepcopy(value))
        elif kind == "delete":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][key] = copy.deepcopy(value)
    return doc


def _declare_secret(doc: dict, kind: str) -> None:
    """Declare the parameter `-s fuzz_secret=...` sets, the way each format declares a secret."""
    section = "Parameters" if kind == "cfn" else "parameters"
    spec = {"cfn": {"Type": "String", "NoEcho": "true"}, "hot": {"type": "string", "hidden": True},
            "stack": {"type": "string", "secret": True}}[kind]
    params = doc.setdefault(section, {})
    if isinstance(params, dict):
        params["fuzz_secret"] = spec


@settings(max_examples=70, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), mutations=st.lists(mutation, min_size=1, max_size=3))
def test_mutated_inputs_fail_cleanly(tmp_path_factory, seed: Path, mutations: list) -> None:
    base = tmp_path_factory.mktemp("fuzz")
    (base / "outside").mkdir()
    (base / "outside" / "canary.txt").write_text(CANARY + "\n")
    tree = base / "tree"
    tree.mkdir()
    if (seed.parent / "files").is_dir():  # the seed's own file references (stacks/files/...)
        shutil.copytree(seed.parent / "files", tree / "files")
    kind = "cfn" if "AWSTemplateFormatVersion" in SEED_DOCS[seed] else \
        "hot" if "heat_template_version" in SEED_DOCS[seed] else "stack"
    doc = _mutate(SEED_DOCS[seed], mutations)
    kolla = isinstance(SEED_DOCS[seed], dict) and "kolla" in SEED_DOCS[seed]  # refuses any secret parameter
    if isinstance(doc, dict) and not kolla:
        _declare_secret(doc, kind)
    path = tree / seed.name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False) if doc is not None else "")
    argv = ["render", str(path), "--out", str(base / "out")] + ([] if kolla else ["-s", f"fuzz_secret={SECRET}"])
    if kind != "stack":
        declared = (doc.get("Parameters" if kind == "cfn" else "parameters") or {}) if isinstance(doc, dict) else {}
        for name, value in HOT_PARAMS.items():
            if isinstance(declared, dict) and name in declared:
                argv += ["-p", f"{name}={value}"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    stdout, stderr = out.getvalue(), err.getvalue()
    assert "Traceback" not in stdout + stderr
    assert SECRET not in stdout + stderr and CANARY not in stdout + stderr
    if rc == 0:
        plan = (base / "out" / "plan.json").read_text()
        assert SECRET not in plan and CANARY not in plan
        for written in (base / "out").rglob("*"):
            if written.is_file():
                assert CANARY not in written.read_text(errors="replace")
    else:
        assert rc == 1, stderr
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), stderr
        assert str(path) in lines[0], lines[0]
        assert not PYTHON_INTERNALS.search(lines[0]), lines[0]
    # bounded memory: the whole test process stays well under a gigabyte (ru_maxrss is in KiB on Linux)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1024 * 1024


def test_hostile_input_doc_figures_are_the_constants() -> None:
    from openstack_stacks import files, limits
    from openstack_stacks.stackfile import loader
    from userdata import cloud_config

    doc = (ROOT / "docs" / "hostile-input.md").read_text()
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in doc.splitlines()
            if line.startswith("| ") and not line.startswith("| what")}
    assert int(rows["YAML values after alias expansion (stack files, templates, environments, cloud-config parts)"]) \
        == loader.MAX_NODES == cloud_config.MAX_NODES
    assert int(rows["YAML nesting depth"]) == loader.MAX_DEPTH == cloud_config.MAX_DEPTH
    assert int(rows["members of a counted server, ResourceGroup, AutoScalingGroup, InstanceGroup"]) == limits.MAX_COUNT
    assert int(rows["values one HOT `repeat` makes"]) == limits.MAX_REPEAT
    assert f"at most {files.MAX_FILE_BYTES // (1024 * 1024)} MiB" in doc
