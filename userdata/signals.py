"""The boot signal channel: framed console lines that carry Heat wait condition signals without Heat.

An instance reports through its serial console (what Nova's ``os-getConsoleOutput`` returns). One signal
is one line::

    @@OSSIG1:<handle>:<nonce>:<base64url(body)>:<POSIX cksum of the base64url text>@@

``body`` is the request body Heat would have received (``{"status", "reason", "data", "id"}`` of a
native handle, ``{"Status", "Reason", "Data", "UniqueId"}`` of heat-cfntools' cfn-signal), at most
``MAX_BODY`` bytes. The line uses only ``[A-Za-z0-9@:_-]``, so a console cannot mangle it unnoticed: a
damaged line fails its checksum and is skipped. The nonce tells one emission from another, so the copies
a helper writes to /dev/console, /dev/ttyS0 and the journal count once.

Writers: ``userdata/parts/openstack-stacks-signal.sh`` (installed by the ``signal-hook.sh`` boothook with
a ``curl`` shim that intercepts ``SIGNAL_URL``), or :func:`shell_command`, the same helper as one
self-contained ``sh -c`` line for RAW user data. Readers: :func:`decode` and :func:`evaluate` (Heat's
rules: ids default to a count, a repeated id overwrites, any FAILURE fails). No Pulumi here.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userdata import templates
from userdata.model import Part

VERSION = "OSSIG1"
MAX_BODY = 4096
HANDLE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
LINE_RE = re.compile(
    r"@@OSSIG1:(?P<handle>[A-Za-z0-9_.-]{1,64}):(?P<nonce>[A-Za-z0-9]{1,32}):"
    r"(?P<payload>[A-Za-z0-9_-]{0,5464}):(?P<crc>[0-9]{1,10})@@")
SIGNAL_URL = "https://signal.invalid/openstack-stacks/v1/{handle}"
HELPER = "openstack-stacks-signal.sh"
CURL_SHIM = "curl-signal-shim.sh"
SIGNAL_HOOK = "signal-hook.sh"
BOOT_SIGNAL = "boot_signal.py"
BOOT_SIGNAL_FILENAME = "zz-openstack-stacks-boot-signal.py"  # sorts after loguserdata.py
HELPER_NAME = "openstack-stacks-signal"
SUCCESS, FAILURE, WAITING = "SUCCESS", "FAILURE", "WAITING"


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
        table.append(crc & 0xFFFFFFFF)
    return table


_TABLE = _crc_table()


def cksum(data: bytes) -> int:
    """POSIX ``cksum`` (CRC-32/CKSUM over the data, then its length): what the shell helper computes."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _TABLE[(crc >> 24) ^ byte]
    length = len(data)
    while length:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _TABLE[(crc >> 24) ^ (length & 0xFF)]
        length >>= 8
    return ~crc & 0xFFFFFFFF


def check_handle(handle: str) -> str:
    """A handle name usable in a frame and a URL (letters, digits, ``_.-``; at most 64)."""
    if not isinstance(handle, str) or not HANDLE_RE.match(handle):
        raise ValueError(f"signal handle {handle!r} must be 1-64 letters, digits, '_', '.' or '-'")
    return handle


def signal_url(handle: str) -> str:
    """The URL a handle hands out (Ref / endpoint): only the curl shim on the instance answers it."""
    return SIGNAL_URL.format(handle=check_handle(handle))


def encode_body(body: bytes, handle: str, nonce: str) -> str:
    """One framed line for a raw request body (the shell helper's job, in Python)."""
    check_handle(handle)
    if not re.fullmatch(r"[A-Za-z0-9]{1,32}", nonce):
        raise ValueError("nonce must be 1-32 letters or digits")
    if len(body) > MAX_BODY:
        body = json.dumps({"status": FAILURE,
                           "reason": f"signal body of {len(body)} bytes is over the {MAX_BODY}-byte limit"}).encode()
    payload = base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
    return f"@@{VERSION}:{handle}:{nonce}:{payload}:{cksum(payload.encode('ascii'))}@@"


