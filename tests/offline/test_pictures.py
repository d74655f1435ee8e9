"""Pictures of a stack (issue 15), checked by real consumers: Graphviz `dot` reads every graph.dot, the
topology SVG parses as XML and names every server and network, and rsvg-convert rasterises it to a PNG
that is not blank. Missing tools fail the test under CI=true and skip it elsewhere."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from openstack_stacks.tools import cli
from openstack_stacks.tools.offline import render
from openstack_stacks.tools.pictures import dependency_graph, topology_svg

ROOT = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"
INSTANCE = "openstack:compute/instance:Instance"
NETWORK = "openstack:networking/network:Network"


def _load_corpus_cases() -> list[tuple[Path, dict[str, str]]]:
    """Every corpus template tests/heat/test_corpus.py renders (its RENDERS table and the templates its own
    tests render), with the same parameters."""
    spec = importlib.util.spec_from_file_location("_corpus_cases", ROOT / "tests/heat/test_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ht, kolla, base = module.HT, module.KOLLA, {"key_name": "ops", "image": "fedora", "flavor": "m1.small"}
    initial = {k: v for k, v in module.KOLLA_PARAMS.items() if not k.startswith("container_")}
    demo = {"image_flavor": "m1.small", "public_net_id": "public", "demo_net_id": "demo", "demo_subnet_id": "demo-v4"}
    node = dict(module.NODE)
    return [(ht / template, params) for template, params, _ in module.RENDERS] + [
        (ht / "cfn/F17/WordPress_Single_Instance_With_Neutron.template", {"KeyName": "ops"}),
        (ht / "cfn/deb/MultiNode_DevStack.yaml", {"KeyName": "ops", "ComputeNodes": "2"}),
        (ht / "hot/software-config/example-templates/example-script-template.yaml", base),
        (ht / "hot/software-config/example-templates/example-structured-template.yaml", base),
        (kolla / "dev/heat/kollacluster.yaml", module.KOLLA_PARAMS),
        (kolla / "devenv-initial/kollacluster.yaml", initial),
        (kolla / "demos/heat/steak-rg.yaml", {**demo, "vm_count": "3"}),
        (kolla / "demos/heat/steak.yaml", demo),
        (kolla / "dev/heat/kollanode.yaml", {**node, "container_external_network_id": "containers",
                                             "container_external_subnet_id": "containers-v4"}),
        (kolla / "devenv-initial/kollanode.yaml", node),
    ]


STACKS = sorted((ROOT / "stacks").glob("*.yaml"))
CORPUS = _load_corpus_cases()
CASES = [(path, {}) for path in STACKS] + CORPUS
IDS = [str(path.relative_to(ROOT)) for path, _ in CASES]


def need(tool: str) -> str:
    """The path of a program the test needs: missing is a failure in CI, a skip elsewhere."""
    found = shutil.which(tool)
    if found:
        return found
    message = f"{tool} is not installed (.ci/setup.d/pictures.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    """plan.json documents of every example stack and rendered corpus template, rendered once."""
    return {name: render(path, params).to_dict() for name, (path, params) in zip(IDS, CASES, strict=True)}


def recorded_edges(doc: dict) -> set[tuple[str, str]]:
    """The edges plan.json records: each resource to its parent and to each URN in its dependsOn."""
    urns = {r["urn"] for r in doc["resources"]}
    edges = {(r["urn"], d) for r in doc["resources"] for d in r["options"]["dependsOn"]}
    edges |= {(r["urn"], r["parent"]) for r in doc["resources"] if r["parent"] in urns}
    return edges


def svg_texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text]


def node_texts(svg: str) -> list[list[str]]:
    """The texts of each drawn node (`<g class="node">`), one list per node."""
    root = ET.fromstring(svg)
    return [[t.text for t in g.iter(f"{SVG}text") if t.text]
            for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def named(name: str, texts: list[str]) -> bool:
    """The server is drawn, its name a node's header or inside a counted group `BASE-i … BASE-j` whose range
    holds it."""
    if name in texts:
        return True
    match = re.fullmatch(r"(.+?)-(\d+)(-\D.*)?", name)
    for text in texts:
        group = re.fullmatch(r"(.+?)-(\d+)(-\D.*)? … (.+?)-(\d+)(-\D.*)?", text)
        if match and group and group[1] == group[4] == match[1] and group[3] == group[6] == match[3] \
                and int(group[2]) <= int(match[2]) <= int(group[5]):
            return True
    return False


def not_blank(png: bytes) -> None:
    """The PNG decodes, has a real size, and shows more than one colour over a fair share of its pixels."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    assert width > 100 and height > 50, image.size
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 8, "a picture of a stack has more than a few colours"
    background = max(colours)[0]
    assert background < 0.97 * width * height, "almost every pixel is the background"


