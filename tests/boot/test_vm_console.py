"""One real VM boot (qemu TCG, Debian's cloud kernel, a real config drive): native_waitcondition's RAW user
data signals through /dev/console, the serial console is written to a file exactly as Nova returns it, and the
waiter's decoder finds the five signals in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from components import boot_wait
from openstack_stacks.tools.offline import render
from userdata import signals

pytestmark = pytest.mark.boot
CORPUS = Path(__file__).parents[1] / "corpus" / "heat-templates"


@pytest.fixture(scope="module")
def vm():
    from userdata.boot import vm

    ok, reason = vm.available()
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"VM boots unavailable under CI: {reason}")
        pytest.skip(f"VM boots unavailable: {reason}")
    return vm


def test_native_waitcondition_signals_on_the_serial_console(vm) -> None:
    plan = render(CORPUS / "hot/native_waitcondition.yaml", {"key_name": "ops", "image": "debian", "flavor": "m1"})
    result = vm.boot_vm(plan.user_data["instance1"].user_data, server="instance1", timeout=900)
    assert result.finished, result.console[-3000:]
    state = signals.evaluate([result.console], "wait_handle", count=5)
    assert state.status == "SUCCESS", result.console[-3000:]
    assert state.data() == {"1": None, "2": None, "3": "data3", "4": "data4", "5": None}
    # the waiter itself, reading that console as Nova would return it
    waited = boot_wait.wait_for_signals(lambda sid: result.console, ["instance1"], "wait_handle", 5, 60,
                                        sleep=lambda s: None)
    assert waited.data_json() == '{"1": null, "2": null, "3": "data3", "4": "data4", "5": null}'


def test_heat_cfntools_curl_shim_and_boot_signal_on_the_serial_console(vm) -> None:
    """HEAT_CFNTOOLS under systemd: the signal boothook installs the shim, the script's `curl ... URL` (what
    cfn-signal runs) reaches the console through PATH, and the stack-file boot signal reports the exit status."""
    from userdata import UserDataSpec, build_user_data

    script = ("#!/bin/sh\nset -e\n"
              "curl -X PUT -H 'Content-Type:' --data-binary '{\"Status\": \"SUCCESS\", \"Reason\": \"up\", "
              f"\"UniqueId\": \"vm\", \"Data\": \"d1\"}}' '{signals.signal_url('cfn_handle')}'\n"
              "echo 'vm \"ok\"' > /var/lib/heat-cfntools/boot-data\n")
    rendered = build_user_data(UserDataSpec(script=script, boot_signal="vm-boot"), "vm")
    result = vm.boot_vm(rendered.user_data, server="vm", timeout=900)
    assert result.finished, result.console[-3000:]
    cfn = signals.evaluate([result.console], "cfn_handle")
    assert cfn.status == "SUCCESS" and cfn.data() == {"vm": "d1"}, result.console[-3000:]
    boot = signals.evaluate([result.console], "vm-boot")
    assert boot.status == "SUCCESS" and boot.data() == {"boot": 'vm "ok"\n'}, result.console[-3000:]
