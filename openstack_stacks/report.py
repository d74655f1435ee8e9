"""Notes and files a build wants the user to see, beside the resources.

`note()` records something the user must know (e.g. a Heat wait condition that Pulumi cannot wait on);
it is logged through Pulumi on a real `pulumi up` and written to `plan.json` by the offline render.
`artifact()` records a file rendered from stack values (e.g. Kolla's `globals.yml`); the offline
render writes it under `--out DIR`.
"""

from __future__ import annotations

from typing import Any

import pulumi

_NOTES: list[str] = []
_ARTIFACTS: dict[str, Any] = {}
_SECRETS: set[str] = set()
MIN_SECRET_LENGTH = 3  # shorter values ("1", "a") would blank out ordinary text; they say little anyway


def note(text: str) -> None:
    """Record a note for the user (deduplicated, in order)."""
    if text not in _NOTES:
        _NOTES.append(text)
        pulumi.log.info(text)


def artifact(relative_path: str, content: pulumi.Input[str]) -> None:
    """Record a rendered file (a string or an Output of one) at `relative_path`."""
    _ARTIFACTS[relative_path] = content


def secret_value(value: Any) -> None:
    """Remember the text of a secret parameter's value so no message or note repeats it (see `scrub`)."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
        if len(text) >= MIN_SECRET_LENGTH:
            _SECRETS.add(text)
    elif isinstance(value, (list, tuple)):
        for item in value:
            secret_value(item)
    elif isinstance(value, dict):
        for item in value.values():
            secret_value(item)


def scrub(text: str) -> str:
    """`text` with every remembered secret value replaced by `[secret]` (longest first)."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "[secret]")
    return text


def peek_notes() -> list[str]:
    """The notes recorded so far (not cleared)."""
    return list(_NOTES)


def peek_artifacts() -> dict[str, Any]:
    """The artifacts recorded so far (not cleared)."""
    return dict(_ARTIFACTS)


def take() -> tuple[list[str], dict[str, Any]]:
    """Return and clear what was recorded (the offline render calls this after each run)."""
    notes, artifacts = list(_NOTES), dict(_ARTIFACTS)
    _NOTES.clear()
    _ARTIFACTS.clear()
    _SECRETS.clear()
    return notes, artifacts
