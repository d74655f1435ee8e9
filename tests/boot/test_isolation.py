"""A boot leaves the host and the cached root filesystem as they were."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from userdata import UserDataSpec, build_user_data

pytestmark = pytest.mark.boot


def test_boot_leaves_host_and_cache_untouched(boot) -> None:
    from userdata.boot.rootfs import cached_rootfs

    lower = cached_rootfs().path
    mounts = Path("/proc/self/mountinfo").read_text()
    hostname = socket.gethostname()
    script = "#!/bin/sh\nset -e\nhostname\ntouch /etc/written-by-boot\nip -o link show | cut -d: -f2\n"
    report = boot(build_user_data(UserDataSpec(script=script), "isolated-host").user_data, server="isolated-host")
    assert report.ok, report.to_text()
    lines = [line.strip() for line in report.provision_log.splitlines()]
    assert "isolated-host" in lines  # cloud-init set the hostname from meta_data.json ...
    assert socket.gethostname() == hostname  # ... in its own UTS namespace
    assert {"lo", "eth0@eth0-peer"} <= set(lines)  # only the namespace's own links
    assert Path("/proc/self/mountinfo").read_text() == mounts
    assert "/etc/written-by-boot" in report.written
    assert not (lower / "etc/written-by-boot").exists()
    assert not (lower / "var/lib/cloud/instances").exists()


def test_copy_fallback_boots_like_the_overlay(boot) -> None:
    """Without overlayfs the harness boots a full copy; the report must not change."""
    script = "#!/bin/sh\necho fallback\ntouch /var/lib/fallback-marker\n"
    user_data = build_user_data(UserDataSpec(script=script), "fallback").user_data
    overlay = boot(user_data, server="fallback")
    copy = boot(user_data, server="fallback", copy=True)
    assert overlay.ok and copy.ok, copy.to_text()
    assert [(p.filename, p.handler) for p in copy.parts] == [(p.filename, p.handler) for p in overlay.parts]
    assert [(f.path, f.mode, f.owner) for f in copy.heat_files] == [
        (f.path, f.mode, f.owner) for f in overlay.heat_files]
    assert "/var/lib/fallback-marker" in copy.written
    # the overlay also copies up files only opened for writing; the copy sees real changes only
    assert set(copy.written) <= set(overlay.written)
