"""A part filename that tries to leave /var/lib/heat-cfntools is refused at render time and on the instance."""

from __future__ import annotations

import pytest

from userdata import Part, UserDataError, UserDataSpec, build_user_data

ESCAPES = ("../x", "/etc/x")
PLACEHOLDERS = ("escape-one", "escape-two")


@pytest.mark.parametrize("filename", ESCAPES)
def test_builder_refuses_escaping_filename(filename: str) -> None:
    spec = UserDataSpec(script="#!/bin/sh\ntrue\n", parts=(Part("payload", "x-cfninitdata", filename=filename),))
    with pytest.raises(UserDataError, match="not a plain file name"):
        build_user_data(spec, "escape")


@pytest.mark.boot
def test_part_handler_refuses_escaping_filename_on_the_instance(boot) -> None:
    # Render legal names, then rewrite them in the MIME as a hostile or hand-made payload would:
    # the part handler on the instance is the last line of defence (Heat's own writes os.path.join(dir, name)).
    parts = tuple(Part(f"payload of {name}\n", "x-cfninitdata", filename=name) for name in PLACEHOLDERS)
    mime = build_user_data(UserDataSpec(script="#!/bin/sh\necho still-provisioned\n", parts=parts), "escape").mime
    for placeholder, hostile in zip(PLACEHOLDERS, ESCAPES):
        assert f'filename="{placeholder}"'.encode() in mime
        mime = mime.replace(f'filename="{placeholder}"'.encode(), f'filename="{hostile}"'.encode())

    report = boot(mime, server="escape")

    targets = {"/var/lib/x", "/etc/x", "/x", "/var/lib/cloud/data/x", "/var/lib/heat-cfntools/x"}
    assert not targets & set(report.written), sorted(targets & set(report.written))
    assert not [p for p in report.written if p.endswith("/x")]
    assert {f.path.rsplit("/", 1)[1] for f in report.heat_files} == {"cfn-userdata", "provision-finished"}
    for hostile in ESCAPES:
        assert f"refusing part filename {hostile!r}" in report.part_handler_log
    assert [(p.filename, p.handler) for p in report.parts if p.filename in ESCAPES] == [
        (name, "part-handler-000") for name in ESCAPES]
    assert not report.ok  # the handler's refusal is a cloud-init warning, so the boot is not clean
    assert any("Failed calling handler" in line for line in report.log_problems), report.to_text()
    assert "still-provisioned" in report.provision_log  # the other parts still went through
