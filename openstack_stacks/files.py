"""Reading the files a stack names: one place that confines, bounds and decodes every file reference.

A file reference (`script_file`, `user_data_parts[].file`, HOT `get_file`, a nested template used as a type,
a `resource_registry` target of an environment file) is resolved against the directory of the file that
names it, symlinks resolved, and must stay inside that directory tree or inside a root the user widened
explicitly (`render --allow-root DIR`, Pulumi config `allowedRoots`). Only regular files are read (no
devices, FIFOs, sockets, nothing under /proc, /sys or /dev), at most `MAX_FILE_BYTES`, as UTF-8 text
without NUL bytes. Every refusal is a StackError naming the file, the resource and the path.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from components.errors import StackError

MAX_FILE_BYTES = int(os.environ.get("OPENSTACK_STACKS_MAX_FILE_BYTES", 4 * 1024 * 1024))
"""Largest file read (bytes): Nova's user data limit is 64 KiB; templates are far smaller than this."""

SPECIAL_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))

_extra_roots: tuple[Path, ...] = ()


def set_allowed_roots(roots: Iterable[str | Path]) -> None:
    """Directories (besides each naming file's own directory tree) file references may reach."""
    global _extra_roots
    _extra_roots = tuple(Path(r).expanduser().resolve() for r in roots)


def allowed_roots() -> tuple[Path, ...]:
    """The explicitly widened roots currently in force."""
    return _extra_roots


@contextmanager
def roots_in_force(roots: Iterable[str | Path]) -> Iterator[None]:
    """`set_allowed_roots` for the duration of a block (one render)."""
    before = _extra_roots
    set_allowed_roots(roots)
    try:
        yield
    finally:
        globals()["_extra_roots"] = before


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def confine(name: str, *, base: str | Path, file: str | None, resource: str | None = None,
            field: str | None = None) -> Path:
    """The resolved path of reference `name` made by `file` (relative to directory `base`).

    Refused (StackError naming `file`, `resource`, `field` and the reference) when it resolves outside
    `base`'s tree and every widened root, names a special tree (/proc, /sys, /dev), or holds a NUL or
    newline character.
    """
    if not isinstance(name, str) or not name:
        raise StackError(f"a file reference must be a non-empty path, got {name!r}", file=file,
                         resource=resource, field=field)
    if "\x00" in name or "\n" in name or "\r" in name:
        raise StackError(f"file reference {name!r} holds a control character", file=file, resource=resource,
                         field=field)
    root = Path(base).resolve()
    target = (root / name).resolve()
    if any(_inside(target, special) for special in SPECIAL_TREES):
        raise StackError(f"file reference {name!r} names a system file ({target}); refused", file=file,
                         resource=resource, field=field)
    if not any(_inside(target, r) for r in (root, *_extra_roots)):
        raise StackError(
            f"file reference {name!r} resolves to {target}, outside {root} (the directory of the file naming "
            "it); widen with `render --allow-root DIR` or Pulumi config `allowedRoots`",
            file=file, resource=resource, field=field)
    return target


def read_text(path: str | Path, *, file: str | None = None, resource: str | None = None,
              field: str | None = None, limit: int | None = None) -> str:
    """Read a regular file as UTF-8, at most `limit` bytes (default `MAX_FILE_BYTES`).

    Errors name `file` (the naming file; the path itself when None), `resource` and `field`, and give the
    line of an invalid UTF-8 sequence or a NUL byte.
    """
    path = Path(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    who = file or str(path)
    label = "" if file is None else f"{path}: "

    def fail(message: str) -> StackError:
        return StackError(f"{label}{message}", file=who, resource=resource, field=field)

    try:
        resolved = path.resolve()
        if any(_inside(resolved, special) for special in SPECIAL_TREES):
            raise fail("a system file (/proc, /sys, /dev) is never read")
        info = os.stat(resolved)
        if not stat.S_ISREG(info.st_mode):
            raise fail("not a regular file (a device, FIFO, socket or directory is never read)")
        if info.st_size > limit:
            raise fail(f"file is {info.st_size} bytes, over the {limit}-byte limit")
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise fail("not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise fail(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise fail(f"file is over the {limit}-byte limit")
    return decode(data, fail)


def decode(data: bytes, fail: Callable[[str], StackError]) -> str:
    """UTF-8 text of `data`; invalid sequences and NUL bytes are errors with the line number."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(f"invalid UTF-8 (line {line}, byte {exc.start})") from None
    nul = text.find("\x00")
    if nul >= 0:
        raise fail(f"NUL byte (line {text.count(chr(10), 0, nul) + 1}); a text file holds none")
    return text


def read_reference(name: str, *, base: str | Path, file: str | None, resource: str | None = None,
                   field: str | None = None) -> str:
    """`confine` then `read_text`: the text of a file reference."""
    target = confine(name, base=base, file=file, resource=resource, field=field)
    return read_text(target, file=file, resource=resource, field=field)
