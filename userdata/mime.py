"""Deterministic multipart/mixed writer, byte-compatible with terraform's cloudinit_config.

Layout (hashicorp/terraform-provider-cloudinit ``cloudinit_config.go``, Go ``mime/multipart``):
the first header line ends with LF only, everything after it with CRLF; a fixed boundary; each
part's headers sorted by name (``Mime-Version`` in Go's canonical case). Part content is written
as is: ASCII parts as ``7bit`` exactly like terraform. Non-ASCII parts are sent as base64 with
``charset="utf-8"``, because cloud-init parses the message as text and would mangle 8-bit
content declared ``7bit`` (``email`` decodes it with ``raw-unicode-escape``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass

BOUNDARY = "MIMEBOUNDARY"
DELIMITER = "--" + BOUNDARY


@dataclass(frozen=True)
class MimePart:
    """One part as written: full content type (``text/cloud-config``) and optional headers."""

    content: str
    content_type: str
    filename: str | None = None
    merge_type: str | None = None


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def _part_text(part: MimePart) -> str:
    if part.content.isascii():
        headers = {"Content-Transfer-Encoding": "7bit", "Content-Type": part.content_type}
        body = part.content
    else:
        headers = {
            "Content-Transfer-Encoding": "base64",
            "Content-Type": f'{part.content_type}; charset="utf-8"',
        }
        body = _base64_lines(part.content.encode("utf-8"))
    headers["Mime-Version"] = "1.0"
    if part.filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{part.filename}"'
    if part.merge_type is not None:
        headers["X-Merge-Type"] = part.merge_type
    head = "".join(f"{name}: {headers[name]}\r\n" for name in sorted(headers))
    return f"{DELIMITER}\r\n{head}\r\n{body}"


def render_mime(parts: Iterable[MimePart]) -> bytes:
    """The whole message. The caller checks that no content contains ``DELIMITER``."""
    body = "\r\n".join(_part_text(part) for part in parts)
    return (
        f'Content-Type: multipart/mixed; boundary="{BOUNDARY}"\n'
        f"MIME-Version: 1.0\r\n\r\n{body}\r\n{DELIMITER}--\r\n"
    ).encode("ascii")
