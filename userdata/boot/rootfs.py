"""The cached Debian root filesystem the harness boots: cloud-init from Debian, heat-cfntools from PyPI.

Built once with ``mmdebstrap`` into ``~/.cache/openstack-stacks/boot-rootfs-<recipe hash>`` and reused;
a repeat run only checks the marker file. ``python -m userdata.boot`` builds it (CI setup).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

CACHE_ENV = "OPENSTACK_STACKS_CACHE"
EXTRA_DEBS_ENV = "OPENSTACK_STACKS_BOOT_DEBS"
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
OFFLINE_REPO = "/var/local/offline-debs"
MARKER = "boot-rootfs.json"


@dataclass(frozen=True)
class Recipe:
    """Everything that decides the content of the root filesystem (its hash names the cache)."""

    suite: str = "bookworm"
    mirror: str = "http://deb.debian.org/debian"
    packages: tuple[str, ...] = (
        "cloud-init", "python3", "python3-pip", "iproute2", "openssh-server", "sudo",
        "ca-certificates", "curl", "apt-utils", "locales",
    )
    # heat-cfntools and its dependencies, pinned (pip freeze of a working install).
    pip: tuple[str, ...] = ("heat-cfntools==2.0.0", "boto==2.49.0", "pbr==7.1.3", "psutil==7.2.2")
    # Debian packages (with their dependencies) put into a local apt repository inside the image, so
    # cloud-config `packages:` can install them while the boot has no network. The example stacks
    # install nginx. Add more with OPENSTACK_STACKS_BOOT_DEBS="pkg1 pkg2" (changes the cache key).
    offline_debs: tuple[str, ...] = ("nginx",)
    build_steps: int = 5  # bump when the build steps below change

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Rootfs:
    """A built root filesystem: its directory and how long the build took (0 when cached)."""

    path: Path
    recipe: Recipe
    build_seconds: float = 0.0
    cached: bool = True
    info: dict = field(default_factory=dict)


def default_recipe() -> Recipe:
    extra = tuple(sorted(set(os.environ.get(EXTRA_DEBS_ENV, "").split())))
    recipe = Recipe()
    if extra:
        recipe = Recipe(offline_debs=tuple(sorted(set(recipe.offline_debs) | set(extra))))
    return recipe


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "openstack-stacks")


def rootfs_path(recipe: Recipe | None = None) -> Path:
    recipe = recipe or default_recipe()
    return cache_dir() / f"boot-rootfs-{recipe.key}"


def cached_rootfs(recipe: Recipe | None = None) -> Rootfs | None:
    """The cached root filesystem for ``recipe``, or None when it is not built yet."""
    recipe = recipe or default_recipe()
    path = rootfs_path(recipe)
    marker = path / MARKER
    if not marker.is_file():
        return None
    return Rootfs(path / "root", recipe, info=json.loads(marker.read_text()))


_HOOK = r"""#!/bin/sh
# mmdebstrap customize hook: $1 is the new root (proc/dev/sys are mounted by mmdebstrap).
set -eu
root="$1"
cp "{ca_bundle}" "$root/tmp/host-ca.crt"
# heat-cfntools from PyPI, with a clean environment: the build machine's PIP_* settings and
# pip.conf do not apply inside the image; only its CA bundle (it may sit behind a TLS proxy).
chroot "$root" env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    PIP_CERT=/tmp/host-ca.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
    python3 -m pip install --break-system-packages --no-cache-dir --no-warn-script-location {pip}
