"""Draw a Topology with Graphviz (left to right: external networks, routers, networks, servers, volumes).

Layout is Graphviz's (`dot`); this module only says what the nodes, clusters and edges are. With `marks`
(URN -> create/update/replace/delete, from the diff engine) each element is coloured by the strongest change
among the resources it stands for, says the change in words too, and a legend is added.
"""

from __future__ import annotations

from html import escape
from typing import Any

import graphviz

from openstack_stacks.tools.pictures.model import PortView, ServerView, Topology, VolumeView, strongest

FONT = "Helvetica"
# Fill, border/edge colour and the word shown in the element, per change.
CHANGES = {
    "create": ("#d4f4d4", "#1b7f1b", "+ create"),
    "update": ("#fff1b8", "#b8860b", "~ update"),
    "replace": ("#ffd8b0", "#d2550a", "+- replace"),
    "delete": ("#ffd0d0", "#c01818", "- delete"),
}
FILL = {"external": "#d6e6f5", "router": "#fde7c4", "network": "#dff2df", "server": "#eef2f7",
        "volume": "#efe6f7", "port": "#f5f5f5"}


_op = strongest


def _table(rows: list[str | tuple[str, str]], fill: str, op: str, *, header: str, dashed: bool = False,
           ports: list[tuple[list[str], str]] | None = None) -> str:
    """An HTML-like label: a bold header row, detail rows, one row per NIC (an edge end, `PORT="p<i>"`, with
    its own change colour) and the change (if any) as a last row."""
    fill_, border = (CHANGES[op][0], CHANGES[op][1]) if op in CHANGES else (fill, "#5b6770")
    style = ' STYLE="dashed"' if dashed or op == "delete" else ""
    cells = [f'<TR><TD><B>{escape(header)}</B></TD></TR>']
    for row in rows:
        text, row_op = row if isinstance(row, tuple) else (row, "same")
        row_op = "same" if row_op == op else row_op  # said once, for the whole element
        if not text:
            continue
        if row_op in CHANGES:  # a part with its own change (a subnet added to a network)
            text = f"{text}  {CHANGES[row_op][2]}"
            cells.append(f'<TR><TD BGCOLOR="{CHANGES[row_op][0]}"><FONT POINT-SIZE="10" COLOR="{CHANGES[row_op][1]}">'
                         f'{escape(text)}</FONT></TD></TR>')
        else:
            cells.append(f'<TR><TD><FONT POINT-SIZE="10">{escape(text)}</FONT></TD></TR>')
    for index, (lines, port_op) in enumerate(ports or []):
        port_fill = CHANGES[port_op][0] if port_op in CHANGES else "#ffffff"
        text = "<BR/>".join(escape(line) for line in lines if line)
        cells.append(f'<TR><TD PORT="p{index}" BORDER="1" SIDES="T" COLOR="{border}" BGCOLOR="{port_fill}" '
                     f'ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9">{text}</FONT></TD></TR>')
    if op in CHANGES:
        cells.append(f'<TR><TD><FONT POINT-SIZE="10" COLOR="{border}"><B>{escape(CHANGES[op][2])}</B></FONT>'
                     '</TD></TR>')
    return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="{fill_}" '
            f'COLOR="{border}"{style}>{"".join(cells)}</TABLE>>')


def _edge_attrs(op: str, **extra: str) -> dict[str, str]:
    attrs = dict(extra)
    if op in CHANGES:
        attrs.update(color=CHANGES[op][1], fontcolor=CHANGES[op][1], penwidth="2")
        if op == "delete":
            attrs["style"] = "dashed"
    return attrs


def _lines(*parts: str) -> str:
    """A plain (non-HTML) multi-line label: DOT's `\\n` between lines, backslashes in the text kept literal."""
    return graphviz.nohtml("\\n".join(p.replace("\\", "\\\\") for p in parts if p))


def _port_lines(port: PortView, network: str) -> list[str]:
    """A NIC as the server's row shows it: network and fixed IPs, floating IPs, VIPs it may carry, groups."""
    lines = [f"{network}: " + (", ".join(port.ips) if port.ips else "no fixed IP")]
    if port.floating_ips:
        several = len(port.floating_ips) > 1 or "…" in port.floating_ips[0]
        lines.append(("floating IPs " if several else "floating IP ") + ", ".join(port.floating_ips))
    if port.allowed_ips:
        lines.append("may carry " + ", ".join(port.allowed_ips))
    if port.security_groups:
        lines.append("sg: " + ", ".join(port.security_groups))
    return lines


