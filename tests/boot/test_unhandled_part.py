"""A part no cloud-init handler takes is reported as unhandled (Heat's `filename: boot.sh` trap)."""

from __future__ import annotations

import re

import pytest

from userdata import Part, UserDataSpec, build_user_data

pytestmark = pytest.mark.boot


def test_unknown_content_type_is_reported_unhandled(boot) -> None:
    # Heat types a part without subtype by its filename stem: boot.sh -> text/boot, unknown to cloud-init.
    part = Part("#!/bin/sh\ntouch /var/lib/boot-sh-ran\n", "x-shellscript", filename="boot.sh")
    mime = build_user_data(UserDataSpec(script="#!/bin/sh\ntrue\n", parts=(part,)), "trap").mime
    mime, count = re.subn(rb'(filename="boot\.sh".*?Content-Type: )text/x-shellscript', rb"\1text/boot", mime,
                          count=1, flags=re.DOTALL)
    assert count == 1
    report = boot(mime, server="trap")
    assert [(p.filename, p.content_type) for p in report.unhandled] == [("boot.sh", "text/boot")]
    assert "/var/lib/boot-sh-ran" not in report.written
    assert any("Unhandled unknown content-type (text/boot)" in line for line in report.log_problems)
    assert "part boot.sh (text/boot) was not handled" in report.problems()
    assert "boot.sh text/boot -> UNHANDLED" in report.to_text()
