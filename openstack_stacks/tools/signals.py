"""`python -m components signals CONSOLE_LOG|- [--handle H] [--count N] [--json]`.

Decodes the boot signals in a console log (``openstack console log show SERVER`` output, or a serial
console file) and prints, per handle, each signal and the wait state Heat's rules give it.
Exit codes: 0 ok, 1 a handle reported FAILURE (or the file cannot be read), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from components.errors import StackError
from userdata import signals


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m components signals",
                                     description="Decode openstack-stacks boot signals in a console log.")
    parser.add_argument("log", help="console log file, or - for standard input")
    parser.add_argument("--handle", action="append", default=[], help="only this handle (repeatable)")
    parser.add_argument("--count", type=int, default=1, help="signals a handle waits for (default 1)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise StackError(f"cannot read console log: {exc.strerror}", file=path) from exc


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    text = _read(args.log)
    frames, damaged = signals.decode_frames(text)
    handles = args.handle or sorted({f.handle for f in frames}, key=[f.handle for f in frames].index)
    result = {}
    for handle in handles:
        state = signals.evaluate([text], handle, args.count)
        result[handle] = {
            "status": state.status, "reason": state.reason, "data": state.data(),
            "signals": [{"id": s.id, "status": s.status, "reason": s.reason, "data": s.data}
                        for s in state.signals.values()],
            "invalid": state.invalid,
        }
    if args.json:
        print(json.dumps({"handles": result, "damaged": damaged}, indent=2, sort_keys=True))
    else:
        if not result:
            print("no signals found")
        for handle, rec in result.items():
            print(f"{handle}: {rec['status']} ({len(rec['signals'])} signal(s), waiting for {args.count})")
            for sig in rec["signals"]:
                extra = f" reason={sig['reason']!r}" if sig["reason"] is not None else ""
                extra += f" data={json.dumps(sig['data'])}" if sig["data"] is not None else ""
                print(f"  id {sig['id']}: {sig['status']}{extra}")
            for problem in rec["invalid"]:
                print(f"  invalid signal: {problem}")
        if damaged:
            print(f"{damaged} damaged signal line(s) skipped (checksum or encoding)")
    return 1 if any(r["status"] == signals.FAILURE for r in result.values()) else 0
