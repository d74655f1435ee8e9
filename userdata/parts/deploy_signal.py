# openstack-stacks deployment result (userdata/parts/deploy_signal.py), run by python3 on the instance.
# argv: STATE_DIR STATUS_CODE DEPLOYMENT_ID [OUTPUT_NAME ...]; prints the signal body of a Heat
# SoftwareDeployment: {"status", "id", "reason", "data": {deploy_stdout, deploy_stderr, deploy_status_code,
# <declared outputs>}}, trimming stdout/stderr (their tails are kept) to fit the 4096-byte signal limit.
import json
import sys

LIMIT = 4000


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def main(argv):
    state, code, deployment, outputs = argv[1], int(argv[2]), argv[3], argv[4:]
    data = {"deploy_stdout": read(state + "/deploy_stdout") or "",
            "deploy_stderr": read(state + "/deploy_stderr") or "", "deploy_status_code": code}
    for name in outputs:
        value = read(state + "/outputs." + name)
        if value is not None:
            data[name] = value
    reason = "Outputs received" if code == 0 else (
        "deployment %s exited with non-zero status code %d" % (deployment, code))
    body = {"status": "SUCCESS" if code == 0 else "FAILURE", "id": deployment, "reason": reason, "data": data}
    for key in ("deploy_stdout", "deploy_stderr", *outputs):
        while len(json.dumps(body).encode("utf-8")) > LIMIT and data.get(key):
            text = data[key]
            data[key] = text[-(len(text) // 2):] if len(text) > 32 else ""
    print(json.dumps(body))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
