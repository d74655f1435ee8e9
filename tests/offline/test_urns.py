"""Offline URNs are the engine's: the whole parent type chain below the root stack (tests/data/urns holds
URNs the engine wrote, with their source in pulumi/pulumi)."""

from __future__ import annotations

import json
from pathlib import Path

from openstack_stacks.tools.adopt import adopt_plan
from openstack_stacks.tools.diffing import diff_plans
from openstack_stacks.tools.offline import render
from openstack_stacks.tools.urns import ROOT_TYPE, engine_urn, normalise, qualified_type, split_urn, urn_type

DATA = json.loads((Path(__file__).parents[1] / "data" / "urns" / "engine-urns.json").read_text())
STACK_URN = DATA["root"]["stack"]
INSTANCE = "openstack:compute/instance:Instance"
TRIO = Path(__file__).parents[1] / "data" / "diff" / "churn" / "trio.yaml"


def test_engine_urns_of_a_four_level_chain_are_rebuilt_from_their_parents() -> None:
    chain = DATA["chains"]
    urns: dict[str, str] = {}
    for res in chain["resources"]:
        urns[res["name"]] = engine_urn(chain["stack"], chain["project"], urns.get(res["parent"] or ""),
                                       res["type"], res["name"])
        assert urns[res["name"]] == res["urn"]


def test_checkpoint_urns_split_into_their_fields() -> None:
    for entry in DATA["checkpoint"]["urns"]:
        assert split_urn(entry["urn"]) == (entry["stack"], entry["project"], entry["type"], entry["name"])
        assert urn_type(entry["urn"]) == entry["type"]


def test_root_stack_parent_adds_no_type_and_sdk_spelling_is_normalised() -> None:
    assert qualified_type(STACK_URN) == ROOT_TYPE
    top = engine_urn("dev", "openstack-stacks", STACK_URN, "openstack-stacks:index:Stack", "web")
    assert top == "urn:pulumi:dev::openstack-stacks::openstack-stacks:index:Stack::web"
    sdk = "urn:pulumi:dev::openstack-stacks::pulumi:pulumi:Stack$openstack-stacks:index:Stack::web"
    assert normalise(sdk) == top
    assert split_urn("urn:pulumi:s::p::t:m:T::a::b")[3] == "a::b"  # names may hold '::' (URN.Name)


def test_every_rendered_urn_is_the_engines_for_its_parent() -> None:
    plan = render("stacks/web.yaml").to_dict()
    by_urn = {r["urn"]: r for r in plan["resources"]}
    for res in plan["resources"]:
        # The engine's snapshot integrity check: a child's qualified type is its parent's plus its own.
        assert res["urn"] == engine_urn("dev", "openstack-stacks", res["parent"], res["type"], res["name"])
        assert res["parent"] in by_urn or res["parent"] == STACK_URN
    web0 = plan["userData"]["web-0"]["urn"]
    assert web0 == ("urn:pulumi:dev::openstack-stacks::openstack-stacks:index:Stack$openstack-stacks:index:Server"
                    "$openstack:compute/instance:Instance::web-0")
    assert by_urn[web0]["type"] == INSTANCE


def test_renamed_server_aliases_are_engine_urns_and_the_diff_follows_them(tmp_path) -> None:
    src = TRIO.read_text()
    renamed = tmp_path / "trio.yaml"
    renamed.write_text(src.replace("  alpha:", "  first:\n    previous_names: [alpha]", 1))
    old = render(TRIO).to_dict()
    new = render(renamed).to_dict()
    server = next(r for r in new["resources"] if r["name"] == "first" and not r["custom"])
    alias = "urn:pulumi:dev::openstack-stacks::openstack-stacks:index:Stack$openstack-stacks:index:Server::alpha"
    assert server["options"]["aliases"] == [alias]
    assert alias in {r["urn"] for r in old["resources"]}
    diff = diff_plans(old, new)
    assert not diff.by_op("create") and not diff.by_op("delete")


def test_adopted_import_entries_give_the_rendered_urns() -> None:
    plan = render(TRIO).to_dict()
    rows = json.loads((Path(__file__).parents[1] / "data" / "adopt" / "trio-heat-resources.json").read_text())
    entries = adopt_plan(plan, rows, {}).import_file()["resources"]
    urns: dict[str, str] = {}
    for entry in entries:  # `pulumi import`: parent by entry name, the engine adds the parent's type chain
        urns[entry["name"]] = engine_urn("dev", "openstack-stacks", urns.get(entry.get("parent", ""), ""),
                                         entry["type"], entry["logicalName"])
    rendered = {r["urn"] for r in plan["resources"]}
    assert set(urns.values()) <= rendered
    assert any(u.count("$") >= 2 for u in urns.values())  # a leaf under two components
