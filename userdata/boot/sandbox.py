"""Run cloud-init's four stages in a throw-away overlay of the cached root filesystem.

Everything happens inside ``unshare --mount --uts --ipc --pid --net --fork``: the overlay, /proc, /run and
/dev mounts, the hostname cloud-init sets and the network (loopback only) vanish with the namespace, and
nothing the boot writes reaches the cached root (writes land in the overlay's upper directory, which is
how the report knows every file the boot wrote).
"""

from __future__ import annotations

import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from userdata.boot.seed import Nic

STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("init-local", ("cloud-init", "init", "--local")),
    ("init", ("cloud-init", "init")),
    ("modules:config", ("cloud-init", "modules", "--mode", "config")),
    ("modules:final", ("cloud-init", "modules", "--mode", "final")),
)
STAGE_TIMEOUT = 600
CHROOT_ENV = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
              "LANG=C.UTF-8", "TERM=dumb")

_SCRIPT = r"""#!/bin/bash
# Runs as PID 1 of fresh mount/UTS/IPC/PID/network namespaces (see userdata/boot/sandbox.py).
set -u
lower={lower}; upper={upper}; work={work}; m={merged}; out={out}
mount --make-rprivate / || exit 90
if [ {force_copy} = 0 ] && mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$m" \
        2> "$out/setup.err"; then
    echo overlay > "$out/mode"
else
    # No overlayfs here: boot a full copy; files changed after the stamp are what the boot wrote.
    cp -a "$lower/." "$m/" && cp -a "$upper/." "$m/" || exit 91
    touch "$out/copy-stamp"
    echo copy > "$out/mode"
fi
mount -t proc -o nosuid,nodev,noexec proc "$m/proc" || exit 92
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$m/sys" 2>/dev/null || true
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$m/run" || exit 93
mount -t tmpfs -o mode=0755,nosuid tmpfs "$m/dev" || exit 94
for node in null zero full random urandom tty; do
    touch "$m/dev/$node" && mount --bind "/dev/$node" "$m/dev/$node" || exit 95
done
mkdir -p "$m/dev/pts" "$m/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$m/dev/pts" && ln -s pts/ptmx "$m/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$m/dev/shm"
ln -s /proc/self/fd "$m/dev/fd"
ln -s /proc/self/fd/0 "$m/dev/stdin"; ln -s /proc/self/fd/1 "$m/dev/stdout"; ln -s /proc/self/fd/2 "$m/dev/stderr"
mkdir -p "$m/run/lock"
hostname localhost
# The NICs Nova's network_data.json names (cloud-init looks them up by MAC), each a veth pair with
# both ends inside, holding the port's fixed addresses (the harness plays DHCP: no network config).
add_nic() {{
    local name=$1 mac=$2; shift 2
    chroot "$m" ip link add "$name" type veth peer name "$name-peer" 2>/dev/null \
        || chroot "$m" ip link add "$name" type dummy
    chroot "$m" ip link set "$name" address "$mac" && chroot "$m" ip link set "$name" up
    chroot "$m" ip link set "$name-peer" up 2>/dev/null
    for address in "$@"; do chroot "$m" ip address add "$address" dev "$name"; done
}}
chroot "$m" ip link set lo up
{nics}
# On a VM each NIC is a device (/sys/class/net/NIC/device); veths are not. A bind-mounted copy of
# /sys/class/net gives the boot's NICs that link, so "physical NIC" checks see them as on an instance.
if [ -d "$m/sys/class/net" ]; then
    net="$out/sys-class-net"; mkdir -p "$net"
    for dir in "$m"/sys/class/net/*; do
        name=${{dir##*/}}
        real=/sys/devices/virtual/net/$name
        case " {nic_names} " in
            *" $name "*)
                mkdir "$net/$name"
                for attr in "$m$real"/*; do ln -s "$real/${{attr##*/}}" "$net/$name/"; done
                ln -s "$real" "$net/$name/device" ;;
            *) ln -s "$real" "$net/$name" ;;
        esac
    done
    mount --bind "$net" "$m/sys/class/net"
fi
run() {{
    local name=$1; shift
    timeout {timeout} chroot "$m" /usr/bin/env -i {env} "$@" < /dev/null > "$out/$name.out" 2>&1
    echo $? > "$out/$name.rc"
}}
{stages}
run status-json cloud-init status --format json
run status-long cloud-init status --long
exit 0
"""


