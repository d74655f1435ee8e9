"""The boot signal channel: the shell helper, its one-line form and the curl shim really run (sh), and the
Python decoder finds exactly the signals they wrote, with Heat's counting rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from userdata import UserDataSpec, build_user_data, signals, templates

ROOT = Path(__file__).resolve().parents[2]


def _local(text: str, tmp: Path) -> str:
    """The helper text with its console devices pointed at a file (the test's serial console)."""
    (tmp / "console").touch()
    return text.replace("/dev/console /dev/ttyS0", str(tmp / "console")).replace(
        "/var/log/openstack-stacks-signals.log", str(tmp / "signals.log"))


def _run(script: str, tmp: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=30, cwd=tmp)


@pytest.fixture
def one_liner(tmp_path: Path):
    def make(handle: str) -> str:
        return _local(signals.shell_command(handle), tmp_path)
    return make


def test_cksum_is_posix_cksum() -> None:
    for data in (b"", b"abc", b"x" * 1000, bytes(range(256))):
        out = subprocess.run(["cksum"], input=data, capture_output=True, check=True).stdout.split()
        assert signals.cksum(data) == int(out[0])


def test_python_round_trip_and_heat_rules() -> None:
    lines = [signals.encode_line("wh", "n1"),
             signals.encode_line("wh", "n2", reason="signal2"),
             signals.encode_line("wh", "n3", signal_id="5", data="first"),
             signals.encode_line("wh", "n4", signal_id="5", data="second"),  # overwrites id 5
             signals.encode_line("other", "n5", status="FAILURE")]
    console = "[   3.2] cloud-init[88]: " + "\nnoise\n".join(lines) + "\n"
    state = signals.evaluate([console], "wh", count=3)
    assert list(state.signals) == ["1", "2", "5"]
    assert state.data() == {"1": None, "2": None, "5": "second"}
    assert state.status == "SUCCESS"
    assert signals.evaluate([console], "wh", count=4).status == "WAITING"
    assert signals.evaluate([console], "other").status == "FAILURE"


def test_shell_one_liner_signals_as_wc_notify(one_liner, tmp_path: Path) -> None:
    """native_waitcondition.yaml's script, with curl_cli substituted the way str_replace does it."""
    wc_notify = one_liner("wait_handle")
    script = "\n".join(f"{wc_notify} --data-binary '{body}'" for body in (
        '{"status": "SUCCESS"}',
        '{"status": "SUCCESS", "reason": "signal2"}',
        '{"status": "SUCCESS", "reason": "signal3", "data": "data3"}',
        '{"status": "SUCCESS", "reason": "signal4", "data": "data4"}',
        '{"status": "SUCCESS", "id": "5"}',
        '{"status": "SUCCESS", "id": "5"}',
    ))
    result = _run(script, tmp_path)
    assert result.returncode == 0, result.stderr
    console = (tmp_path / "console").read_text()
    assert console.count("@@OSSIG1:wait_handle:") == 6
    state = signals.evaluate([console], "wait_handle", count=5)
    assert state.status == "SUCCESS" and len(state.signals) == 5
    assert state.data() == {"1": None, "2": None, "3": "data3", "4": "data4", "5": None}
    assert signals.evaluate([console], "wait_handle", count=6).status == "WAITING"
    # stderr carries the same emissions: reading both copies changes nothing
    assert signals.evaluate([console + result.stderr], "wait_handle", 5).signals == state.signals


def test_quotes_newlines_and_failure(one_liner, tmp_path: Path) -> None:
    data = 'he said "hi"\nand left\ttab \\ backslash é'
    body = json.dumps({"status": "SUCCESS", "id": "q", "data": data})
    fail = json.dumps({"status": "FAILURE", "reason": "step 3 failed: exit 2"})
    script = (f"{one_liner('h')} --data-binary \"$B1\"\n{one_liner('h')} -d \"$B2\"\n")
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env={"PATH": "/usr/bin:/bin", "B1": body, "B2": fail, "LANG": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    state = signals.evaluate([(tmp_path / "console").read_text()], "h", count=1)
    assert state.signals["q"].data == data
    assert state.status == "FAILURE" and state.reason == "step 3 failed: exit 2"


def test_cfn_signal_body_through_the_curl_shim(tmp_path: Path) -> None:
    """cfn-signal runs `curl -X PUT -H 'Content-Type:' --data-binary JSON URL`; the shim hands it on."""
    helper = tmp_path / "openstack-stacks-signal"
    helper.write_text(_local(signals.helper_script(), tmp_path))
    shim = tmp_path / "curl"
    shim.write_text(templates.template(signals.CURL_SHIM).replace("/usr/local/bin/openstack-stacks-signal",
                                                                   str(helper)))
    for path in (helper, shim):
        path.chmod(0o755)
    body = json.dumps({"Status": "SUCCESS", "Reason": "Broker setup complete", "UniqueId": "broker",
                       "Data": "key=\"abc\""})
    result = subprocess.run([str(shim), "-X", "PUT", "-H", "Content-Type:", "--data-binary", body,
                             signals.signal_url("broker_wait_handle")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    state = signals.evaluate([(tmp_path / "console").read_text()], "broker_wait_handle")
    assert state.status == "SUCCESS"
    assert state.data() == {"broker": 'key="abc"'} and state.reason == "Broker setup complete"
    other = subprocess.run([str(shim), "--version"], capture_output=True, text=True)
    assert other.returncode in (0, 127)  # passed to the real curl (or "not installed"), never a signal
    assert (tmp_path / "console").read_text().count("@@OSSIG1:") == 1


def test_oversize_body_becomes_a_failure(one_liner, tmp_path: Path) -> None:
    big = json.dumps({"status": "SUCCESS", "data": "x" * 5000})
    result = subprocess.run(["sh", "-c", f"{one_liner('h')} --data-binary \"$B\""], capture_output=True,
                            text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "B": big})
    assert result.returncode == 0
    state = signals.evaluate([(tmp_path / "console").read_text()], "h")
    assert state.status == "FAILURE" and "over the 4096-byte limit" in state.reason
    assert "over the 4096-byte limit" in signals.evaluate([signals.encode_body(big.encode(), "h", "n")],
                                                          "h").reason


def test_damaged_and_invalid_lines_are_not_signals() -> None:
    good = signals.encode_line("h", "n1", data="abc")
    damaged = good[:20] + ("A" if good[20] != "A" else "B") + good[21:]
    not_json = signals.encode_body(b"status=SUCCESS", "h", "n2")
    frames, bad = signals.decode_frames(f"{damaged}\n{not_json}\n")
    assert bad == 1 and len(frames) == 1
    state = signals.evaluate([damaged, not_json], "h")
    assert state.status == "WAITING" and state.signals == {}
    assert state.invalid and "not JSON" in state.invalid[0]


def test_one_liner_is_one_line_without_single_quotes_inside() -> None:
    command = signals.shell_command("wc-1")
    assert "\n" not in command and command.count("'") == 2
    with pytest.raises(ValueError):
        signals.shell_command("bad handle")


def test_signal_hook_part_only_when_the_user_data_signals() -> None:
    url = signals.signal_url("h")
    signalling = build_user_data(UserDataSpec(script=f"#!/bin/sh\ncfn-signal -e 0 {url}\n"), "s")
    plain = build_user_data(UserDataSpec(script="#!/bin/sh\necho hi\n"), "s")
    assert [p.filename for p in signalling.parts][:3] == ["cloud-config", "boothook.sh", "signal-hook.sh"]
    assert "signal-hook.sh" not in [p.filename for p in plain.parts]
    hook = signals.signal_hook_part().content
    assert hook.startswith("#!/bin/sh") and "@SIGNAL_HELPER@" not in hook and "@CURL_SHIM@" not in hook


def test_hook_installs_working_helper_and_shim(tmp_path: Path) -> None:
    """The boothook's heredocs write the helper and the shim byte for byte."""
    hook = signals.signal_hook_part().content.replace("/usr/local/bin", str(tmp_path))
    result = _run(hook, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "openstack-stacks-signal").read_text() == signals.helper_script()
    assert (tmp_path / "curl").read_text() == templates.template(signals.CURL_SHIM).replace(
        "/usr/local/bin", str(tmp_path))


def test_mask_hides_secrets_and_tokens() -> None:
    text = "db pass S3cretPw here\nX-Auth-Token: gAAAAAB123\npassword=hunter2"
    masked = signals.mask(text, ["S3cretPw"])
    assert "S3cretPw" not in masked and "gAAAAAB123" not in masked and "hunter2" not in masked
    assert masked.count(signals.MASKED) == 3


def test_cli_decodes_a_console_log(tmp_path: Path) -> None:
    log = tmp_path / "console.log"
    log.write_text("boot...\n" + signals.encode_line("wh", "a1", data="d1", signal_id="x") + "\n"
                   + signals.encode_line("wh", "a2", status="FAILURE", reason="disk full") + "\n")
    run = [sys.executable, "-m", "components", "signals"]
    result = subprocess.run([*run, str(log), "--json"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1  # a FAILURE signal
    handles = json.loads(result.stdout)["handles"]
    assert handles["wh"]["status"] == "FAILURE" and handles["wh"]["reason"] == "disk full"
    assert handles["wh"]["data"] == {"x": "d1", "2": None}
    piped = subprocess.run([*run, "-"], input=signals.encode_line("ok", "b1"), capture_output=True, text=True,
                           cwd=ROOT)
    assert piped.returncode == 0 and "ok: SUCCESS (1 signal(s), waiting for 1)" in piped.stdout
    missing = subprocess.run([*run, str(tmp_path / "nope")], capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ")


_BOOT_DRIVER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("boot_signal", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
module.VAR_DIR, module.LOG_PATH, module.HELPER = sys.argv[2], sys.argv[3], sys.argv[4]
sys.exit(module.main())
"""


def _boot_signal(tmp: Path, finished: bool, log: str, data: str | None) -> signals.WaitState:
    var = tmp / "var"
    var.mkdir()
    if finished:
        (var / "provision-finished").touch()
    if data is not None:
        (var / "boot-data").write_text(data)
    (tmp / "heat-provision.log").write_text(log)
    helper = tmp / "helper"
    helper.write_text(_local(signals.helper_script(), tmp))
    helper.chmod(0o755)
    script = tmp / "boot_signal.py"
    script.write_text(signals.boot_signal_part("web-0").content)
    subprocess.run([sys.executable, "-c", _BOOT_DRIVER, str(script), str(var), str(tmp / "heat-provision.log"),
                    str(helper)], check=True, capture_output=True)
    return signals.evaluate([(tmp / "console").read_text()], "web-0")


def test_boot_signal_reports_success_with_the_scripts_data(tmp_path: Path) -> None:
    state = _boot_signal(tmp_path, True, "Provision began\nhello\nProvision done\n", 'url "x"\nline 2\n')
    assert state.status == "SUCCESS" and state.data() == {"boot": 'url "x"\nline 2\n'}


def test_boot_signal_reports_loguserdatas_failure(tmp_path: Path) -> None:
    log = ("Provision began: 2026-01-01\n/var/lib/heat-cfntools/cfn-userdata\napt-get: no such package\n"
           "Provision done: 2026-01-01\nProvision failed with exit code 100\n")
    state = _boot_signal(tmp_path, False, log, None)
    assert state.status == "FAILURE"
    assert state.reason.startswith("Provision failed with exit code 100; last output: ")
    assert "apt-get: no such package" in state.reason


def test_boot_signal_part_follows_loguserdata() -> None:
    rendered = build_user_data(UserDataSpec(script="#!/bin/sh\ntrue\n", boot_signal="web-0"), "web-0")
    names = [p.filename for p in rendered.parts]
    assert names.index("loguserdata.py") + 1 == names.index(signals.BOOT_SIGNAL_FILENAME)
    assert sorted(["loguserdata.py", signals.BOOT_SIGNAL_FILENAME])[-1] == signals.BOOT_SIGNAL_FILENAME
    assert "signal-hook.sh" in names
    with pytest.raises(ValueError, match="HEAT_CFNTOOLS"):
        build_user_data(UserDataSpec(format="SOFTWARE_CONFIG", script="#!/bin/sh\n", boot_signal="w"), "w")


def test_a_later_signal_with_the_same_id_replaces_a_failure() -> None:
    """kolla-deploy re-run by hand after a failure: the next pulumi up sees the success."""
    console = "\n".join([signals.encode_line("kolla-deploy", "n1", status="FAILURE", signal_id="kolla-deploy",
                                             reason="kolla-deploy step deploy failed (exit 3)"),
                         signals.encode_line("kolla-deploy", "n2", signal_id="kolla-deploy", reason="deployed")])
    state = signals.evaluate([console], "kolla-deploy")
    assert state.status == "SUCCESS" and state.reason == "deployed"