@pytest.mark.parametrize("name", IDS)
def test_dot_reads_every_graph_dot_with_the_edges_plan_json_records(plans, name) -> None:
    dot = need("dot")
    doc = plans[name]
    result = subprocess.run([dot, "-Tjson0"], input=dependency_graph(doc).source, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr
    graph = json.loads(result.stdout)
    urn_of = {o["_gvid"]: o["tooltip"] for o in graph["objects"]}
    registered = {r["urn"] for r in doc["resources"]}
    assert registered <= set(urn_of.values()) and len(urn_of) == len(set(urn_of.values()))
    extra = set(urn_of.values()) - registered  # dependencies on resources read by ID, not registered
    assert extra == {d for r in doc["resources"] for d in r["options"]["dependsOn"]} - registered
    edges = {(urn_of[e["tail"]], urn_of[e["head"]]) for e in graph.get("edges", [])}
    assert edges == recorded_edges(doc)


@pytest.mark.parametrize("name", IDS)
def test_topology_svg_names_every_server_and_network_and_rasterises(plans, name, tmp_path) -> None:
    need("dot")
    rsvg = need("rsvg-convert")
    doc = plans[name]
    svg = topology_svg(doc)
    texts = svg_texts(svg)
    servers = [r["inputs"]["name"] for r in doc["resources"] if r["type"] == INSTANCE]
    networks = [r["inputs"]["name"] for r in doc["resources"] if r["type"] == NETWORK]
    assert servers or networks or name.endswith("Neutron_floating.template")
    for server in servers:
        assert named(server, texts), (server, texts)
    for network in networks:
        assert f"network {network}" in texts, (network, texts)
    path = tmp_path / "topology.svg"
    path.write_text(svg)
    png = subprocess.run([rsvg, "--format=png", str(path)], capture_output=True, check=True).stdout
    not_blank(png)


def test_render_command_writes_both_pictures(tmp_path, capsys) -> None:
    need("dot")
    assert cli.main(["render", "stacks/web.yaml", "--out", str(tmp_path)]) == 0
    assert "topology.svg" not in capsys.readouterr().out  # no note: both were written
    texts = svg_texts((tmp_path / "topology.svg").read_text())
    assert "web-0 … web-1" in texts and "2 servers (web-N)" in texts
    assert "server group web (anti-affinity)" in texts and "2 × 10 GB" in texts
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert (tmp_path / "graph.dot").read_text() == dependency_graph(plan).source


def test_render_without_dot_writes_graph_dot_and_one_note(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no `dot` anywhere
    assert cli.main(["render", "stacks/app-db.yaml", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "graph.dot").is_file() and not (tmp_path / "topology.svg").exists()
    notes = [line for line in out.splitlines() if "topology.svg" in line]
    assert len(notes) == 1 and notes[0].strip().startswith("note:") and "graphviz" in notes[0], out


def test_counted_servers_are_one_group_with_their_count(write_stack) -> None:
    need("dot")
    path = write_stack("""
        networks:
          lan: {subnets: {lan-v4: {cidr: 10.9.0.0/16}}}
        servers:
          node:
            count: 40
            image: debian-12
            flavor: m1.tiny
            ports: [{network: lan}]
        """)
    doc = render(path).to_dict()
    nodes = node_texts(topology_svg(doc))
    group = [n for n in nodes if "node-0 … node-39" in n]
    assert len(group) == 1 and "40 servers (node-N)" in group[0], nodes
    assert not any("node-7" in t for n in nodes for t in n), "members are not drawn one by one"


def test_kolla_stack_shows_roles_and_the_vip(plans) -> None:
    need("dot")
    texts = svg_texts(topology_svg(plans["stacks/kolla-ha.yaml"]))
    for label in ("controller nodes (3)", "compute nodes (2)", "storage nodes (1)", "VIP kolla-vip"):
        assert label in texts, (label, texts)
    vip = next(n for n in node_texts(topology_svg(plans["stacks/kolla-ha.yaml"])) if "VIP kolla-vip" in n)
    assert any("10.40.0.254" in t for t in vip) and "held by kolla-control01" in vip


BEFORE = """
    networks:
      app: {external_network: public, subnets: {app-v4: {cidr: 10.10.0.0/24}}}
    security_groups:
      web: {rules: [{protocol: tcp, port: 80}]}
    servers:
      web:
        count: 3
        image: debian-12
        flavor: m1.small
        ports: [{network: app, security_groups: [web]}]
      cache: {image: debian-12, flavor: m1.small, ports: [{network: app}]}
    """
AFTER = """
    networks:
      app: {external_network: public, subnets: {app-v4: {cidr: 10.10.0.0/24}}}
      db: {subnets: {db-v4: {cidr: 10.20.0.0/24}}}
    security_groups:
      web: {rules: [{protocol: tcp, port: 80}]}
    servers:
      web:
        count: 2
        image: debian-12
        flavor: m1.medium
        ports: [{network: app, security_groups: [web]}]
      cache: {image: debian-12, flavor: m1.small, key_name: ops-existing, ports: [{network: app}]}
      db: {image: debian-12, flavor: m1.small, ports: [{network: db}]}
    """


def test_diff_svg_marks_each_kind_of_change(write_stack, tmp_path, capsys) -> None:
    need("dot")
    old, new = write_stack(BEFORE, "old.yaml"), write_stack(AFTER, "new.yaml")
    out = tmp_path / "diff.svg"
    assert cli.main(["diff", str(old), str(new), "--svg", str(out)]) == 3
    text = capsys.readouterr().out
    assert "(replace) cache" in text and "(delete) web-2" in text
    nodes = node_texts(out.read_text())

    def node(header: str) -> list[str]:
        found = [n for n in nodes if n and n[0] == header]
        assert len(found) == 1, (header, nodes)
        return found[0]

    assert "+- replace" in node("cache")  # a new key pair: Nova cannot change it in place
    assert "- delete" in node("web-2")  # drawn from OLD, though NEW has no such server
    assert "~ update" in node("web-0 … web-1")  # resize
    assert "+ create" in node("db") and "+ create" in node("network db")
    assert not any(w in t for t in node("network app") for w in ("create", "update", "replace", "delete"))
    legend = node("legend")
    assert legend == ["legend", "+ create", "~ update", "+- replace", "- delete"]


def test_readme_picture_is_the_current_topology_of_web() -> None:
    """docs/web-topology.dot is what docs/pictures.sh drew docs/web-topology.png from; it must match today's."""
    from openstack_stacks.tools.pictures import topology_of

    source = topology_of(render("stacks/web.yaml").to_dict()).source
    assert (ROOT / "docs/web-topology.dot").read_text() == source, "run bash docs/pictures.sh"
    assert (ROOT / "docs/web-topology.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/web-topology.png" in (ROOT / "README.md").read_text()


def test_diff_svg_without_dot_is_one_error_line(write_stack, tmp_path, capsys, monkeypatch) -> None:
    old = write_stack(BEFORE, "old.yaml")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["diff", str(old), str(old), "--svg", str(tmp_path / "d.svg")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "dot" in err[0]


def test_readme_render_sample_counts_the_files_render_writes(tmp_path, capsys) -> None:
    need("dot")
    readme = (ROOT / "README.md").read_text()
    sample = re.search(r"\$ python -m components render stacks/web.yaml --out out/\n(.*?)```", readme, re.S)[1]
    assert cli.main(["render", "stacks/web.yaml", "--out", f"{tmp_path}/"]) == 0  # as the README types it
    wrote = capsys.readouterr().out.splitlines()[-1]
    assert wrote.replace(f"{tmp_path}/", "out/") == sample.strip().splitlines()[-1]


def drawn(svg: str) -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """Nodes (Graphviz id -> texts) and edges (tail id, head id) of a laid-out SVG."""
    root = ET.fromstring(svg)
    nodes, edges = {}, set()
    for g in root.iter(f"{SVG}g"):
        title = g.findtext(f"{SVG}title") or ""
        if g.get("class") == "node":
            nodes[title] = [t.text for t in g.iter(f"{SVG}text") if t.text]
        elif g.get("class") == "edge":
            tail, head = title.split("->")
            edges.add((tail.split(":")[0], head.split(":")[0]))
    return nodes, edges


def test_app_db_picture_joins_networks_servers_and_volumes_as_the_plan_does(plans) -> None:
    need("dot")
    nodes, edges = drawn(topology_svg(plans["stacks/app-db.yaml"]))
    ids = {texts[0]: node for node, texts in nodes.items()}
    assert {("public", "backend-router"), ("backend-router", "network backend"), ("network backend", "db"),
            ("network backend", "app"), ("db", "db-data")} <= {
        (nodes[a][0], nodes[b][0]) for a, b in edges}
    db, app = nodes[ids["db"]], nodes[ids["app"]]
    assert "backend: 192.168.40.10" in db and "sg: db" in db and "m1.medium · debian-12" in db
    assert "floating IP 203.0.113.1" in app and "sg: app" in app and "backend: dhcp" in app
    assert "backend-v4 192.168.40.0/24" in nodes[ids["network backend"]]
    assert "50 GB" in nodes[ids["db-data"]]


def test_names_with_markup_quotes_and_backslashes_are_drawn_as_text(plans) -> None:
    need("dot")
    doc = json.loads(json.dumps(plans["stacks/app-db.yaml"]))
    odd = '<b>db</b> "x" \\ y'
    for r in doc["resources"]:
        if r["name"] == "db":
            r["name"] = odd
            if r["custom"] and "name" in r["inputs"]:
                r["inputs"]["name"] = odd
    assert odd in svg_texts(topology_svg(doc))
    result = subprocess.run([need("dot"), "-Tsvg"], input=dependency_graph(doc).source, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert odd in svg_texts(result.stdout)


def test_a_server_on_networks_by_name_or_id_without_ports() -> None:
    need("dot")
    from openstack_stacks.tools.offline import run_program

    def program() -> None:
        import pulumi_openstack as openstack

        openstack.compute.Instance("bare", name="bare", flavor_name="m1.tiny", image_name="cirros",
                                   security_groups=["default"],
                                   networks=[{"name": "lab-net"}, {"uuid": "0b5c3e9e-8f4e-4f7e-9a59-1d6f0c7b2a11"}])

    nodes, edges = drawn(topology_svg(run_program(program, source="inline").to_dict()))
    ids = {texts[0]: node for node, texts in nodes.items()}
    server = nodes[ids["bare"]]
    assert "lab-net: dhcp" in server and "sg: default" in server and "m1.tiny · cirros" in server
    assert "existing network (outside the stack)" in nodes[ids["network lab-net"]]
    assert {(ids["network lab-net"], ids["bare"]), (ids["network ID 0b5c3e9e…"], ids["bare"])} <= edges


def test_resource_group_members_of_a_nested_template_are_one_group(plans) -> None:
    need("dot")
    nodes = node_texts(topology_svg(plans["tests/corpus/kolla-devenv/demos/heat/steak-rg.yaml"]))
    group = [n for n in nodes if n and n[0] == "steak-0-steak_node … steak-2-steak_node"]
    assert len(group) == 1 and "3 servers (steak-N-steak_node)" in group[0], nodes
