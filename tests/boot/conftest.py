"""Boot tests: real cloud-init and heat-cfntools in the cached root filesystem (userdata.boot).

They need root and the cached root filesystem (`.ci/setup.d/boot.sh` builds it). Without them the
tests are skipped with the reason, except under CI=true, where a missing prerequisite fails them.
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "boot: boots user data through real cloud-init (needs root)")


@pytest.fixture(scope="session")
def boot_ready() -> None:
    """Skip (or, under CI=true, fail) when the harness cannot run here."""
    from userdata.boot import available

    ok, reason = available()
    if not ok:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"boot harness unavailable under CI: {reason}")
        pytest.skip(f"boot harness unavailable: {reason}")


@pytest.fixture
def boot(boot_ready):
    """`userdata.boot.boot`, once the harness is known to work here."""
    from userdata.boot import boot as do_boot

    return do_boot


@pytest.fixture
def boot_spec(boot):
    """Render a UserDataSpec with the real builder and boot it: (RenderedUserData, BootReport)."""
    from userdata import build_user_data

    def run(spec, server: str = "test-server", **kwargs):
        rendered = build_user_data(spec, server)
        return rendered, boot(rendered.user_data, server=server, **kwargs)

    return run