@dataclass
class BootDirs:
    """The per-boot directories (all under one temporary directory on the host)."""

    base: Path

    @property
    def upper(self) -> Path:
        return self.base / "upper"

    @property
    def work(self) -> Path:
        return self.base / "work"

    @property
    def merged(self) -> Path:
        return self.base / "merged"

    @property
    def out(self) -> Path:
        return self.base / "out"

    def create(self) -> None:
        for path in (self.upper, self.work, self.merged, self.out):
            path.mkdir(parents=True, exist_ok=True)


def script(lower: Path, dirs: BootDirs, nics: list[Nic], copy: bool = False) -> str:
    """The namespace-side shell script: mounts, NICs, then each stage with its exit code recorded."""
    nic_lines = "\n".join(shlex.join(["add_nic", n.name, n.mac, *n.addresses]) for n in nics)
    lines = "\n".join(f"run {shlex.quote(_slug(name))} {shlex.join(argv)}" for name, argv in STAGES)
    return _SCRIPT.format(lower=shlex.quote(str(lower)), upper=shlex.quote(str(dirs.upper)),
                          work=shlex.quote(str(dirs.work)), merged=shlex.quote(str(dirs.merged)),
                          out=shlex.quote(str(dirs.out)), nics=nic_lines, timeout=STAGE_TIMEOUT,
                          nic_names=" ".join(n.name for n in nics),
                          force_copy=int(copy),
                          env=" ".join(shlex.quote(e) for e in CHROOT_ENV), stages=lines)


def _slug(stage: str) -> str:
    return stage.replace(":", "-")


def run(lower: Path, dirs: BootDirs, nics: list[Nic], copy: bool = False) -> subprocess.CompletedProcess:
    """Run the boot; stage outputs and exit codes land in ``dirs.out``.

    An overlay over ``lower`` by default; a full copy when ``copy`` or when overlayfs cannot mount.
    """
    path = dirs.base / "boot.sh"
    path.write_text(script(lower, dirs, nics, copy))
    argv = ["unshare", "--mount", "--uts", "--ipc", "--pid", "--net", "--fork", "--kill-child",
            "--propagation", "private",
            "bash", str(path)]
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                          timeout=STAGE_TIMEOUT * (len(STAGES) + 2))


def view(dirs: BootDirs) -> tuple[Path, float | None]:
    """Where the boot's files are after the namespaces are gone, and the copy stamp's time (copy mode)."""
    mode = dirs.out / "mode"
    if mode.exists() and mode.read_text().strip() == "copy":
        return dirs.merged, (dirs.out / "copy-stamp").stat().st_mtime
    return dirs.upper, None


def stage_results(dirs: BootDirs) -> list[tuple[str, int | None, str]]:
    """(stage, exit code or None when it did not run, output) for each cloud-init stage."""
    results = []
    for name, _ in STAGES:
        rc_file = dirs.out / f"{_slug(name)}.rc"
        out_file = dirs.out / f"{_slug(name)}.out"
        rc = int(rc_file.read_text().strip()) if rc_file.exists() else None
        results.append((name, rc, out_file.read_text(errors="replace") if out_file.exists() else ""))
    return results


def step_output(dirs: BootDirs, name: str) -> tuple[int | None, str]:
    rc_file, out_file = dirs.out / f"{name}.rc", dirs.out / f"{name}.out"
    rc = int(rc_file.read_text().strip()) if rc_file.exists() else None
    return rc, out_file.read_text(errors="replace") if out_file.exists() else ""
