"""A payload too big for Nova as plain base64 goes out gzip+base64 and boots the same as plain MIME."""

from __future__ import annotations

import pytest

from userdata import Part, UserDataSpec

pytestmark = pytest.mark.boot

BIG_FILE = "/etc/big-part.txt"


def _big_spec() -> UserDataSpec:
    lines = "\n".join(f"line {i:05d} of a large cloud-config part" for i in range(2500))
    cloud_config = ("#cloud-config\nwrite_files:\n  - path: " + BIG_FILE + "\n    permissions: '0644'\n"
                    "    content: |\n" + "".join(f"      {line}\n" for line in lines.splitlines()))
    return UserDataSpec(script="#!/bin/sh\necho big payload booted\n",
                        parts=(Part(cloud_config, "cloud-config"),))


def _comparable(report) -> dict:
    return {
        "parts": [(p.filename, p.content_type, p.handler) for p in report.parts],
        "heat_files": [(f.path, f.mode, f.owner, f.size) for f in report.heat_files],
        "provision": [line for line in report.provision_log.splitlines() if not line.startswith("Provision ")],
        "finished": report.provision_finished,
        "big_file": report.captured[BIG_FILE],
    }


def test_gzip_base64_payload_boots_like_plain(boot_spec, boot) -> None:
    rendered, gz = boot_spec(_big_spec(), server="big", capture=(BIG_FILE,))
    assert rendered.compressed, "a part this large must force gzip+base64"
    assert rendered.user_data.isascii() and rendered.size <= 65535
    plain = boot(rendered.mime, server="big", capture=(BIG_FILE,))  # same MIME, delivered uncompressed
    assert gz.ok, gz.to_text()
    assert plain.ok, plain.to_text()
    assert _comparable(gz) == _comparable(plain)
    assert gz.captured[BIG_FILE].splitlines()[-1] == "line 02499 of a large cloud-config part"
