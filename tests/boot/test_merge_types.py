"""Two cloud-config fragments with X-Merge-Type merge as cloud-init documents: lists appended."""

from __future__ import annotations

import pytest

from userdata import Part, UserDataSpec

pytestmark = pytest.mark.boot

APPEND = "list(append)+dict(recurse_array)+str()"
FIRST, SECOND = "/etc/merge-first.conf", "/etc/merge-second.conf"


def _fragment(path: str, merge_type: str | None) -> Part:
    text = f"#cloud-config\nwrite_files:\n  - path: {path}\n    content: \"from {path}\\n\"\n"
    return Part(text, "cloud-config", merge_type=merge_type)


def _spec(merge_type: str | None) -> UserDataSpec:
    return UserDataSpec(script="#!/bin/sh\ntrue\n",
                        parts=(_fragment(FIRST, merge_type), _fragment(SECOND, merge_type)))


def test_list_append_keeps_both_fragments(boot_spec) -> None:
    rendered, report = boot_spec(_spec(APPEND), server="merge-append", capture=(FIRST, SECOND))
    assert rendered.mime.count(f"X-Merge-Type: {APPEND}".encode()) == 2
    assert report.ok, report.to_text()
    assert report.captured == {FIRST: f"from {FIRST}\n", SECOND: f"from {SECOND}\n"}


def test_default_merge_replaces_the_list(boot_spec) -> None:
    # cloud-init's default merger is dict(replace)+list()+str(): the later write_files list wins.
    _rendered, report = boot_spec(_spec(None), server="merge-default", capture=(FIRST, SECOND))
    assert report.ok, report.to_text()
    assert report.captured == {FIRST: None, SECOND: f"from {SECOND}\n"}
