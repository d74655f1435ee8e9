"""The user data API types: what a stack asks for (spec) and what it gets (rendered)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("HEAT_CFNTOOLS", "RAW", "SOFTWARE_CONFIG")
COMPRESS_MODES = ("auto", "always", "never")


@dataclass(frozen=True)
class Part:
    """One MIME part. ``subtype`` is explicit ("cloud-config", "x-shellscript", ...), never
    guessed from ``filename``; ``merge_type`` becomes an ``X-Merge-Type`` header."""

    content: str
    subtype: str
    filename: str | None = None
    merge_type: str | None = None


@dataclass(frozen=True)
class UserDataSpec:
    """What a server's user data is made of.

    ``metadata`` becomes the ``cfn-init-data`` part (canonical JSON). ``metadata_server_url``
    is the Heat CFN API URL; Pulumi has none, so without it the ``cfn-metadata-server`` and
    ``cfn-boto-cfg`` parts are left out and heat-cfntools' ``cfn-init`` falls back to the
    local ``/var/lib/heat-cfntools/cfn-init-data``.
    """

    format: str = "HEAT_CFNTOOLS"
    script: str | None = None
    parts: tuple[Part, ...] = ()
    metadata: Mapping[str, Any] | None = field(default=None, hash=False)
    instance_user: str | None = None
    metadata_server_url: str | None = None
    compress: str = "auto"
    # HEAT_CFNTOOLS only: refuse a `script` that is no script (no "#!"). Heat sends it anyway and the
    # instance's loguserdata reports it as failed (exit 126); template front-ends turn this off for parity.
    require_shebang: bool = True
    # HEAT_CFNTOOLS only: report the script's exit status as a signal on this handle (userdata.signals),
    # for a components.boot_wait.BootWait to wait for.
    boot_signal: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.parts, tuple):
            object.__setattr__(self, "parts", tuple(self.parts))


@dataclass(frozen=True)
class PartInfo:
    """Summary of one rendered part (for plan.json and diffs)."""

    filename: str | None
    content_type: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "contentType": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class RenderedUserData:
    """``mime``: the decoded payload (the MIME message; RAW: the text). ``user_data``: the exact
    string for ``compute.Instance(user_data=...)``. ``size``: the base64 length Nova checks."""

    mime: bytes
    user_data: str
    compressed: bool
    parts: tuple[PartInfo, ...]
    size: int

    def to_json(self) -> dict[str, Any]:
        """The plan.json ``userData`` entry fields owned by this package."""
        return {
            "compressed": self.compressed,
            "size": self.size,
            "parts": [p.to_json() for p in self.parts],
        }
