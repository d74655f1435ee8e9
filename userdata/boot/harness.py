"""``boot()``: one server's user data through real cloud-init, then read back what happened."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

from userdata.boot import logs, rootfs, sandbox, seed
from userdata.boot.cfninit import cfn_init_report
from userdata.boot.report import HEAT_DIR, BootReport, FileReport, PartReport


class BootUnavailableError(RuntimeError):
    """The harness cannot run here (not root, tools or cached root filesystem missing)."""


def available(*, build: bool = False) -> tuple[bool, str]:
    """Whether boots can run here, and why not. With ``build``, a missing root filesystem is built."""
    if os.geteuid() != 0:
        return False, "the boot harness needs root (mount namespaces, overlayfs, chroot)"
    missing = [t for t in rootfs.missing_tools() if t != "mmdebstrap"]
    if missing:
        return False, f"missing tools: {', '.join(missing)}"
    if rootfs.cached_rootfs() is None:
        if not build:
            log = rootfs.rootfs_path().parent / f"{rootfs.rootfs_path().name}.build.log"
            hint = f"; the last build failed, see {log}" if log.exists() else ""
            return False, (f"no cached root filesystem at {rootfs.rootfs_path()} "
                           f"(build it with `python -m userdata.boot` or .ci/setup.d/boot.sh){hint}")
        if shutil.which("mmdebstrap") is None:
            return False, "no cached root filesystem and no mmdebstrap to build it (apt-get install mmdebstrap)"
        try:
            rootfs.build()
        except RuntimeError as exc:
            return False, f"building the root filesystem failed: {exc}"
    return True, f"root filesystem {rootfs.rootfs_path()}"


def boot(user_data: str | bytes, *, server: str, metadata: dict[str, Any] | None = None,
         public_keys: dict[str, str] | None = None, ports: list[list[str]] | None = None,
         capture: tuple[str, ...] = (),
         keep: bool = False, copy: bool = False) -> BootReport:
    """Boot ``user_data`` (the string given to the provider, or the delivered bytes) as ``server``.

    ``metadata`` is the Nova server metadata (``meta`` in meta_data.json). ``ports`` lists the
    server's ports, each as its fixed addresses in CIDR form (one port without address by default).
    With ``keep`` the per-boot directory (overlay upper, stage outputs) is left in place and named
    in the report's notes.
    ``capture`` lists image paths whose text the report keeps (``captured``; None: not written).
    ``copy`` boots a full copy of the root filesystem instead of an overlay (the fallback when
    overlayfs cannot mount; slower).
    Raises BootUnavailableError when the harness cannot run.
    """
    ok, reason = available()
    if not ok:
        raise BootUnavailableError(reason)
    image = rootfs.cached_rootfs()
    if image is None:  # removed since available() looked
        raise BootUnavailableError(f"no cached root filesystem at {rootfs.rootfs_path()}")
    delivered = seed.delivered_bytes(user_data)
    base = Path(tempfile.mkdtemp(prefix=f"openstack-stacks-boot-{_safe(server)}-"))
    dirs = sandbox.BootDirs(base)
    try:
        dirs.create()
        nics = seed.nics(server, ports)
        seeded = seed.write_seed(dirs.upper, server, delivered, metadata, public_keys, nics)
        started = time.monotonic()
        proc = sandbox.run(image.path, dirs, nics, copy)
        seconds = time.monotonic() - started
        report = _collect(server, delivered, image.path, dirs, seeded, proc.stdout.decode("utf-8", "replace"))
        report.seconds = round(seconds, 2)
        report.captured = {path: _read(sandbox.view(dirs)[0], path) for path in capture}
        if keep:
            report.notes.append(f"boot directory kept: {base}")
        return report
    finally:
        if not keep:
            shutil.rmtree(base, ignore_errors=True)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:40]


def _read(upper: Path, path: str) -> str | None:
    file = upper / path.lstrip("/")
    if file.is_file():
        return file.read_text(errors="replace")
    return None


class Accounts:
    """uid/gid to names as the booted image sees them (its /etc/passwd and /etc/group)."""

    def __init__(self, upper: Path, lower: Path) -> None:
        self.users = self._table(upper, lower, "etc/passwd")
        self.groups = self._table(upper, lower, "etc/group")

    @staticmethod
    def _table(upper: Path, lower: Path, rel: str) -> dict[int, str]:
        path = upper / rel if (upper / rel).exists() else lower / rel
        table = {}
        for line in path.read_text(errors="replace").splitlines():
            fields = line.split(":")
            if len(fields) > 2 and fields[2].isdigit():
                table.setdefault(int(fields[2]), fields[0])
        return table

    def owner(self, st: os.stat_result) -> str:
        return f"{self.users.get(st.st_uid, st.st_uid)}:{self.groups.get(st.st_gid, st.st_gid)}"


def file_report(upper: Path, path: str, accounts: Accounts) -> FileReport | None:
    """A file the boot wrote (it lives in the overlay's upper directory), or None."""
    file = upper / path.lstrip("/")
    try:
        st = file.lstat()
    except OSError:
        return None
    if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:  # overlayfs whiteout: deleted by the boot
        return None
    return FileReport(path, f"{stat.S_IMODE(st.st_mode):04o}", accounts.owner(st), st.st_size)


def written_files(upper: Path, skip: set[str], since: float | None = None) -> list[str]:
    """Every regular file or symlink the boot created or changed (image paths), sorted.

    ``upper`` is the overlay's upper directory, or with ``since`` a full copy in which files whose
    status changed after ``since`` are the written ones.
    """
    out = []
    for dirpath, _dirs, files in os.walk(upper):
        for name in files:
            full = Path(dirpath) / name
            st = full.lstat()
            if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
                continue
            if since is not None and st.st_ctime < since:
                continue
            rel = "/" + str(full.relative_to(upper))
            if rel not in skip:
                out.append(rel)
    return sorted(out)


def _status(dirs: sandbox.BootDirs) -> tuple[str, list[str]]:
    rc, text = sandbox.step_output(dirs, "status-json")
    try:
        doc = json.loads(text)
        return str(doc.get("status")), [str(e) for e in doc.get("errors", [])]
    except ValueError:
        _rc, long_text = sandbox.step_output(dirs, "status-long")
        return f"unknown (status exit {rc})", [long_text.strip()] if long_text.strip() else []


def _parts(delivered: bytes, recs: list[logs.LogRecord]) -> list[PartReport]:
    """Match each sent part, in order, with the handler call cloud-init logged for it."""
    calls = logs.handler_calls(recs)
    loaders = logs.handler_registrations(recs)
    used: set[int] = set()
    out = []
    for part in logs.sent_parts(delivered):
        if part.content_type == "text/part-handler":
            handler = f"cloud-init part-handler loader ({loaders.pop(0)})" if loaders else None
            out.append(PartReport(part.filename, part.content_type, handler, part.filename))
            continue
        match = None
        for index, call in enumerate(calls):
            if index in used:
                continue
            same_type = call.content_type == part.content_type or part.content_type in (
                "text/plain", "text/x-not-multipart")
            same_name = part.filename is None or call.filename == part.filename
            if same_type and same_name:
                match = index
                break
        if match is None:
            out.append(PartReport(part.filename, part.content_type, None))
        else:
            used.add(match)
            call = calls[match]
            out.append(PartReport(part.filename, part.content_type, call.handler, call.filename))
    return out


def _collect(server: str, delivered: bytes, lower: Path, dirs: sandbox.BootDirs, seeded: list[str],
             namespace_output: str) -> BootReport:
    upper, since = sandbox.view(dirs)
    stages = [(name, rc) for name, rc, _out in sandbox.stage_results(dirs)]
    notes = []
    if any(rc is None for _n, rc in stages):
        setup = (dirs.out / "setup.err")
        detail = setup.read_text().strip() if setup.exists() else namespace_output.strip()
        notes.append(f"the sandbox did not start every stage: {detail[-500:]}")
    log = _read(upper, "/var/log/cloud-init.log") or ""
    recs = logs.records(log)
    accounts = Accounts(upper, lower)
    heat_dir = upper / HEAT_DIR.lstrip("/")
    heat_files = []
    if heat_dir.is_dir():
        for name in sorted(os.listdir(heat_dir)):
            found = file_report(upper, f"{HEAT_DIR}/{name}", accounts)
            if found:
                heat_files.append(found)
    status, status_errors = _status(dirs)
    scripts = logs.user_scripts(log)
    provision_log = _read(upper, "/var/log/heat-provision.log")
    return BootReport(
        server=server,
        stages=stages,
        status=status,
        status_errors=status_errors,
        parts=_parts(delivered, recs),
        heat_files=heat_files,
        loguserdata_ran=provision_log is not None and "Provision began" in provision_log,
        loguserdata_exit=scripts.get("loguserdata.py"),
        provision_log=provision_log,
        provision_finished=(heat_dir / "provision-finished").is_file(),
        log_problems=[r.line for r in logs.problems(recs)],
        scripts=scripts,
        cfn_init=cfn_init_report(upper, lambda p: file_report(upper, p, accounts)),
        written=written_files(upper, set(seeded), since),
        cloud_init_output=_read(upper, "/var/log/cloud-init-output.log") or "",
        part_handler_log=_read(upper, "/var/log/part-handler.log"),
        notes=notes,
    )
