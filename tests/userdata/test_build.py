"""build_user_data: Heat part order per format, parts composed by a stack, determinism, golden bytes."""

from __future__ import annotations

import email
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from userdata import Part, RenderedUserData, UserDataSpec, build_user_data

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "userdata" / "heat_cfntools.mime"
SCRIPT = "#!/bin/sh\necho hello\n"
CFN_INIT = {"AWS::CloudFormation::Init": {"config": {
    "files": {"/etc/motd": {"content": "hi\n", "mode": "000644", "owner": "root", "group": "root"}},
    "commands": {"01-touch": {"command": "touch /tmp/done"}}}}}
HEAD = ["cloud-config", "boothook.sh", "part-handler.py"]


def _parts(rendered: RenderedUserData) -> list[email.message.Message]:
    message = email.message_from_string(rendered.mime.decode("utf-8"))  # as cloud-init parses it
    return [p for p in message.walk() if p.get_content_maintype() != "multipart"]


def _payload(part: email.message.Message) -> str:
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _by_name(rendered: RenderedUserData) -> dict[str, str]:
    return {p.get_filename(): _payload(p) for p in _parts(rendered)}


def golden_spec() -> UserDataSpec:
    """The spec behind tests/data/userdata/heat_cfntools.mime (regenerate by writing
    ``build_user_data(golden_spec(), "web-0").mime`` there, after reviewing the change)."""
    return UserDataSpec(
        format="HEAT_CFNTOOLS", script=SCRIPT, metadata=CFN_INIT, instance_user="ec2-user",
        parts=(Part("#cloud-config\npackages: [nginx]\n", "cloud-config", "packages.yaml",
                    "dict(recurse_array,no_replace)+list(append)"),),
    )


def test_heat_cfntools_part_order_without_metadata() -> None:
    rendered = build_user_data(UserDataSpec(script=SCRIPT), "web-0")
    names = [p.filename for p in rendered.parts]
    assert names == [*HEAD, "cfn-userdata", "loguserdata.py"]
    assert [p.get_filename() for p in _parts(rendered)] == names
    assert [p.content_type for p in rendered.parts] == [
        "text/cloud-config", "text/cloud-boothook", "text/part-handler", "text/x-cfninitdata",
        "text/x-shellscript"]
    assert _by_name(rendered)["cfn-userdata"] == SCRIPT


def test_heat_cfntools_full_order_with_metadata_server_and_user_parts() -> None:
    spec = UserDataSpec(
        script=SCRIPT, metadata=CFN_INIT, metadata_server_url="https://heat.example.org:8000/v1/",
        parts=(Part("#!/bin/sh\ntrue\n", "x-shellscript", "extra.sh"),
               Part("#cloud-boothook\n#!/bin/sh\ntrue\n", "cloud-boothook", "hook.sh")))
    rendered = build_user_data(spec, "web-0")
    assert [p.filename for p in rendered.parts] == [
        *HEAD, "cfn-userdata", "extra.sh", "hook.sh", "loguserdata.py", "cfn-init-data",
        "cfn-metadata-server", "cfn-boto-cfg"]
    files = _by_name(rendered)
    assert files["cfn-metadata-server"] == "https://heat.example.org:8000/v1/\n"
    boto = files["cfn-boto-cfg"].splitlines()
    assert boto[0] == "[Boto]"
    assert "is_secure = 1" in boto and "cfn_region_endpoint = heat.example.org" in boto
    assert "cfn_region_name = heat" in boto


def test_no_metadata_server_parts_without_url() -> None:
    names = [p.filename for p in build_user_data(UserDataSpec(metadata=CFN_INIT), "a").parts]
    assert "cfn-init-data" in names
    assert "cfn-metadata-server" not in names and "cfn-boto-cfg" not in names


def test_cfn_init_data_is_canonical_json() -> None:
    one = {"b": 1, "a": {"z": [1, 2], "y": "é"}}
    two = {"a": {"y": "é", "z": [1, 2]}, "b": 1}
    first = _by_name(build_user_data(UserDataSpec(metadata=one), "s"))["cfn-init-data"]
    second = _by_name(build_user_data(UserDataSpec(metadata=two), "s"))["cfn-init-data"]
    assert first == second == '{"a":{"y":"\\u00e9","z":[1,2]},"b":1}'
    assert json.loads(first) == one
    names = [p.filename for p in build_user_data(UserDataSpec(metadata={}), "s").parts]
    assert "cfn-init-data" not in names  # Heat leaves out empty metadata


def test_software_config_order_and_script_typed_like_cloud_init() -> None:
    spec = UserDataSpec(
        format="SOFTWARE_CONFIG", script="#cloud-config\nruncmd: [[echo, hi]]\n", metadata=CFN_INIT,
        parts=(Part("#!/bin/sh\ntrue\n", "x-shellscript", "a.sh"),))
    rendered = build_user_data(spec, "app")
    assert [(p.filename, p.content_type) for p in rendered.parts] == [
        ("cloud-config", "text/cloud-config"), ("boothook.sh", "text/cloud-boothook"),
        ("part-handler.py", "text/part-handler"), (None, "text/cloud-config"),
        ("a.sh", "text/x-shellscript"), ("cfn-init-data", "text/x-cfninitdata")]
    shell = build_user_data(UserDataSpec(format="SOFTWARE_CONFIG", script=SCRIPT), "app")
    assert shell.parts[3].content_type == "text/x-shellscript"
    assert "loguserdata.py" not in [p.filename for p in shell.parts]


