"""Boot signals from real first boots (cloud-init 22.4, heat-cfntools 2.0.0 in the cached Debian root): template
scripts call the handle's curl_cli (`wc_notify`) and the real `cfn-signal`, and the waiter's decoder finds exactly
the signals sent. The chroot has no serial console, so the lines are read from the record the helper keeps on
the instance (/var/log/openstack-stacks-signals.log), the same lines it writes to /dev/console."""

from __future__ import annotations

from pathlib import Path

import pytest

from components import boot_wait
from openstack_stacks.tools.offline import render
from userdata import UserDataSpec, signals

pytestmark = pytest.mark.boot
LOG = "/var/log/openstack-stacks-signals.log"
CORPUS = Path(__file__).parents[1] / "corpus" / "heat-templates"


def _signals(report) -> str:
    text = report.captured.get(LOG)
    assert text is not None, report.to_text()
    return text


def test_native_waitcondition_template_script_signals_five(boot) -> None:
    plan = render(CORPUS / "hot/native_waitcondition.yaml", {"key_name": "ops", "image": "cirros", "flavor": "m1"})
    report = boot(plan.user_data["instance1"].user_data, server="instance1", capture=(LOG,))
    assert report.ok, report.to_text()
    text = _signals(report)
    assert text.count("@@OSSIG1:wait_handle:") == 6
    state = signals.evaluate([text], "wait_handle", count=5)
    assert state.status == "SUCCESS" and list(state.signals) == ["1", "2", "3", "4", "5"]
    assert state.data() == {"1": None, "2": None, "3": "data3", "4": "data4", "5": None}


CFN_SCRIPT = """#!/bin/bash
set -e
# as the OpenShift and Rails templates do, through the handle's Ref URL
/opt/aws/bin/cfn-signal -e 0 --data 'key "K1"
second line' -r 'Broker setup complete' -i broker '{ok}'
/opt/aws/bin/cfn-signal -e 0 -r 'Node setup complete' '{ok}'
cfn-signal -e 0 -i broker -r 'again' --data 'overwritten' '{ok}'
curl -X PUT -H 'Content-Type:' --data-binary '{{"Status": "FAILURE", "Reason": "disk full", "UniqueId": "x"}}' \\
  '{bad}'
{wc} --data-binary '{{"status": "SUCCESS", "reason": "wc", "data": "a \\"q\\"", "id": "7"}}'
echo all signalled
"""


def test_real_cfn_signal_and_curl_through_the_shim(boot_spec) -> None:
    script = CFN_SCRIPT.format(ok=signals.signal_url("ok_handle"), bad=signals.signal_url("bad_handle"),
                               wc=signals.shell_command("wc_handle"))
    rendered, report = boot_spec(UserDataSpec(script=script), server="cfn-signal", capture=(LOG,))
    assert "signal-hook.sh" in [p.filename for p in rendered.parts]
    assert report.ok, report.to_text()
    assert "all signalled" in report.provision_log
    text = _signals(report)
    ok = signals.evaluate([text], "ok_handle", count=2)
    assert ok.status == "SUCCESS" and len(ok.signals) == 2  # the duplicate id "broker" counts once
    assert ok.signals["broker"].data == "overwritten" and ok.signals["broker"].reason == "again"
    (other,) = [sid for sid in ok.signals if sid != "broker"]  # no -i: heat-cfntools sends the FQDN
    assert ok.signals[other].reason == "Node setup complete"
    bad = signals.evaluate([text], "bad_handle")
    assert bad.status == "FAILURE" and bad.reason == "disk full"
    wc = signals.evaluate([text], "wc_handle")
    assert wc.data() == {"7": 'a "q"'}


def test_cfn_signal_data_with_quotes_and_newlines(boot_spec) -> None:
    script = ("#!/bin/sh\nset -e\n/opt/aws/bin/cfn-signal -e 0 -i d --data \"$(printf 'l1 \"x\"\\nl2')\" "
              f"'{signals.signal_url('h')}'\n")
    _rendered, report = boot_spec(UserDataSpec(script=script), server="cfn-data", capture=(LOG,))
    assert report.ok, report.to_text()
    assert signals.evaluate([_signals(report)], "h").data() == {"d": 'l1 "x"\nl2'}


