"""The house's one rule, checked on the real import graph: tools -> front-ends -> components -> pulumi_openstack.

Imports are read from the source (every `import` / `from ... import`, module level or inside functions), so a
lazy import cannot hide a wrong-way dependency; only `if TYPE_CHECKING:` blocks (annotations) are left out.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("components", "openstack_stacks", "userdata")
ENTRY_POINTS = {"components.__main__"}  # `python -m components`: a program, nothing imports it


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
               if "parts" not in p.relative_to(ROOT).parts}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and ast.unparse(block.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}
                       for stmt in block.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in typing_only:  # annotations only, never imported at run time
                continue
            if isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                submodules = {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in modules}
                deps.update(submodules)
                if len(submodules) < len(node.names):  # names from the package itself, not only its submodules
                    deps.add(base)
        graph[name] = {d for d in deps if d and d != name}
    return graph


GRAPH = _graph()


def _layer(module: str) -> str | None:
    if module.startswith("openstack_stacks.tools"):
        return "tools"
    if module.startswith("openstack_stacks"):
        return "frontends"
    if module.split(".")[0] == "components":
        return "components"
    if module.split(".")[0] == "userdata":
        return "userdata"
    return None


ALLOWED = {
    "tools": {"tools", "frontends", "components", "userdata"},
    "frontends": {"frontends", "components", "userdata"},
    "components": {"components", "userdata"},
    "userdata": {"userdata"},
}


@pytest.mark.parametrize("module", sorted(set(GRAPH) - ENTRY_POINTS))
def test_dependencies_point_one_way(module: str) -> None:
    layer = _layer(module)
    wrong = sorted(d for d in GRAPH[module] if _layer(d) and _layer(d) not in ALLOWED[layer])
    assert not wrong, f"{module} ({layer}) imports {wrong}"


def test_userdata_knows_nothing_of_pulumi() -> None:
    offenders = sorted(m for m, deps in GRAPH.items() if m.startswith("userdata")
                       and any(d.split(".")[0] in {"pulumi", "pulumi_openstack"} for d in deps))
    assert not offenders


def test_components_depend_only_on_pulumi_and_userdata() -> None:
    stdlib = set(sys.stdlib_module_names)
    # `openstack` (openstacksdk) only inside components.boot_wait's dynamic provider, imported when it runs.
    allowed = {"pulumi", "pulumi_openstack", "pulumi_random", "components", "userdata", "typing_extensions",
               "openstack"}
    for module, deps in GRAPH.items():
        if _layer(module) != "components" or module in ENTRY_POINTS:
            continue
        foreign = sorted(d for d in deps if d.split(".")[0] not in stdlib | allowed)
        assert not foreign, f"{module} imports {foreign}"


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components over the project's modules: every one must be a single module
    (a package importing its own submodules in `__init__` is not a cycle: the submodule does not import it back)."""
    nodes = {m: {d for d in deps if d in GRAPH} for m, deps in GRAPH.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in nodes[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                cycles.append(sorted(scc))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_import_components_loads_no_frontend_yaml_or_tools() -> None:
    """Beyond what the Pulumi SDKs load themselves (pulumi.automation imports PyYAML), `import components`
    loads nothing of the front-ends or the offline wing, and no YAML or JSON-schema code of its own."""
    code = ("import sys; import pulumi, pulumi_openstack, pulumi_random; before = set(sys.modules); "
            "import components; components.Server, components.Network; new = set(sys.modules) - before; "
            "print(sorted(m for m in new if m.split('.')[0] in {'yaml', 'openstack_stacks', 'jsonschema'})); "
            "print(sorted(m for m in new if m.split('.')[0] == 'components'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    forbidden, loaded = out.stdout.splitlines()
    assert forbidden == "[]"
    assert "'components.server'" in loaded  # the check saw the library load


LINK_TYPES = ("FloatingIpAssociate", "VolumeAttach")


def test_link_resources_are_made_in_one_place() -> None:
    """The pitfall rules of floating-IP associations and volume attachments are written once, in
    components/links.py: nothing else constructs those resources."""
    offenders = []
    for path in [*(ROOT / "components").rglob("*.py"), *(ROOT / "openstack_stacks").rglob("*.py")]:
        if path.name == "links.py" and path.parent.name == "components":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LINK_TYPES):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}")
    assert not offenders, offenders


def test_provider_type_tokens_in_the_tools_are_the_providers() -> None:
    """The offline wing reads plans without importing pulumi_openstack (plan-to-plan diff stays fast), so it
    names provider types by token; each token must be a resource or function of the real provider schema, and
    the ones the components build equal the SDK classes' `pulumi_type`."""
    import json

    import pulumi_openstack as openstack

    schema = json.loads((ROOT / "openstack_stacks" / "tools" / "data" / "pulumi-openstack-schema.json").read_text())
    real = set(schema["resources"]) | set(schema["functions"])
    literals = set()
    for path in (ROOT / "openstack_stacks").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(
                    r"openstack:[a-z]+/[A-Za-z0-9]+:[A-Za-z0-9]+", node.value):
                literals.add(node.value)
    assert literals and not literals - real, sorted(literals - real)
    built = {openstack.compute.Instance, openstack.networking.Port, openstack.networking.FloatingIpAssociate,
             openstack.compute.VolumeAttach, openstack.blockstorage.Volume, openstack.networking.RouterInterface}
    assert {cls.pulumi_type for cls in built} <= literals