def test_raw_passes_script_through() -> None:
    rendered = build_user_data(UserDataSpec(format="RAW", script=SCRIPT), "r")
    assert rendered.mime == SCRIPT.encode()
    assert rendered.user_data == SCRIPT
    assert not rendered.compressed
    assert [(p.filename, p.content_type) for p in rendered.parts] == [(None, "text/x-shellscript")]
    empty = build_user_data(UserDataSpec(format="RAW"), "r")
    assert (empty.user_data, empty.size, empty.parts) == ("", 0, ())


def test_merge_type_header_and_every_part_explicitly_typed() -> None:
    spec = UserDataSpec(parts=(
        Part("#cloud-config\nruncmd: [[echo, one]]\n", "cloud-config", "one.yaml", "list(append)+dict()+str()"),
        Part("#cloud-config\nruncmd: [[echo, two]]\n", "cloud-config", "two.yaml",
             "dict(recurse_array,no_replace)+list(append)"),
        Part("https://example.org/extra.yaml\n", "x-include-url", "inc")))
    parts = {p.get_filename(): p for p in _parts(build_user_data(spec, "m"))}
    assert parts["one.yaml"]["X-Merge-Type"] == "list(append)+dict()+str()"
    assert parts["two.yaml"]["X-Merge-Type"] == "dict(recurse_array,no_replace)+list(append)"
    assert parts["inc"].get_content_type() == "text/x-include-url"
    assert parts["cloud-config"]["X-Merge-Type"] is None
    for part in parts.values():
        assert part["Content-Type"].startswith("text/")
        assert part["Content-Disposition"].startswith("attachment; filename=")


def test_instance_user_fills_cloud_config_and_boothook() -> None:
    with_user = _by_name(build_user_data(UserDataSpec(instance_user="ec2-user"), "s"))
    assert "user: {name: ec2-user}\n" in with_user["cloud-config"]  # the string form is deprecated
    assert yaml.safe_load(with_user["cloud-config"])["user"] == {"name": "ec2-user"}
    assert "INSTANCE_USER='ec2-user'\n" in with_user["boothook.sh"]
    without = _by_name(build_user_data(UserDataSpec(), "s"))
    assert "user:" not in without["cloud-config"]
    assert "INSTANCE_USER=''\n" in without["boothook.sh"]
    assert "@" not in without["cloud-config"] + without["boothook.sh"]


def test_boothook_is_valid_bash() -> None:
    hook = _by_name(build_user_data(UserDataSpec(instance_user="ec2-user"), "s"))["boothook.sh"]
    subprocess.run(["bash", "-n"], input=hook.encode(), check=True)


def test_part_info_matches_payloads() -> None:
    rendered = build_user_data(golden_spec(), "web-0")
    files = _by_name(rendered)
    for info in rendered.parts:
        data = files[info.filename].encode()
        assert (info.size, info.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    summary = rendered.to_json()
    assert summary["parts"][0] == {"filename": "cloud-config", "contentType": "text/cloud-config",
                                   "size": rendered.parts[0].size, "sha256": rendered.parts[0].sha256}
    assert summary["size"] == rendered.size and summary["compressed"] is False


def test_template_line_endings_normalised() -> None:
    for part in _parts(build_user_data(golden_spec(), "web-0")):
        text = _payload(part)
        assert "\r" not in text
        assert all(line == line.rstrip() for line in text.split("\n"))


def test_golden_bytes() -> None:
    assert build_user_data(golden_spec(), "web-0").mime == GOLDEN.read_bytes()


_CHILD = """
import hashlib, sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2])
from test_build import golden_spec
from userdata import build_user_data, UserDataSpec
for spec in (golden_spec(), UserDataSpec(script="#!/bin/sh\\n" + "echo x\\n" * 20000)):
    r = build_user_data(spec, "web-0")
    print(hashlib.sha256(r.mime).hexdigest(), hashlib.sha256(r.user_data.encode()).hexdigest(), r.size)
"""


def test_same_bytes_across_processes() -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(ROOT), str(ROOT / "tests" / "userdata")],
                              capture_output=True, text=True, env=env, check=True)
        outputs.append(proc.stdout)
    here = []
    for spec in (golden_spec(), UserDataSpec(script="#!/bin/sh\n" + "echo x\n" * 20000)):
        r = build_user_data(spec, "web-0")
        here.append(f"{hashlib.sha256(r.mime).hexdigest()} "
                    f"{hashlib.sha256(r.user_data.encode()).hexdigest()} {r.size}")
    assert outputs[0] == outputs[1] == "\n".join(here) + "\n"
    assert len(outputs[0].splitlines()) == 2


@pytest.mark.parametrize("fmt", ["HEAT_CFNTOOLS", "SOFTWARE_CONFIG", "RAW"])
def test_same_spec_same_bytes_in_process(fmt: str) -> None:
    spec = UserDataSpec(format=fmt, script=SCRIPT)
    assert build_user_data(spec, "a") == build_user_data(spec, "a")


def test_cfn_init_json_object_content_is_sent_as_the_text_cfn_init_would_write() -> None:
    settings = {"b": [1, 2], "a": "x"}
    init = {"AWS::CloudFormation::Init": {"config": {"files": {
        "/etc/app.json": {"content": settings, "mode": "000644"},
        "/etc/plain": {"content": "plain\n"},
    }}}}
    sent = json.loads(_by_name(build_user_data(UserDataSpec(metadata=init), "s"))["cfn-init-data"])
    files = sent["AWS::CloudFormation::Init"]["config"]["files"]
    assert files["/etc/app.json"]["content"] == json.dumps(settings, indent=4)
    assert files["/etc/app.json"]["mode"] == "000644"
    assert files["/etc/plain"]["content"] == "plain\n"