rm -f "$root/tmp/host-ca.crt"
# /opt/aws/bin links as diskimage-builder's heat-cfntools element makes them for a pip install
# (the script's default source is /usr/bin, where pip puts nothing).
chroot "$root" /usr/local/bin/cfn-create-aws-symlinks --source /usr/local/bin
# Local apt repository for offline `packages:` installs.
mkdir -p "$root{repo}"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --download-only -o Dir::Cache::archives={repo} {debs}
rm -rf "$root{repo}/partial" "$root{repo}/lock"
chroot "$root" sh -c 'cd {repo} && apt-ftparchive packages . > Packages && apt-ftparchive release . > Release'
echo "deb [trusted=yes] file:{repo} ./" > "$root/etc/apt/sources.list.d/offline-debs.list"
: > "$root/etc/apt/sources.list"
# Package lists of the local repository only, kept in the image (mmdebstrap --skip=cleanup/apt/lists),
# so cfn-init's `packages: {{apt: ...}}` (which runs no `apt-get update`) finds them offline.
rm -rf "$root/var/lib/apt/lists/"*
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin apt-get update -q
# cloud-init sets LANG=en_US.UTF-8 on Debian and fails when it is not generated, as on images without
# it (canonical/cloud-init#4195); Debian's cloud images ship it generated.
sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' "$root/etc/locale.gen"
chroot "$root" locale-gen
# Services do not start inside the chroot (no init system): invoke-rc.d honours policy-rc.d.
printf '#!/bin/sh\n# boot harness: no services in the chroot\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
cat > "$root/etc/cloud/cloud.cfg.d/90-boot-harness.cfg" <<'EOF'
# openstack-stacks boot harness: Nova's config drive only, no network configuration.
datasource_list: [ConfigDrive, None]
network: {{config: disabled}}
# The root is an overlay over a directory, not a disk: nothing to grow or resize.
growpart: {{mode: "off"}}
resize_rootfs: false
EOF
chroot "$root" python3 -c 'import heat_cfntools.cfntools.cfn_helper'
"""


def _hook_script(recipe: Recipe) -> str:
    return _HOOK.format(ca_bundle=HOST_CA_BUNDLE, pip=" ".join(recipe.pip), repo=OFFLINE_REPO,
                        debs=" ".join(recipe.offline_debs))


def missing_tools() -> list[str]:
    return [tool for tool in ("mmdebstrap", "unshare", "chroot", "mount") if shutil.which(tool) is None]


def build(recipe: Recipe | None = None, *, log=sys.stderr) -> Rootfs:
    """Return the cached root filesystem, building it first when needed (root only, idempotent)."""
    recipe = recipe or default_recipe()
    found = cached_rootfs(recipe)
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("building the boot root filesystem needs root (mmdebstrap, chroot)")
    if missing_tools():
        raise RuntimeError(f"missing tools: {', '.join(missing_tools())} (apt-get install mmdebstrap)")
    target = rootfs_path(recipe)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a parallel build waits, then finds the cache
        found = cached_rootfs(recipe)
        if found:
            return found
        return _build_locked(recipe, target, log)


def _build_locked(recipe: Recipe, target: Path, log) -> Rootfs:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=target.parent))
    try:
        hook = work / "hook.sh"
        hook.write_text(_hook_script(recipe))
        cmd = ["mmdebstrap", "--variant=apt", "--mode=root", "--format=directory",
               f"--include={','.join(recipe.packages)}",
               f'--customize-hook=sh "{hook}" "$1"', "--skip=cleanup/apt/lists",
               recipe.suite, str(work / "root"), recipe.mirror]
        print(f"boot: building root filesystem {target} (mmdebstrap {recipe.suite}, ~1 min)", file=log)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, check=False)
        build_log = target.parent / f"{target.name}.build.log"
        build_log.write_bytes(proc.stdout)
        if proc.returncode != 0:
            tail = proc.stdout.decode("utf-8", "replace").splitlines()[-15:]
            raise RuntimeError(f"mmdebstrap failed ({proc.returncode}); log {build_log}:\n"
                               + "\n".join(tail))
        seconds = round(time.monotonic() - started, 1)
        info = {"recipe": asdict(recipe), "build_seconds": seconds,
                "cloud_init": _version(work / "root", ["cloud-init", "--version"])}
        (work / MARKER).write_text(json.dumps(info, indent=2) + "\n")
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
        _prune(target)
        return Rootfs(target / "root", recipe, build_seconds=seconds, cached=False, info=info)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _prune(keep: Path) -> None:
    """Remove root filesystems of older recipes (each is ~350 MB)."""
    for old in keep.parent.glob("boot-rootfs-*"):
        if old.name.startswith(keep.name) or ".tmp-" in old.name:
            continue
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        elif old.name.endswith(".build.log"):
            old.unlink()


def _version(root: Path, argv: list[str]) -> str:
    proc = subprocess.run(["chroot", str(root), *argv], capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    """Build (or find) the cached root filesystem; print where it is."""
    del argv
    try:
        rootfs = build()
    except RuntimeError as exc:
        print(f"boot: cannot build the root filesystem: {exc}", file=sys.stderr)
        return 2
    state = "cached" if rootfs.cached else f"built in {rootfs.build_seconds} s"
    print(f"boot: root filesystem {rootfs.path} ({state}; {rootfs.info.get('cloud_init', '')})")
    return 0

