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
