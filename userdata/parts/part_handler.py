#part-handler
# Heat-style cloud-init part handler (openstack-stacks userdata/parts/part_handler.py).
#
# Writes every text/x-cfninitdata part (cfn-userdata, cfn-init-data, ...) to
# /var/lib/heat-cfntools/<filename> for heat-cfntools. Runs on the python3 of the
# image (3.9 to 3.13) with the standard library only. Unlike Heat's handler it keeps
# the directory 0700 and the files 0600, refuses filenames that would leave the
# directory, and no longer copies parts to /var/lib/cloud/data (only
# heat-cfntools < 1.3 read them there).
import datetime
import os

# Module constants so tests can point them at a temporary directory after import;
# nothing on an instance (environment, arguments) can change them.
VAR_DIR = "/var/lib/heat-cfntools"
LOG_PATH = "/var/log/part-handler.log"
CTYPE = "text/x-cfninitdata"


def list_types():
    return [CTYPE]


def _log(message):
    fd = os.open(LOG_PATH, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as log:
        log.write(f"{datetime.datetime.now().isoformat()} {message}\n")


def _ensure_dir():
    os.makedirs(VAR_DIR, 0o700, exist_ok=True)
    os.chmod(VAR_DIR, 0o700)


def target_path(filename):
    """The file for a part, or ValueError when the name would leave VAR_DIR."""
    if not isinstance(filename, str) or filename in ("", ".", ".."):
        raise ValueError(f"refusing part filename {filename!r}")
    if "/" in filename or "\\" in filename or "\0" in filename:
        raise ValueError(f"refusing part filename {filename!r}: outside {VAR_DIR}")
    base = os.path.realpath(VAR_DIR)
    path = os.path.join(base, filename)
    if os.path.dirname(path) != base:
        raise ValueError(f"refusing part filename {filename!r}: outside {VAR_DIR}")
    return path


def _write(path, payload):
    if payload is None:
        payload = b""
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogateescape")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def handle_part(data, ctype, filename, payload):
    if ctype == "__begin__":
        _ensure_dir()
        return
    if ctype == "__end__":
        return
    _log(f"filename:{filename}, ctype:{ctype}")
    if ctype != CTYPE:
        return
    try:
        path = target_path(filename)
    except ValueError as exc:
        _log(f"ERROR {exc}")
        raise
    _ensure_dir()
    _write(path, payload)
