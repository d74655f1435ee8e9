"""The dependency graph of a plan in Graphviz DOT, shaped like `pulumi stack graph` output.

One node per recorded resource (components too), labelled with its name and type; an edge from each
resource to what it needs: its `dependsOn` URNs (the engine's dependencies, green like Pulumi's) and its
parent (brown, like Pulumi's parent edges). These are exactly the edges plan.json records.
"""

from __future__ import annotations

from typing import Any

import graphviz

DEPENDENCY_COLOR = "#246C60"  # the colours `pulumi stack graph` uses
PARENT_COLOR = "#AA6639"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\")


def plan_edges(doc: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(from URN, to URN, "dependency"|"parent") for every edge plan.json records (parents outside the plan,
    the root stack, are left out)."""
    urns = {r["urn"] for r in doc["resources"]}
    edges: set[tuple[str, str, str]] = set()
    for r in doc["resources"]:
        for dep in r.get("options", {}).get("dependsOn", []):
            edges.add((r["urn"], dep, "dependency"))
        if r.get("parent") in urns:
            edges.add((r["urn"], r["parent"], "parent"))
    return edges


def dependency_graph(doc: dict[str, Any]) -> graphviz.Digraph:
    """A strict digraph: resources as nodes (id Resource<i>, the URN as tooltip), parent and dependsOn edges."""
    graph = graphviz.Digraph("dependencies", strict=True,
                             graph_attr={"rankdir": "LR", "label": graphviz.nohtml(
                                 _escape(f"{doc.get('source', '')} ({doc.get('stack', '')})"))},
                             node_attr={"shape": "box", "fontname": "Helvetica", "fontsize": "10"},
                             edge_attr={"fontname": "Helvetica"})
    ids = {r["urn"]: f"Resource{i}" for i, r in enumerate(doc["resources"])}
    for r in doc["resources"]:
        label = f"{_escape(r['name'])}\\n{_escape(r['type'])}"
        graph.node(ids[r["urn"]], graphviz.nohtml(label), tooltip=_escape(r["urn"]),
                   style="rounded" if not r.get("custom") else "solid")
    edges = sorted(plan_edges(doc))
    # A dependency on a resource the plan does not register: one read by ID (`Port.get`, a Heat port given
    # as an existing ID), which the engine reads instead of creating. Drawn dashed, named by its URN.
    for urn in sorted({dst for _, dst, _ in edges} - set(ids)):
        ids[urn] = f"Resource{len(ids)}"
        name = urn.rsplit("::", 1)[-1]
        graph.node(ids[urn], graphviz.nohtml(f"{_escape(name)}\\n(read, not registered)"), tooltip=_escape(urn),
                   style="dashed")
    for src, dst, kind in edges:
        graph.edge(ids[src], ids[dst], color=PARENT_COLOR if kind == "parent" else DEPENDENCY_COLOR)
    return graph
