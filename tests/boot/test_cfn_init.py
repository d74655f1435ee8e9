"""AWS::CloudFormation::Init metadata reaches the instance as cfn-init-data; the real cfn-init applies it."""

from __future__ import annotations

import json

import pytest

from userdata import UserDataSpec

pytestmark = pytest.mark.boot

INIT = {
    "config": {
        "packages": {"apt": {"nginx": []}},  # from the image's offline apt repository
        "groups": {"demo": {}},
        "users": {"demo-svc": {"groups": ["demo"], "homeDir": "/srv/demo"}},
        "files": {
            "/etc/demo/app.conf": {"content": "answer=42\n", "mode": "000640", "owner": "root", "group": "demo"},
            "/etc/demo/secret.env": {"content": "TOKEN=abc\n", "mode": "000600", "owner": "demo-svc",
                                     "group": "demo"},
        },
        "commands": {
            "01-marker": {"command": "touch /var/lib/demo-marker"},
            "02-in-cwd": {"command": "pwd > /var/lib/demo-cwd", "cwd": "/etc/demo"},
            "03-skipped": {"command": "touch /var/lib/demo-never", "test": "false"},
        },
        "services": {"sysvinit": {"nginx": {"enabled": "true", "ensureRunning": "true"}}},
    }
}
# As in Heat templates: the user's script calls cfn-init, which falls back to the local cfn-init-data.
DATA = "/var/lib/heat-cfntools/cfn-init-data"
SCRIPT = "#!/bin/sh\nset -e\n/opt/aws/bin/cfn-init\necho cfn-init finished\n"


def test_cfn_init_applies_files_commands_packages_services(boot_spec) -> None:
    spec = UserDataSpec(script=SCRIPT, metadata={"AWS::CloudFormation::Init": INIT})
    _rendered, report = boot_spec(spec, server="cfn", capture=("/var/lib/demo-cwd", DATA))
    assert report.ok, report.to_text()
    cfn = report.cfn_init
    assert cfn is not None and cfn.ran
    assert json.loads(report.captured[DATA]) == {"AWS::CloudFormation::Init": INIT}
    files = {f.path: (f.found.mode, f.found.owner) for f in cfn.files}
    assert files == {"/etc/demo/app.conf": ("0640", "root:demo"), "/etc/demo/secret.env": ("0600", "demo-svc:demo")}
    assert all(f.content_ok for f in cfn.files)
    assert cfn.commands_run == ["01-marker", "02-in-cwd", "03-skipped"]
    assert "/var/lib/demo-marker" in report.written
    assert "/var/lib/demo-never" not in report.written  # its `test` returned false
    assert report.captured["/var/lib/demo-cwd"] == "/etc/demo\n"
    assert cfn.packages_installed == ["nginx"] and cfn.services_started == ["nginx"]
    assert "cfn-init finished" in report.provision_log and report.provision_finished
    assert "/var/lib/heat-cfntools/cfn-init-data" in [f.path for f in report.heat_files]


def test_cfn_init_failure_is_reported(boot_spec) -> None:
    broken = {"config": {"commands": {"01-fails": {"command": "exit 4"}}}}
    spec = UserDataSpec(script=SCRIPT, metadata={"AWS::CloudFormation::Init": broken})
    _rendered, report = boot_spec(spec, server="cfn-fail")
    assert not report.ok
    assert report.cfn_init.ran and report.cfn_init.commands_run == ["01-fails"]
    assert "Error processing metadata" in report.cfn_init.errors
    assert report.loguserdata_exit == 1 and not report.provision_finished


def test_json_object_content_is_written_as_cfn_init_documents(boot_spec) -> None:
    """A JSON object as `content` (AWS allows it) becomes the file cfn-init means to write, on python3 too."""
    settings = {"listen": 8080, "features": ["a", "b"]}
    init = {"config": {"files": {"/etc/demo/settings.json": {"content": settings, "mode": "000644",
                                                             "owner": "root", "group": "root"}}}}
    spec = UserDataSpec(script=SCRIPT, metadata={"AWS::CloudFormation::Init": init})
    _rendered, report = boot_spec(spec, server="cfn-json", capture=("/etc/demo/settings.json",))
    assert report.ok, report.to_text()
    assert json.loads(report.captured["/etc/demo/settings.json"]) == settings
