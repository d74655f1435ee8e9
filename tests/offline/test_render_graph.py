"""The example stacks through the real program: resource graph, options, names, outputs."""

from __future__ import annotations

from pathlib import Path

from openstack_stacks.tools.offline import render

INSTANCE = "openstack:compute/instance:Instance"
PORT = "openstack:networking/port:Port"
VOLUME = "openstack:blockstorage/volume:Volume"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
RIF = "openstack:networking/routerInterface:RouterInterface"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIPA = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
RULE = "openstack:networking/secGroupRule:SecGroupRule"


def _counts(plan) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in plan.resources:
        out[r["type"]] = out.get(r["type"], 0) + 1
    return out


def test_web_stack_graph() -> None:
    plan = render("stacks/web.yaml")
    counts = _counts(plan)
    assert counts[INSTANCE] == 2
    assert counts[PORT] == 2
    assert counts[VOLUME] == 2
    assert counts[ATTACH] == 2
    assert counts[FIP] == 2 and counts[FIPA] == 2
    assert counts[RULE] == 4
    assert counts["openstack:networking/router:Router"] == 1
    assert counts[RIF] == 1
    names = sorted(r["name"] for r in plan.by_type(INSTANCE))
    assert names == ["web-0", "web-1"]


def test_every_component_has_its_type_token_and_parent() -> None:
    plan = render("stacks/web.yaml")
    by_urn = {r["urn"]: r for r in plan.resources}
    for r in plan.resources:
        if r["custom"]:
            parent = by_urn[r["parent"]]
            assert parent["type"].startswith("openstack-stacks:index:"), r["name"]
    tokens = {r["type"] for r in plan.resources if not r["custom"]}
    tokens |= {r["type"] for r in render("stacks/app-db.yaml").resources if not r["custom"]}
    assert {"openstack-stacks:index:Stack", "openstack-stacks:index:Server", "openstack-stacks:index:Network",
            "openstack-stacks:index:SecurityGroup", "openstack-stacks:index:Volume"} <= tokens
    # A member's own volume (web-0-data) is the stack's child, not its server's: it outlives the server.
    inline = plan.get("web-0-data", "openstack:blockstorage/volume:Volume")
    assert by_urn[inline["parent"]]["type"] == "openstack-stacks:index:Stack"


def test_instance_uses_explicit_ports_and_no_security_groups() -> None:
    plan = render("stacks/web.yaml")
    ports = {r["id"]: r for r in plan.by_type(PORT)}
    for inst in plan.by_type(INSTANCE):
        inputs = inst["inputs"]
        assert "securityGroups" not in inputs
        assert [set(n) for n in inputs["networks"]] == [{"port"}]
        port = ports[inputs["networks"][0]["port"]]
        assert port["inputs"]["securityGroupIds"], "security groups belong on the port"
        assert inputs["name"] == inst["name"]
        assert inputs["flavorName"] == "m1.small" and inputs["imageName"] == "debian-12"
        assert inputs["schedulerHints"][0]["group"]
        assert inputs["keyPair"] == "ops"


def test_only_what_needs_the_router_interface_waits_for_it(tmp_path) -> None:
    """Floating-IP associations and instances reading metadata through the router wait for the router
    interface; ports and floating IPs do not (issue 14), and with a config drive the instance does not."""
    plan = render("stacks/web.yaml")
    rif = plan.by_type(RIF)[0]["urn"]
    subnet = plan.by_type("openstack:networking/subnet:Subnet")[0]["urn"]
    for token, waits in ((FIPA, True), (INSTANCE, True), (PORT, False), (FIP, False)):
        for r in plan.by_type(token):
            assert (rif in r["options"]["dependsOn"]) is waits, (token, r["name"])
    assert all(subnet in r["options"]["dependsOn"] for r in plan.by_type(PORT))
    assert subnet in plan.by_type(RIF)[0]["options"]["dependsOn"]
    drive = tmp_path / "drive.yaml"
    drive.write_text(Path("stacks/web.yaml").read_text().replace("    key_pair: ops\n",
                                                                  "    key_pair: ops\n    config_drive: true\n", 1))
    assert "config_drive: true" in drive.read_text()
    for r in render(drive).by_type(INSTANCE):
        assert rif not in r["options"]["dependsOn"] and r["inputs"]["configDrive"] is True


