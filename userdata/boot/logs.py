"""Read what cloud-init 22.4 logs about a boot: handlers per part, script exit codes, warnings."""

from __future__ import annotations

import email
import email.policy
import gzip
import re
from dataclasses import dataclass

from userdata.sniff import sniff_subtype

_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - (?P<src>[^\[]+)\[(?P<level>[A-Z]+)\]: (?P<msg>.*)$")
# cloudinit/handlers/__init__.py run_part():
#   "Calling handler %s (%s, %s, %s) with frequency %s" % (mod, content_type, filename, version, freq)
_CALLING = re.compile(r"^Calling handler (?P<handler>.+) \((?P<ctype>[^,()]+), (?P<filename>.*), (?P<ver>\d+)\) "
                      r"with frequency (?P<freq>\S+)$")
# subp.ProcessExecutionError text, as util.runparts() logs it for a failing user script
_SCRIPT_FAIL = re.compile(r"Command: \['/var/lib/cloud/instance/scripts/(?P<name>[^']+)'\]\s*\n"
                          r"Exit code: (?P<rc>-?\d+)")
_SCRIPT_RUN = re.compile(r"^Running command \['/var/lib/cloud/instance/scripts/(?P<name>[^']+)'\]")
_MODULE = re.compile(r"<module '(?P<name>[^']+)'")


@dataclass(frozen=True)
class LogRecord:
    """One cloud-init log record: its level, first line, and any continuation lines (tracebacks)."""

    level: str
    line: str
    more: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        match = _RECORD.match(self.line)
        return match.group("msg") if match else self.line


@dataclass(frozen=True)
class HandlerCall:
    handler: str
    content_type: str
    filename: str


def records(log: str) -> list[LogRecord]:
    """Split cloud-init.log into records (a record runs until the next timestamped line)."""
    out: list[LogRecord] = []
    current: list[str] = []
    level = ""
    for line in log.splitlines():
        match = _RECORD.match(line)
        if match:
            if current:
                out.append(LogRecord(level, current[0], tuple(current[1:])))
            current, level = [line], match.group("level")
        elif current:
            current.append(line)
    if current:
        out.append(LogRecord(level, current[0], tuple(current[1:])))
    return out


def problems(recs: list[LogRecord]) -> list[LogRecord]:
    """Every WARNING, ERROR or CRITICAL record."""
    return [r for r in recs if r.level in ("WARNING", "ERROR", "CRITICAL")]


def _handler_name(text: str) -> str:
    module = _MODULE.search(text)
    if module:
        return module.group("name")
    return text.split(":", 1)[0].strip()


def handler_calls(recs: list[LogRecord]) -> list[HandlerCall]:
    """Each handler call for a real part (the __begin__/__end__ calls are left out)."""
    calls = []
    for rec in recs:
        match = _CALLING.match(rec.message)
        if match and not match.group("ctype").startswith("__"):
            calls.append(HandlerCall(_handler_name(match.group("handler")), match.group("ctype"),
                                     match.group("filename")))
    return calls


def handler_registrations(recs: list[LogRecord]) -> list[str]:
    """Custom handlers cloud-init loaded from text/part-handler parts (their __begin__ call), in order."""
    names = []
    for rec in recs:
        match = _CALLING.match(rec.message)
        if match and match.group("ctype") == "__begin__":
            name = _handler_name(match.group("handler"))
            if name.startswith("part-handler-") and name not in names:
                names.append(name)
    return names


def user_scripts(log: str) -> dict[str, int]:
    """Scripts cloud-init's scripts-user ran (in order) and their exit codes (0 unless logged as failed)."""
    ran: dict[str, int] = {}
    for rec in records(log):
        match = _SCRIPT_RUN.match(rec.message)
        if match:
            ran.setdefault(match.group("name"), 0)
    for match in _SCRIPT_FAIL.finditer(log):
        ran[match.group("name")] = int(match.group("rc"))
    return ran


@dataclass(frozen=True)
class SentPart:
    """A part as sent in the user data (before cloud-init touches it)."""

    filename: str | None
    content_type: str
    merge_type: str | None


def sent_parts(data: bytes) -> list[SentPart]:
    """The parts of the delivered user data (gzip is undone as cloud-init does)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart():
        # cloud-init types a single non-MIME payload by its first line, as the sniffer here does
        subtype = sniff_subtype(data.decode("utf-8", "replace"))
        return [SentPart(None, f"text/{subtype}" if subtype else "text/x-not-multipart", None)]
    return [SentPart(p.get_filename(), p.get_content_type(),
                     p.get("X-Merge-Type") or p.get("Merge-Type"))
            for p in message.walk() if not p.is_multipart()]
