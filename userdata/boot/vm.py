"""A real VM boot under qemu (TCG: no KVM needed) for what a chroot cannot show: the serial console.

The image: Debian bookworm with systemd, cloud-init and Debian's cloud kernel (``linux-image-cloud-amd64``),
built once with mmdebstrap into ``~/.cache/openstack-stacks/vm-<recipe hash>/`` (kernel, initrd and an ext4
disk image). Each boot gets a copy-on-write overlay of the disk and a real config drive (ISO 9660 labelled
``config-2`` with ``openstack/latest/meta_data.json`` and ``user_data``, as Nova writes it), runs with the
serial console written to a file, which is exactly what Nova's ``os-getConsoleOutput`` returns, and stops
once cloud-init's final stage has reported (``Cloud-init v. ... finished``) or the timeout passes.
``python -m userdata.boot.vm`` builds the image (CI setup).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from userdata.boot.rootfs import cache_dir
from userdata.boot.seed import delivered_bytes

FINISHED = "Cloud-init v. "  # "Cloud-init v. 22.4.2 finished at ..." on the console
MARKER = "vm-image.json"


@dataclass(frozen=True)
class VmRecipe:
    suite: str = "bookworm"
    mirror: str = "http://deb.debian.org/debian"
    packages: tuple[str, ...] = ("systemd-sysv", "udev", "cloud-init", "linux-image-cloud-amd64",
                                 "initramfs-tools", "curl", "ca-certificates", "python3", "iproute2")
    disk_mb: int = 2048
    build_steps: int = 1

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class VmImage:
    kernel: Path
    initrd: Path
    disk: Path


@dataclass
class VmBoot:
    console: str
    seconds: float
    finished: bool


def image_dir(recipe: VmRecipe | None = None) -> Path:
    return cache_dir() / f"vm-{(recipe or VmRecipe()).key}"


def _iso_tool() -> list[str] | None:
    if shutil.which("genisoimage"):
        return ["genisoimage"]
    if shutil.which("xorriso"):
        return ["xorriso", "-as", "mkisofs"]
    return None


def available(*, build: bool = False) -> tuple[bool, str]:
    """Whether a VM boot can run here (and, with `build`, build the image first)."""
    if os.geteuid() != 0:
        return False, "not root (mmdebstrap and mkfs need root)"
    missing = [t for t in ("qemu-system-x86_64", "qemu-img", "mkfs.ext4", "mmdebstrap") if not shutil.which(t)]
    if _iso_tool() is None:
        missing.append("genisoimage or xorriso")
    if missing:
        return False, f"missing {', '.join(missing)} (.ci/setup.d/qemu.sh installs them)"
    if cached_image() is None:
        if not build:
            return False, f"no VM image at {image_dir()} (python -m userdata.boot.vm builds it)"
        build_image()
    return True, ""


def cached_image(recipe: VmRecipe | None = None) -> VmImage | None:
    base = image_dir(recipe)
    if not (base / MARKER).exists():
        return None
    return VmImage(base / "vmlinuz", base / "initrd.img", base / "disk.img")


def build_image(recipe: VmRecipe | None = None) -> VmImage:
    """mmdebstrap the root, take its kernel and initrd, make an ext4 disk image from it (cached)."""
    recipe = recipe or VmRecipe()
    base = image_dir(recipe)
    if cached_image(recipe) is not None:
        return cached_image(recipe)
    work = Path(tempfile.mkdtemp(prefix="vm-build-", dir=cache_dir()))
    try:
        root = work / "root"
        subprocess.run(["mmdebstrap", "--variant=apt", f"--include={','.join(recipe.packages)}",
                        "--customize-hook=echo 'datasource_list: [ConfigDrive, None]' > "
                        "\"$1/etc/cloud/cloud.cfg.d/90-datasource.cfg\"",
                        "--customize-hook=echo '/dev/vda / ext4 rw 0 1' > \"$1/etc/fstab\"",
                        recipe.suite, str(root), recipe.mirror], check=True)
        kernels = sorted((root / "boot").glob("vmlinuz-*"))
        initrds = sorted((root / "boot").glob("initrd.img-*"))
        if not kernels or not initrds:
            raise RuntimeError("the image has no kernel or initrd under /boot")
        shutil.copy(kernels[-1], work / "vmlinuz")
        shutil.copy(initrds[-1], work / "initrd.img")
        subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "root", "-d", str(root), str(work / "disk.img"),
                        f"{recipe.disk_mb}M"], check=True)
        shutil.rmtree(root)
        (work / MARKER).write_text(json.dumps(asdict(recipe), indent=1) + "\n")
        if base.exists():
            shutil.rmtree(base)
        work.rename(base)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return cached_image(recipe)


def config_drive(path: Path, user_data: bytes, server: str) -> Path:
    """A Nova-style config drive (ISO 9660, label config-2)."""
    tree = path.parent / "config-drive"
    latest = tree / "openstack" / "latest"
    latest.mkdir(parents=True)
    meta = {"uuid": str(uuid.uuid5(uuid.NAMESPACE_DNS, server)), "name": server, "hostname": server,
            "launch_index": 0, "availability_zone": "nova"}
    (latest / "meta_data.json").write_text(json.dumps(meta))
    (latest / "user_data").write_bytes(user_data)
    subprocess.run([*_iso_tool(), "-quiet", "-o", str(path), "-V", "config-2", "-r", "-J", str(tree)], check=True)
    return path


def boot_vm(user_data: str | bytes, *, server: str, timeout: float = 900, memory_mb: int = 1024) -> VmBoot:
    """Boot the image once with `user_data` on a config drive; the serial console text."""
    image = cached_image()
    if image is None:
        raise RuntimeError(f"no VM image at {image_dir()}")
    work = Path(tempfile.mkdtemp(prefix=f"openstack-stacks-vm-{server[:20]}-"))
    try:
        overlay = work / "disk.qcow2"
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b", str(image.disk), "-F", "raw",
                        str(overlay)], check=True)
        drive = config_drive(work / "config.iso", delivered_bytes(user_data), server)
        console = work / "console.log"
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-m", str(memory_mb), "-smp", "1", "-display", "none",
               "-no-reboot", "-nic", "none", "-kernel", str(image.kernel), "-initrd", str(image.initrd),
               "-append", "root=/dev/vda rw console=tty0 console=ttyS0 panic=-1",
               "-drive", f"file={overlay},if=virtio,format=qcow2",
               "-drive", f"file={drive},if=virtio,format=raw,readonly=on",
               "-serial", f"file:{console}", "-monitor", "none"]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        finished = False
        try:
            while time.monotonic() - started < timeout and proc.poll() is None:
                text = console.read_text(errors="replace") if console.exists() else ""
                if any(FINISHED in line and " finished at " in line for line in text.splitlines()):
                    finished = True
                    time.sleep(2)
                    break
                time.sleep(2)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        text = console.read_text(errors="replace") if console.exists() else ""
        return VmBoot(text, round(time.monotonic() - started, 1), finished)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    ok, reason = available(build=True)
    print("VM image ready" if ok else f"VM boots unavailable: {reason}")
    sys.exit(0 if ok else 1)