class _Drawing:
    def __init__(self, topo: Topology, marks: dict[str, str] | None, title: str) -> None:
        self.topo, self.marks = topo, marks
        self.ids: dict[str, str] = {}
        self.graph = graphviz.Digraph("topology", graph_attr={
            "rankdir": "LR", "fontname": FONT, "label": _lines(*title.split("\n")), "labelloc": "t", "fontsize": "16",
            "nodesep": "0.3", "ranksep": "0.9", "newrank": "true", "bgcolor": "white", "pad": "0.3"},
            node_attr={"fontname": FONT, "fontsize": "12", "shape": "plaintext"},
            edge_attr={"fontname": FONT, "fontsize": "9", "color": "#5b6770", "arrowhead": "none"})

    def node_id(self, key: str) -> str:
        return self.ids.setdefault(key, f"n{len(self.ids)}")

    def draw(self) -> graphviz.Digraph:
        topo, g = self.topo, self.graph
        for net in topo.networks.values():
            op = _op(net.urns, self.marks)
            rows: list[str | tuple[str, str]]
            if net.external:
                rows = ["external network"]
            else:
                rows = [(f"{s.name} {s.cidr}", _op(s.urns, self.marks)) for s in net.subnets]
                if net.existing:
                    rows.append("existing network (outside the stack)")
                rows = rows or ["no subnet"]
            g.node(self.node_id(net.key), _table(rows, FILL["external" if net.external else "network"], op,
                                                 header=("network " if not net.external else "") + net.name,
                                                 dashed=net.existing))
        for router in topo.routers:
            rid = self.node_id(router.key)
            op = _op(router.urns, self.marks)
            g.node(rid, _table(["router"], FILL["router"], op, header=router.name))
            if router.external:
                g.edge(self.node_id(router.external), rid, **_edge_attrs(op, label="gateway"))
            for net, interface in router.interfaces.items():
                g.edge(rid, self.node_id(net), **_edge_attrs(_op(interface, self.marks)))
        self.servers()
        for port in topo.loose_ports:
            self.loose_port(port)
        for volume in topo.loose_volumes:
            g.node(self.node_id(volume.key), **self.volume_node(volume))
        if self.marks:
            self.legend()
        return g

    def servers(self) -> None:
        """Servers in their Kolla role cluster and server group cluster (nested), then their edges."""
        clusters: dict[tuple[str, str], list[ServerView]] = {}
        for server in self.topo.servers:
            clusters.setdefault((server.role, server.server_group), []).append(server)
        roles = sorted({role for role, _ in clusters})
        for role in roles:
            count = sum(s.count for (r, _), members in clusters.items() if r == role for s in members)
            role_graph = graphviz.Digraph(f"cluster_role_{role}", graph_attr={
                "label": _lines(f"{role} nodes ({count})"), "style": "rounded,filled", "fillcolor": "#f7f9fc",
                "color": "#8aa0b8", "fontsize": "13"}) if role else self.graph
            for (r, group), members in clusters.items():
                if r != role:
                    continue
                sg = self.topo.server_groups.get(group)
                if sg is not None:
                    with role_graph.subgraph(name=f"cluster_sg_{role}_{self.node_id(sg.key)}", graph_attr={
                            "label": _lines(f"server group {sg.name} ({sg.policy})"), "style": "dashed,rounded",
                            "color": CHANGES.get(_op(sg.urns, self.marks), ("", "#6d7f91"))[1],
                            "fontsize": "11"}) as sub:
                        for server in members:
                            self.server_node(sub, server)
                else:
                    for server in members:
                        self.server_node(role_graph, server)
            if role:
                self.graph.subgraph(role_graph)
        for server in self.topo.servers:
            sid = self.node_id(server.key)
            for index, port in enumerate(server.ports):
                self.graph.edge(self.node_id(port.network), f"{sid}:p{index}:w",
                                **_edge_attrs(_op(port.urns, self.marks)))
            for volume in server.volumes:
                vid = self.node_id(volume.key)
                self.graph.node(vid, **self.volume_node(volume, server.count))
                self.graph.edge(sid, vid, **_edge_attrs(_op(volume.attach, self.marks), style="dashed"))

    def server_node(self, graph: graphviz.Digraph, server: ServerView) -> None:
        if server.members:
            header = f"{server.members[0]} … {server.members[-1]}"
            rows = [f"{server.count} servers ({server.name})"]
        else:
            header, rows = server.name, []
        rows.append(f"{server.flavor} · {server.image}" if server.image else server.flavor)
        if server.boot_volume:
            rows.append(f"boot volume {server.boot_volume}")
        ports = [(_port_lines(p, self.topo.networks[p.network].name), _op(p.urns, self.marks))
                 for p in server.ports]
        graph.node(self.node_id(server.key), _table(rows, FILL["server"], _op(server.urns, self.marks),
                                                    header=header, ports=ports))

    def volume_node(self, volume: VolumeView, count: int = 1) -> dict[str, Any]:
        op = _op(volume.urns, self.marks)
        size = f"{count} × {volume.size}" if count > 1 else volume.size
        label = _lines(volume.name, size, CHANGES[op][2] if op in CHANGES else "")
        fill, line = (CHANGES[op][0], CHANGES[op][1]) if op in CHANGES else (FILL["volume"], "#6d5a85")
        return {"label": label, "shape": "cylinder", "style": "filled" + (",dashed" if op == "delete" else ""),
                "fillcolor": fill, "color": line, "fontsize": "10"}

    def loose_port(self, port: PortView) -> None:
        carriers = {s.name: s for s in self.topo.servers for p in s.ports if set(p.allowed_ips) & set(port.ips)}
        kind = "VIP" if carriers or "vip" in f"{port.name} {port.description}".lower() else "port"
        rows = [port.description] + [f"held by {name}" for name in carriers]
        pid = self.node_id(port.key)
        op = _op(port.urns, self.marks)
        lines = _port_lines(port, self.topo.networks[port.network].name)
        self.graph.node(pid, _table(rows, FILL["port"], op, header=f"{kind} {port.name}", ports=[(lines, op)]))
        self.graph.edge(self.node_id(port.network), f"{pid}:p0:w", **_edge_attrs(op))

    def legend(self) -> None:
        """One table node: each change's colour and word (the words are in every marked element too)."""
        cells = "".join(
            f'<TD BGCOLOR="{fill}" BORDER="1" COLOR="{line}">'
            f'<FONT COLOR="{line}" POINT-SIZE="10">{escape(word)}</FONT></TD>'
            for fill, line, word in CHANGES.values())
        self.graph.node("legend", f'<<TABLE BORDER="0" CELLSPACING="4"><TR><TD><B>legend</B></TD>{cells}</TR></TABLE>>')


def topology_graph(topo: Topology, *, marks: dict[str, str] | None = None, title: str = "") -> graphviz.Digraph:
    """The Graphviz graph of a topology (render it with `.pipe(format="svg")`); `title` lines split on newlines."""
    return _Drawing(topo, marks, title).draw()