def encode_line(handle: str, nonce: str, *, status: str = SUCCESS, reason: str | None = None,
                data: Any = None, signal_id: str | None = None) -> str:
    """A framed line for a native-style signal ``{status, reason, data, id}``."""
    body: dict[str, Any] = {"status": status}
    if reason is not None:
        body["reason"] = reason
    if data is not None:
        body["data"] = data
    if signal_id is not None:
        body["id"] = signal_id
    return encode_body(json.dumps(body, sort_keys=True).encode("utf-8"), handle, nonce)


@dataclass(frozen=True)
class Frame:
    """One decoded, checksum-valid line: the handle, the emission nonce and the raw body."""

    handle: str
    nonce: str
    body: bytes


@dataclass(frozen=True)
class Signal:
    """A signal as Heat records it (keys normalised from either the native or the CFN form)."""

    handle: str
    id: str | None
    status: str
    reason: str | None
    data: Any
    error: str | None = None  # the body is no valid signal: why (Heat would answer 400)


def decode_frames(text: str) -> tuple[list[Frame], int]:
    """Every valid frame in console text, in order, copies of one emission once; and the count of
    lines that looked like frames but failed their checksum or base64."""
    frames: list[Frame] = []
    seen: set[tuple[str, str, str]] = set()
    damaged = 0
    for match in LINE_RE.finditer(text):
        payload = match["payload"]
        if cksum(payload.encode("ascii")) != int(match["crc"]):
            damaged += 1
            continue
        try:
            body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            damaged += 1
            continue
        key = (match["handle"], match["nonce"], payload)
        if key in seen:
            continue
        seen.add(key)
        frames.append(Frame(match["handle"], match["nonce"], body))
    damaged += max(0, text.count("@@OSSIG1:") - len(LINE_RE.findall(text)))
    return frames, damaged