def test_server_depends_on_waits_for_the_other_instance_only(tmp_path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("""
networks:
  lan: {subnets: {lan-v4: {cidr: 10.1.0.0/24}}}
servers:
  db:
    image: debian-12
    flavor: m1.small
    ports: [{network: lan}]
    volumes: [{name_suffix: data, size: 5}]
  app:
    image: debian-12
    flavor: m1.small
    ports: [{network: lan}]
    depends_on: [db]
""")
    plan = render(path)
    app, db = plan.get("app", INSTANCE), plan.get("db", INSTANCE)
    assert db["urn"] in app["options"]["dependsOn"]
    assert plan.get("db-data-attach", ATTACH)["urn"] not in app["options"]["dependsOn"]


def test_volumes_protected_and_attachments_detach_first() -> None:
    plan = render("stacks/web.yaml")
    for vol in plan.by_type(VOLUME):
        assert vol["options"]["protect"] is True
    for att in plan.by_type(ATTACH):
        assert att["options"]["deleteBeforeReplace"] is True
        assert "device" not in att["inputs"]
    db = render("stacks/app-db.yaml").get("db-data", VOLUME)
    assert db["options"]["retainOnDelete"] is True and db["options"]["protect"] is True


def test_floating_ip_uses_one_association_mechanism() -> None:
    plan = render("stacks/web.yaml")
    for fip in plan.by_type(FIP):
        assert "portId" not in fip["inputs"]
        assert fip["inputs"]["pool"] == "public"
    ports = {r["id"] for r in plan.by_type(PORT)}
    for assoc in plan.by_type(FIPA):
        assert assoc["inputs"]["portId"] in ports


def test_security_group_rules_always_send_cidrs() -> None:
    plan = render("stacks/app-db.yaml")
    prefixes = [r["inputs"].get("remoteIpPrefix") for r in plan.by_type(RULE)]
    assert "203.0.113.7/32" in prefixes
    assert all(p is None or "/" in p for p in prefixes)
    remote_groups = [r for r in plan.by_type(RULE) if r["inputs"].get("remoteGroupId")]
    app_group = plan.get("app", "openstack:networking/secGroup:SecGroup")
    assert {r["inputs"]["remoteGroupId"] for r in remote_groups} == {app_group["id"]}


def test_outputs_resolve_to_allocated_addresses() -> None:
    plan = render("stacks/web.yaml")
    ips = plan.outputs["web_private_ips"]
    assert len(ips) == 2 and all(ip.startswith("10.10.0.") for ip in ips)
    port_ips = sorted(r["inputs"]["fixedIps"][0].get("ipAddress") or "" for r in plan.by_type(PORT))
    assert port_ips == ["", ""]  # dynamic addresses: not pinned in the inputs
    assert plan.outputs["url"] == [f"http://{ip}/" for ip in plan.outputs["web_public_ips"]]
    assert render("stacks/app-db.yaml").outputs["db_address"] == "192.168.40.10"


def test_count_gives_stable_names_and_parameters_coerce() -> None:
    plan = render("stacks/web.yaml", {"web_count": "3"})
    assert sorted(r["name"] for r in plan.by_type(INSTANCE)) == ["web-0", "web-1", "web-2"]
    assert sorted(r["name"] for r in plan.by_type(VOLUME)) == ["web-0-data", "web-1-data", "web-2-data"]
    meta = {r["name"]: r["inputs"]["metadata"]["index"] for r in plan.by_type(INSTANCE)}
    assert meta == {"web-0": "0", "web-1": "1", "web-2": "2"}


def test_user_data_parts_in_heat_order() -> None:
    plan = render("stacks/web.yaml")
    parts = plan.user_data["web-0"].parts
    types = [p["contentType"] for p in parts]
    assert types[:3] == ["text/cloud-config", "text/cloud-boothook", "text/part-handler"]
    assert ("cfn-userdata", "text/x-cfninitdata") in [(p["filename"], p["contentType"]) for p in parts]
    assert b"web server 0 provisioning" in plan.user_data["web-0"].mime
    assert b"web server 1 provisioning" in plan.user_data["web-1"].mime


def test_secret_parameter_makes_user_data_secret_and_never_plain() -> None:
    plan = render("stacks/app-db.yaml", {"db_password": "Sup3r-secret-pw"})
    db = plan.get("db", INSTANCE)
    assert "userData" in db["secretInputs"]
    assert db["inputs"]["userData"]["secret"].startswith("hmac-sha256:")
    assert "Sup3r-secret-pw" not in plan.to_json()
    assert plan.user_data["db"].secret
    assert b"Sup3r-secret-pw" in plan.user_data["db"].mime  # the cloud still receives it
    assert "userData" not in plan.get("app", INSTANCE)["secretInputs"]


def test_cfn_init_metadata_travels_as_cfn_init_data() -> None:
    plan = render("stacks/app-db.yaml")
    names = [p["filename"] for p in plan.user_data["db"].parts]
    assert "cfn-init-data" in names
    assert b"AWS::CloudFormation::Init" in plan.user_data["db"].mime


def test_software_config_keeps_user_parts_with_merge_headers() -> None:
    plan = render("stacks/app-db.yaml")
    mime = plan.user_data["app"].mime
    assert mime.count(b"X-Merge-Type: list(append)+dict(recurse_array)+str()") == 2
    assert b'filename="start-app.sh"' in mime
    names = [p["filename"] for p in plan.user_data["app"].parts]
    assert "cfn-userdata" not in names and "loguserdata.py" not in names
