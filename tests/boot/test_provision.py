"""The user's script runs through loguserdata.py: its output is logged, provision-finished marks success."""

from __future__ import annotations

import pytest

from userdata import UserDataSpec

pytestmark = pytest.mark.boot


def test_script_runs_and_provision_finishes(boot_spec) -> None:
    script = "#!/bin/sh\nset -e\necho provisioning-$((6 * 7))\nid -un\n"
    _rendered, report = boot_spec(UserDataSpec(script=script), server="prov-ok")
    assert report.ok, report.to_text()
    assert report.loguserdata_ran and report.loguserdata_exit == 0
    log = report.provision_log.splitlines()
    assert "provisioning-42" in log and "root" in log  # the script's output, computed on the instance
    assert report.provision_finished
    assert [f.path for f in report.heat_files] == ["/var/lib/heat-cfntools/cfn-userdata",
                                                   "/var/lib/heat-cfntools/provision-finished"]
    assert {f.path: f.mode for f in report.heat_files}["/var/lib/heat-cfntools/cfn-userdata"] == "0700"


def test_failing_script_is_reported_and_provision_not_finished(boot_spec) -> None:
    script = "#!/bin/sh\necho about-to-fail\nexit 3\n"
    _rendered, report = boot_spec(UserDataSpec(script=script), server="prov-fail")
    assert not report.ok
    assert report.loguserdata_ran and report.loguserdata_exit == 3
    assert "about-to-fail" in report.provision_log
    assert "Provision failed with exit code 3" in report.provision_log
    assert not report.provision_finished
    assert report.status == "error"
    assert dict(report.stages)["modules:final"] != 0
    assert "cfn-userdata failed with exit code 3" in report.problems()
