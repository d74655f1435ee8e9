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