def test_cfn_signal_failure_exit_code_fails_the_wait(boot_spec) -> None:
    script = f"#!/bin/sh\n/opt/aws/bin/cfn-signal -e 3 -r 'setup step 2 failed' -i s '{signals.signal_url('h')}'\n"
    _rendered, report = boot_spec(UserDataSpec(script=script), server="cfn-fail", capture=(LOG,))
    text = _signals(report)
    with pytest.raises(boot_wait.BootWaitError, match="FAILURE signal: setup step 2 failed"):
        boot_wait.wait_for_signals(lambda sid: text, ["srv"], "h", 1, 60, sleep=lambda s: None)


def test_stack_file_wait_reports_the_exit_status(boot_spec) -> None:
    good = UserDataSpec(script="#!/bin/sh\necho 'db \"ready\"' > /var/lib/heat-cfntools/boot-data\n",
                        boot_signal="db")
    _r, report = boot_spec(good, server="db", capture=(LOG,))
    assert report.ok, report.to_text()
    state = signals.evaluate([_signals(report)], "db")
    assert state.status == "SUCCESS" and state.data() == {"boot": 'db "ready"\n'}
    bad = UserDataSpec(script="#!/bin/sh\necho 'apt: cannot install x'\nexit 3\n", boot_signal="db")
    _r, report = boot_spec(bad, server="db-bad", capture=(LOG,))
    state = signals.evaluate([_signals(report)], "db")
    assert state.status == "FAILURE"
    assert state.reason.startswith("Provision failed with exit code 3") and "apt: cannot install x" in state.reason


def test_no_signal_is_a_timeout(boot_spec) -> None:
    _r, report = boot_spec(UserDataSpec(script="#!/bin/sh\necho never signals\n"), server="silent",
                           capture=(LOG,))
    assert report.ok and report.captured[LOG] is None
    clock = iter(range(0, 1000, 10))
    with pytest.raises(boot_wait.BootWaitError, match=r"timed out after 30 s with 0 of 1 signal\(s\)"):
        boot_wait.wait_for_signals(lambda sid: report.cloud_init_output, ["silent"], "h", 1, 30,
                                   sleep=lambda s: None, clock=lambda: float(next(clock)))


DEPLOY_TEMPLATE = """
heat_template_version: 2016-10-14
resources:
  config:
    type: OS::Heat::SoftwareConfig
    properties:
      group: script
      inputs: [{name: my_ip}, {name: my_name}]
      outputs: [{name: seen}]
      config: |
        #!/bin/sh
        echo "I am $my_name at $my_ip"
        printf '%s' "$my_ip" > "$heat_outputs_path.seen"
  server:
    type: OS::Nova::Server
    properties:
      image: debian-12
      flavor: m1.small
      user_data_format: SOFTWARE_CONFIG
      networks: [{network: private}]
  deployment:
    type: OS::Heat::SoftwareDeployment
    properties:
      config: {get_resource: config}
      server: {get_resource: server}
      input_values:
        my_ip: {get_attr: [server, networks, private, 0]}
        my_name: {get_attr: [server, name]}
"""


def test_deployment_reads_its_own_servers_address_at_boot(boot, tmp_path: Path) -> None:
    path = tmp_path / "deploy.yaml"
    path.write_text(DEPLOY_TEMPLATE)
    plan = render(path, {})
    report = boot(plan.user_data["server"].user_data, server="server", ports=[["10.0.0.5/24"]], capture=(LOG,))
    assert report.ok, report.to_text()
    state = signals.evaluate([_signals(report)], "deploy-deployment")
    assert state.status == "SUCCESS"
    result = state.data()["deployment"]
    assert result["seen"] == "10.0.0.5" and result["deploy_status_code"] == 0
    assert result["deploy_stdout"] == "I am server at 10.0.0.5\n"
