"""Say which part of a server's user data changed, from the plan's `userData` section."""

from __future__ import annotations

from typing import Any


def _label(index: int, part: dict[str, Any]) -> str:
    name = part.get("filename") or "(no filename)"
    return f"part {index + 1} {name} ({part.get('contentType', '?')})"


def describe_user_data(old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    """One line naming the MIME parts that differ (by position, filename and digest)."""
    if not old or not new:
        return "user data changed (no part details in the plan)"
    details: list[str] = []
    if bool(old.get("compressed")) != bool(new.get("compressed")):
        details.append(f"compression {'on' if new.get('compressed') else 'off'}")
    if bool(old.get("secret")) != bool(new.get("secret")):
        details.append(f"now {'secret' if new.get('secret') else 'not secret'}")
    old_parts, new_parts = old.get("parts") or [], new.get("parts") or []
    for i in range(max(len(old_parts), len(new_parts))):
        if i >= len(new_parts):
            details.append(f"{_label(i, old_parts[i])} removed")
        elif i >= len(old_parts):
            details.append(f"{_label(i, new_parts[i])} added")
        else:
            a, b = old_parts[i], new_parts[i]
            if (a.get("filename"), a.get("contentType")) != (b.get("filename"), b.get("contentType")):
                details.append(f"{_label(i, a)} became {_label(i, b)}")
            elif a.get("sha256") != b.get("sha256"):
                details.append(f"{_label(i, b)} changed ({a.get('size')} => {b.get('size')} bytes)")
    if not details:
        details.append("MIME envelope changed (parts identical)")
    return "user data: " + "; ".join(details)
