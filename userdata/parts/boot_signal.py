#!/usr/bin/env python3
# openstack-stacks boot signal (userdata/parts/boot_signal.py), sent as zz-openstack-stacks-boot-signal.py.
#
# cloud-init runs script parts in name order, so this runs after loguserdata.py and reports the user
# script's exit status over the console channel: SUCCESS when loguserdata touched provision-finished,
# else FAILURE with loguserdata's "Provision failed ..." line. The data is what the script wrote to
# /var/lib/heat-cfntools/boot-data (optional). Needs the helper the signal-hook.sh boothook installed.
import json
import os
import subprocess
import sys

HANDLE = "@HANDLE@"
VAR_DIR = "/var/lib/heat-cfntools"
LOG_PATH = "/var/log/heat-provision.log"
HELPER = "/usr/local/bin/openstack-stacks-signal"
DATA_LIMIT = 3000


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def main():
    if os.path.exists(os.path.join(VAR_DIR, "provision-finished")):
        status, reason = "SUCCESS", "Provision done"
    else:
        lines = (read(LOG_PATH) or "").splitlines()
        failed = [line for line in lines if line.startswith("Provision failed")
                  or line.startswith("cfn-userdata ") or line.startswith("Unknown error")]
        status = "FAILURE"
        reason = failed[-1] if failed else "Provision did not finish (no provision-finished)"
        tail = [line for line in lines if not line.startswith("Provision ")][-3:]
        if tail:
            reason += "; last output: " + " | ".join(tail)
    data = read(os.path.join(VAR_DIR, "boot-data"))
    if data is not None and len(data.encode("utf-8")) > DATA_LIMIT:
        data = data.encode("utf-8")[-DATA_LIMIT:].decode("utf-8", "ignore")
    body = {"status": status, "id": "boot", "reason": reason[:600], "data": data}
    try:
        return subprocess.call([HELPER, HANDLE, "--data-binary", json.dumps(body)])
    except OSError as exc:
        sys.stderr.write("boot signal helper %s cannot run: %s\n" % (HELPER, exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
