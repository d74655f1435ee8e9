"""The key plan.json's secret digests are made with: a keyed HMAC, so a digest cannot be guessed offline.

An unsalted sha256 of a short password falls to a dictionary in seconds; an HMAC-SHA256 under a key that
never enters the plan does not, and two renders with the same key still give the same digest for the same
value, which is all `diff` needs (changed or unchanged).

The key comes from `OPENSTACK_STACKS_PLAN_KEY` (any text; share it to compare plans made on different
machines), else from `$XDG_CONFIG_HOME/openstack-stacks/plan-key` (`~/.config/...`), created 0600 with 32
random bytes on first use.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

ENV = "OPENSTACK_STACKS_PLAN_KEY"
PREFIX = "hmac-sha256:"
_cached: tuple[str, bytes] | None = None


def key_path() -> Path:
    """Where the per-user key lives."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "openstack-stacks" / "plan-key"


def plan_key() -> bytes:
    """The HMAC key (environment, else the per-user key file, made on first use)."""
    global _cached
    given = os.environ.get(ENV)
    if given:
        return given.encode()
    path = key_path()
    if _cached is not None and _cached[0] == str(path):
        return _cached[1]
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        key = b""
    except OSError:
        key = b""
    if not key:
        key = secrets.token_hex(32).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(key + b"\n")
        except FileExistsError:  # another render made it first
            key = path.read_bytes().strip()
        except OSError:
            pass  # a read-only home: this process's key (digests then differ between runs)
    _cached = (str(path), key)
    return key


def digest(data: bytes) -> str:
    """`hmac-sha256:<hex>` of `data` under the plan key."""
    return PREFIX + hmac.new(plan_key(), data, hashlib.sha256).hexdigest()
