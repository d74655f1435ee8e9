#!/usr/bin/env python3
# Heat-style first-boot runner (openstack-stacks userdata/parts/loguserdata.py).
#
# Runs /var/lib/heat-cfntools/cfn-userdata (the user's script, written there by the
# part handler), logs its output line by line to stderr and /var/log/heat-provision.log
# (0600), and touches /var/lib/heat-cfntools/provision-finished only on success.
# Exits with the script's exit code when it fails. Unlike Heat's loguserdata.py it
# needs no distutils/pkg_resources (removed from Python 3.12 images), and a non-empty
# script that cannot be executed (no "#!" line) is a failure, not a success.
import datetime
import errno
import logging
import os
import subprocess
import sys

# Module constants so tests can point them at a temporary directory after import;
# nothing on an instance (environment, arguments) can change them.
VAR_DIR = "/var/lib/heat-cfntools"
LOG_PATH = "/var/log/heat-provision.log"
EX_NOEXEC = 126  # the shell's "found but cannot execute"
LOG = logging.getLogger("heat-provision")


def init_logging():
    fd = os.open(LOG_PATH, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(LOG_PATH, 0o600)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
    for handler in (logging.StreamHandler(sys.stderr), logging.FileHandler(LOG_PATH)):
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOG.addHandler(handler)


def run_script(path):
    """Run the script, log each output line as it comes; return an exit code."""
    try:
        if os.path.getsize(path) == 0:
            LOG.info("cfn-userdata is empty: nothing to run")
            return os.EX_OK
        os.chmod(path, 0o700)
        LOG.info(path)
        proc = subprocess.Popen(
            [path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
    except OSError as exc:
        if exc.errno == errno.ENOEXEC:
            LOG.error("cfn-userdata is not executable (no '#!' line?): %s", exc)
            return EX_NOEXEC
        if exc.errno == errno.ENOENT:
            LOG.error("cfn-userdata is missing: %s", exc)
            return os.EX_NOINPUT
        LOG.error("OS error running cfn-userdata: %s", exc)
        return os.EX_OSERR
    for line in proc.stdout:
        LOG.info(line.decode("utf-8", "replace").rstrip("\n"))
    proc.stdout.close()
    code = proc.wait()
    return 128 - code if code < 0 else code


def main():
    init_logging()
    LOG.info("Provision began: %s", datetime.datetime.now())
    try:
        code = run_script(os.path.join(VAR_DIR, "cfn-userdata"))
    except Exception as exc:  # noqa: BLE001 - report it, never a bare traceback
        LOG.error("Unknown error running cfn-userdata: %s", exc)
        code = os.EX_SOFTWARE
    LOG.info("Provision done: %s", datetime.datetime.now())
    if code:
        LOG.error("Provision failed with exit code %s", code)
        return code
    finished = os.path.join(VAR_DIR, "provision-finished")
    fd = os.open(finished, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    os.utime(finished, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
