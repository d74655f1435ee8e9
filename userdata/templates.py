"""Part templates from ``userdata/parts/``: read once, line endings normalised, cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PARTS_DIR = Path(__file__).resolve().parent / "parts"

CLOUD_CONFIG = "cloud-config.yaml"
BOOTHOOK = "boothook.sh"
PART_HANDLER = "part_handler.py"
LOGUSERDATA = "loguserdata.py"
METADATA_SERVER = "cfn-metadata-server.txt"
BOTO_CFG = "cfn-boto-cfg.ini"


def normalise(text: str) -> str:
    """LF line endings, no trailing whitespace, exactly one final newline (pitfalls 2:
    whitespace-only template changes must not replace servers)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body = "\n".join(line.rstrip() for line in lines).rstrip("\n")
    return body + "\n"


@cache
def template(name: str) -> str:
    """The normalised text of ``userdata/parts/<name>``."""
    return normalise((PARTS_DIR / name).read_text(encoding="utf-8"))
