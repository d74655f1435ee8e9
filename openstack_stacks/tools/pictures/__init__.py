"""Pictures of a stack (issue 15): `topology.svg` (what an operator sees) and `graph.dot` (the dependencies).

Both come from plan.json data. graph.dot is plain text and always written; topology.svg needs Graphviz's
`dot` program (Debian package `graphviz`): where it is missing, render writes the rest and says so in one note.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import graphviz

from openstack_stacks.tools.pictures.graph_dot import dependency_graph, plan_edges
from openstack_stacks.tools.pictures.model import Topology, build_topology
from openstack_stacks.tools.pictures.topology import CHANGES, topology_graph

__all__ = ["CHANGES", "Topology", "build_topology", "dependency_graph", "diff_topology_svg", "dot_available",
           "plan_edges", "topology_graph", "topology_of", "topology_svg", "write_pictures"]

NO_DOT = "topology.svg skipped: Graphviz `dot` is not installed (apt-get install graphviz); graph.dot written"


def dot_available() -> bool:
    """Whether Graphviz's `dot` program is on PATH."""
    return shutil.which("dot") is not None


def _svg(graph: Any) -> str:
    return graph.pipe(format="svg", encoding="utf-8")





def _short(source: str) -> str:
    """A source path as the title shows it: relative to the working directory when under it."""
    try:
        return str(Path(source).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return source


def topology_of(doc: dict[str, Any]) -> Any:
    """The Graphviz graph (not yet laid out) of a plan.json document's topology."""
    title = f"{_short(doc.get('source', ''))} ({doc.get('stack', '')})"
    return topology_graph(build_topology(doc["resources"]), title=title)


def topology_svg(doc: dict[str, Any]) -> str:
    """The topology of a plan.json document as SVG (needs `dot`)."""
    return _svg(topology_of(doc))


def diff_topology_svg(old: dict[str, Any], new: dict[str, Any], diff: Any) -> str:
    """The topology of NEW with each resource marked by its step in `diff` (a PlanDiff); deleted resources
    (from OLD) are drawn too, dashed. Needs `dot`."""
    marks = {r.urn: r.op for r in diff.resources if r.op != "same"}
    deleted = {r.urn for r in diff.resources if r.op == "delete"}
    resources = list(new["resources"]) + [r for r in old["resources"] if r["urn"] in deleted]
    title = f"{_short(old.get('source', ''))} -> {_short(new.get('source', ''))}"
    counts = diff.counts()
    title += "\n" + ", ".join(f"{counts[op]} to {op}" for op in CHANGES if counts.get(op))
    return _svg(topology_graph(build_topology(resources, marks), marks=marks, title=title))


def write_pictures(doc: dict[str, Any], out: str | Path) -> tuple[list[Path], list[str]]:
    """Write graph.dot and (when `dot` is installed) topology.svg under `out`; returns (paths, notes)."""
    out = Path(out)
    dot_path = out / "graph.dot"
    dot_path.write_text(dependency_graph(doc).source)
    if not dot_available():
        return [dot_path], [NO_DOT]
    svg_path = out / "topology.svg"
    try:
        svg_path.write_text(topology_svg(doc))
    except graphviz.CalledProcessError as exc:  # never a traceback after plan.json was written
        detail = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        return [dot_path], [f"topology.svg skipped: Graphviz `dot` failed: {detail[0] if detail else exc}"]
    return [dot_path, svg_path], []
