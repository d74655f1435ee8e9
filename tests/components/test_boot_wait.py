"""BootWait's provider against a local endpoint that answers as Keystone v3 and Nova document: openstacksdk's
real session and auth code, the requests it makes, Heat's counting rules, failure and timeout messages."""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from components import boot_wait
from userdata import signals

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TOKEN = "gAAAAABtoken-value-0123456789"


class FakeCloud:
    """Keystone (token with a catalog) + Nova (server action os-getConsoleOutput), in a thread."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.consoles: dict[str, list[str]] = {}  # server id -> outputs answered in turn (last repeats)
        self.status: dict[str, int] = {}
        cloud = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _reply(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _record(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                cloud.requests.append({"method": self.command, "path": self.path, "body": body,
                                       "token": self.headers.get("X-Auth-Token")})
                return body

            def do_GET(self) -> None:
                self._record()
                base = f"http://127.0.0.1:{self.server.server_port}"
                if self.path.rstrip("/") in ("/identity", "/identity/v3"):
                    self._reply(200, {"version": {"id": "v3.14", "status": "stable",
                                                  "links": [{"rel": "self", "href": f"{base}/identity/v3/"}]}})
                elif self.path.startswith("/compute"):
                    self._reply(200, {"version": {"id": "v2.1", "status": "CURRENT", "version": "2.79",
                                                  "min_version": "2.1",
                                                  "links": [{"rel": "self", "href": f"{base}/compute/v2.1/"}]}})
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                self._record()
                base = f"http://127.0.0.1:{self.server.server_port}"
                if self.path == "/identity/v3/auth/tokens":
                    catalog = [{"type": "compute", "name": "nova", "endpoints": [
                        {"interface": "public", "region": "RegionOne", "region_id": "RegionOne",
                         "url": f"{base}/compute/v2.1"}]}]
                    token = {"methods": ["password"], "expires_at": "2099-01-01T00:00:00.000000Z",
                             "project": {"id": "p1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
                             "user": {"id": "u1", "name": "demo", "domain": {"id": "default", "name": "Default"}},
                             "catalog": catalog, "roles": [{"id": "r1", "name": "member"}]}
                    self._reply(201, {"token": token}, {"X-Subject-Token": TOKEN})
                    return
                parts = self.path.split("/")
                if self.path.startswith("/compute/v2.1/servers/") and parts[-1] == "action":
                    server = parts[-2]
                    code = cloud.status.get(server, 200)
                    if code != 200:
                        self._reply(code, {"forbidden": {"code": code, "message": "Policy doesn't allow "
                                                         "os_compute_api:os-console-output to be performed."}})
                        return
                    outputs = cloud.consoles.get(server, [""])
                    text = outputs.pop(0) if len(outputs) > 1 else outputs[0]
                    self._reply(200, {"output": text})
                    return
                self._reply(404, {"error": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/identity/v3"

    def actions(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/action")]


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch):
    fake = FakeCloud()
    fake.thread.start()
    for key in list(__import__("os").environ):
        if key.startswith("OS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("OS_AUTH_URL", fake.auth_url)
    monkeypatch.setenv("OS_USERNAME", "demo")
    monkeypatch.setenv("OS_PASSWORD", "demo-password")
    monkeypatch.setenv("OS_PROJECT_NAME", "demo")
    monkeypatch.setenv("OS_USER_DOMAIN_NAME", "Default")
    monkeypatch.setenv("OS_PROJECT_DOMAIN_NAME", "Default")
    monkeypatch.setenv("OS_IDENTITY_API_VERSION", "3")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", "/nonexistent/clouds.yaml")
    monkeypatch.setattr(boot_wait.time, "sleep", lambda s: None)
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _line(nonce: str, **kw: Any) -> str:
    return signals.encode_line("wh", nonce, **kw)


def test_create_polls_until_count_and_returns_heat_data(cloud: FakeCloud) -> None:
    cloud.consoles["srv-1"] = ["booting\n",
                               f"booting\n{_line('a', data='x')}\n",
                               f"booting\n{_line('a', data='x')}\n{_line('b', signal_id='5', data='y')}\n"]
    result = boot_wait.BootWaitProvider().create({"serverIds": ["srv-1"], "handle": "wh", "count": 2,
                                                  "timeout": 600})
    assert result.outs["status"] == "SUCCESS"
    assert json.loads(result.outs["data"]) == {"1": "x", "5": "y"}
    token = next(r for r in cloud.requests if r["path"] == "/identity/v3/auth/tokens")
    assert token["body"]["auth"]["identity"]["password"]["user"]["name"] == "demo"
    actions = cloud.actions()
    assert len(actions) == 3
    assert all(a["path"] == "/compute/v2.1/servers/srv-1/action" and "os-getConsoleOutput" in a["body"]
               and a["token"] == TOKEN for a in actions)


def test_several_servers_and_duplicate_ids(cloud: FakeCloud) -> None:
    cloud.consoles["a"] = [f"{_line('n1', signal_id='5')}\n{_line('n2', signal_id='5')}\n"]
    cloud.consoles["b"] = [f"{_line('n3', signal_id='b')}\n"]
    out = boot_wait.BootWaitProvider().create({"serverIds": ["a", "b"], "handle": "wh", "count": 2,
                                               "timeout": 60}).outs
    assert json.loads(out["data"]) == {"5": None, "b": None}
    assert {a["path"] for a in cloud.actions()} == {"/compute/v2.1/servers/a/action",
                                                    "/compute/v2.1/servers/b/action"}


def test_failure_signal_fails_with_reason_and_masked_console(cloud: FakeCloud) -> None:
    cloud.consoles["s"] = [f"db password is Sup3rS3cret\nX-Auth-Token: abcdef\n"
                           f"{_line('f', status='FAILURE', reason='kolla-ansible deploy failed')}\n"]
    with pytest.raises(boot_wait.BootWaitError) as info:
        boot_wait.BootWaitProvider().create({"serverIds": ["s"], "handle": "wh", "count": 1, "timeout": 60,
                                             "secrets": ["Sup3rS3cret"]})
    message = str(info.value)
    assert "FAILURE signal: kolla-ansible deploy failed" in message
    assert "last console lines of server s" in message and "db password is ********" in message
    assert "Sup3rS3cret" not in message and "abcdef" not in message


def test_timeout_names_what_arrived(cloud: FakeCloud) -> None:
    cloud.consoles["s"] = [f"still booting\n{_line('a')}\n"]
    clock = iter(range(0, 10_000, 7))
    with pytest.raises(boot_wait.BootWaitError, match=r"timed out after 30 s with 1 of 3 signal\(s\)"):
        boot_wait.wait_for_signals(boot_wait.openstack_console_reader(), ["s"], "wh", 3, 30,
                                   sleep=lambda s: None, clock=lambda: float(next(clock)))
    assert len(cloud.actions()) >= 3


def test_policy_refusal_fails_at_once_and_says_what_is_needed(cloud: FakeCloud) -> None:
    cloud.status["s"] = 403
    with pytest.raises(boot_wait.ConsoleUnavailableError, match="os_compute_api:os-console-output"):
        boot_wait.BootWaitProvider().create({"serverIds": ["s"], "handle": "wh", "timeout": 600})
    assert len(cloud.actions()) == 1


def test_backoff_grows_to_the_cap() -> None:
    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with pytest.raises(boot_wait.BootWaitError):
        boot_wait.wait_for_signals(lambda sid: "", ["s"], "wh", 1, 300, sleep=sleep, clock=lambda: now[0])
    assert slept[0] == boot_wait.FIRST_DELAY and max(slept) == boot_wait.MAX_DELAY
    assert all(b >= a for a, b in itertools.pairwise(slept[:-1]))


def test_diff_replaces_on_servers_handle_count_only() -> None:
    provider = boot_wait.BootWaitProvider()
    old = {"serverIds": ["a"], "handle": "wh", "count": 1, "timeout": 60}
    assert provider.diff("x", old, {**old, "timeout": 900}).replaces == []
    assert provider.diff("x", old, {**old, "timeout": 900}).changes
    assert provider.diff("x", old, {**old, "serverIds": ["b"]}).replaces == ["serverIds"]
    assert not provider.diff("x", old, dict(old)).changes


def test_provider_is_pickled_by_reference() -> None:
    """The state keeps a reference to components.boot_wait, not a frozen copy of its code."""
    import base64

    import dill
    from pulumi.dynamic.dynamic import serialize_provider

    blob = serialize_provider(boot_wait.BootWaitProvider())
    assert len(blob) < 200
    assert type(dill.loads(base64.b64decode(blob))) is boot_wait.BootWaitProvider