def _field(body: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in body:
            return body[name]
    return None


def to_signal(frame: Frame) -> Signal:
    """Normalise a frame's body as Heat's handles do (native keys or CFN keys; status defaults SUCCESS)."""
    try:
        body = json.loads(frame.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Signal(frame.handle, None, FAILURE, None, None, error=f"signal body is not JSON: {exc}")
    if not isinstance(body, dict):
        return Signal(frame.handle, None, FAILURE, None, None, error="signal body is not a JSON object")
    status = _field(body, "status", "Status")
    status = SUCCESS if status is None else str(status).upper()
    error = None if status in (SUCCESS, FAILURE) else f"unknown signal status {status!r}"
    sid = _field(body, "id", "UniqueId")
    reason = _field(body, "reason", "Reason")
    return Signal(frame.handle, None if sid is None else str(sid), status,
                  None if reason is None else str(reason), _field(body, "data", "Data"), error=error)


def decode(text: str) -> list[Signal]:
    """Every signal in console text, in order (all handles)."""
    return [to_signal(f) for f in decode_frames(text)[0]]


@dataclass
class WaitState:
    """What a wait condition sees of its handle's signals (Heat's wait_condition.py rules)."""

    handle: str
    count: int = 1
    signals: dict[str, Signal] = field(default_factory=dict)  # id -> last signal with that id
    invalid: list[str] = field(default_factory=list)

    def add(self, signal: Signal) -> None:
        if signal.handle != self.handle:
            return
        if signal.error:
            self.invalid.append(signal.error)
            return
        sid = signal.id if signal.id is not None else str(len(self.signals) + 1)
        self.signals[sid] = Signal(signal.handle, sid, signal.status, signal.reason, signal.data)

    @property
    def failure(self) -> Signal | None:
        return next((s for s in self.signals.values() if s.status == FAILURE), None)

    @property
    def successes(self) -> int:
        return sum(1 for s in self.signals.values() if s.status == SUCCESS)

    @property
    def status(self) -> str:
        if self.failure is not None:
            return FAILURE
        return SUCCESS if self.successes >= self.count else WAITING

    @property
    def reason(self) -> str:
        failed = self.failure
        if failed is not None:
            return failed.reason or f"signal {failed.id} reported FAILURE"
        reasons = [s.reason or f"Signal {sid} received" for sid, s in self.signals.items()]
        return "; ".join(reasons)

    def data(self) -> dict[str, Any]:
        """Heat's ``data`` attribute before JSON encoding: id -> data."""
        return {sid: s.data for sid, s in self.signals.items()}

    def data_json(self) -> str:
        return json.dumps(self.data(), sort_keys=True)


def evaluate(texts: Iterable[str], handle: str, count: int = 1) -> WaitState:
    """The wait state of `handle` after reading the given console texts (one per signalling server)."""
    state = WaitState(handle=check_handle(handle), count=int(count))
    for text in texts:
        for signal in decode(text):
            state.add(signal)
    return state


def helper_script() -> str:
    """The helper script text (``openstack-stacks-signal HANDLE [curl args]``)."""
    return templates.template(HELPER)


def shell_command(handle: str) -> str:
    """The helper as one self-contained line: ``sh -c '...' openstack-stacks-signal HANDLE``.

    Used as a handle's ``curl_cli``: ``<it> --data-binary '{"status": "SUCCESS"}'`` works in any POSIX
    shell with coreutils or busybox (base64, cksum, od), nothing installed first."""
    body = [line for line in helper_script().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    script = "; ".join(body)
    assert "'" not in script, "the helper must not contain single quotes"
    return f"sh -c '{script}' {HELPER_NAME} {check_handle(handle)}"


def signal_hook_part() -> Part:
    """The boothook part that installs the helper and the curl shim (HEAT_CFNTOOLS / SOFTWARE_CONFIG)."""
    text = (templates.template(SIGNAL_HOOK)
            .replace("@SIGNAL_HELPER@", helper_script())
            .replace("@CURL_SHIM@", templates.template(CURL_SHIM)))
    return Part(text, "cloud-boothook", SIGNAL_HOOK)


def boot_signal_part(handle: str) -> Part:
    """The script part that reports loguserdata's result (the user script's exit status) on `handle`."""
    text = templates.template(BOOT_SIGNAL).replace("@HANDLE@", check_handle(handle))
    return Part(text, "x-shellscript", BOOT_SIGNAL_FILENAME)


def uses_signals(text: str | None) -> bool:
    """Whether user data text signals a handle through its URL (cfn-signal, curl): then the curl shim
    must be installed first. The one-line `curl_cli` form needs nothing installed."""
    return bool(text) and "signal.invalid/openstack-stacks/" in text


SH_SHEBANG = re.compile(r"^#!\s*(/usr)?/bin/(env\s+)?(ba|da)?sh\b")


def with_signal_hook(script: str) -> str:
    """A RAW shell script that names a handle URL, with the signal hook's commands after its `#!` line
    (RAW user data has no other part to install the curl shim from); any other script unchanged."""
    first, newline, rest = script.partition("\n")
    if not uses_signals(script) or not SH_SHEBANG.match(first):
        return script
    hook = [line for line in templates.template(SIGNAL_HOOK).splitlines()[1:] if line != "exit 0"]
    body = ("\n".join(hook) + "\n").replace("@SIGNAL_HELPER@", helper_script()).replace(
        "@CURL_SHIM@", templates.template(CURL_SHIM))
    return f"{first}\n{body}# end of the openstack-stacks signal hook\n{rest if newline else ''}"


MASKED = "********"
_TOKEN_RE = re.compile(r"(?i)(x-auth-token:\s*|password[=:]\s*|token[=:]\s*)\S+")


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every given secret value and token/password-looking value replaced by ********."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, MASKED)
    return _TOKEN_RE.sub(lambda m: m.group(1) + MASKED, text)
