"""``build_user_data``: a UserDataSpec to the exact bytes and string a server gets."""

from __future__ import annotations

import hashlib

from userdata import checks, heat_parts, signals
from userdata.cloud_config import cloud_config_problem
from userdata.encoding import encode
from userdata.errors import UserDataError
from userdata.mime import MimePart, render_mime
from userdata.model import COMPRESS_MODES, FORMATS, Part, PartInfo, RenderedUserData, UserDataSpec
from userdata.sniff import is_mime, sniff_subtype

_SCRIPT_HINT = "start it with '#!' (a script) or '#cloud-config'"


def _label(part: Part, number: int) -> str:
    name = f"{part.filename!r} " if part.filename else ""  # repr: a newline in a name stays on the line
    return f"{name}#{number} (text/{part.subtype})"


def _check_content(part: Part, label: str, server: str) -> None:
    """Checks that apply to Heat's own parts as much as to the user's."""
    checks.check_boundary(part.content, server=server, part=label)
    if part.subtype == "cloud-config":
        problem = cloud_config_problem(part.content)
        if problem:
            raise UserDataError(problem, server=server, part=label)


def _check_user_part(part: Part, label: str, server: str, custom_handler: bool) -> None:
    if not isinstance(part, Part) or not isinstance(part.content, str):
        raise UserDataError("parts must be userdata.Part with str content", server=server, part=label)
    checks.check_subtype(part.subtype, server=server, part=label, custom_handler=custom_handler)
    checks.check_filename(part.filename, server=server, part=label)
    checks.check_merge_type(part.merge_type, part.subtype, server=server, part=label)
    if part.subtype in checks.SCRIPT_SUBTYPES:
        checks.check_shebang(part.content, server=server, part=label)
    elif part.subtype == "cloud-boothook":
        checks.check_boothook(part.content, server=server, part=label)
    elif part.subtype == heat_parts.HEAT_CFNINIT:
        if part.filename is None:
            raise UserDataError("x-cfninitdata parts need a filename", server=server, part=label)
        if part.filename in heat_parts.RESERVED_FILENAMES:
            raise UserDataError(f"filename {part.filename!r} is reserved for Heat's own parts",
                                server=server, part=label)


def _script_part(script: str | None, server: str) -> list[Part]:
    """SOFTWARE_CONFIG: the script as one part, typed the way cloud-init would type it."""
    if not script:
        return []
    subtype = sniff_subtype(script)
    if subtype is None:
        raise UserDataError(f"script is not recognised by cloud-init: {_SCRIPT_HINT}",
                            server=server, part="script")
    return [Part(script, subtype)]


def _uses_signals(spec: UserDataSpec) -> bool:
    """Whether the script, a part or the metadata signals a wait condition handle (then the signal hook
    part installs the helper and the curl shim; otherwise nothing changes)."""
    texts = [spec.script, *(p.content for p in spec.parts if isinstance(p, Part)), repr(spec.metadata)]
    return any(signals.uses_signals(t) for t in texts)


def _mime_parts(spec: UserDataSpec, server: str) -> list[Part]:
    checks.check_instance_user(spec.instance_user, server=server)
    host = checks.check_metadata_server_url(spec.metadata_server_url, server=server)
    if spec.format == "SOFTWARE_CONFIG" and spec.metadata_server_url is not None:
        raise UserDataError("metadata_server_url is used with HEAT_CFNTOOLS only", server=server)
    head = heat_parts.head_parts(spec.instance_user)
    user = list(spec.parts)
    if spec.boot_signal is not None and spec.format != "HEAT_CFNTOOLS":
        raise UserDataError("a boot signal (wait) needs user_data_format HEAT_CFNTOOLS: loguserdata reports "
                            "the script's exit status", server=server)
    if _uses_signals(spec) or spec.boot_signal is not None:
        head.insert(2, signals.signal_hook_part())  # after boothook.sh: installed before any script runs
    custom_handler = any(isinstance(p, Part) and p.subtype == "part-handler" for p in user)
    for number, part in enumerate(user, start=len(head) + 2):
        _check_user_part(part, _label(part, number), server, custom_handler)
    if spec.format == "HEAT_CFNTOOLS":
        if spec.script and spec.require_shebang:
            checks.check_shebang(spec.script, server=server, part="'cfn-userdata' (script)")
        boot = [signals.boot_signal_part(spec.boot_signal)] if spec.boot_signal is not None else []
        parts = [*head, heat_parts.cfn_userdata(spec.script), *user, heat_parts.loguserdata(), *boot,
                 *heat_parts.cfn_init_data(spec.metadata, server),
                 *heat_parts.metadata_server_parts(spec.metadata_server_url, host)]
    else:
        parts = [*head, *_script_part(spec.script, server), *user,
                 *heat_parts.cfn_init_data(spec.metadata, server)]
    names = [p.filename for p in parts if p.filename is not None]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UserDataError(f"duplicate part filename(s): {', '.join(duplicates)}", server=server)
    for number, part in enumerate(parts, start=1):
        _check_content(part, _label(part, number), server)
    return parts


def _raw(spec: UserDataSpec, server: str) -> tuple[bytes, tuple[PartInfo, ...]]:
    """RAW: the script unchanged, no MIME, nothing added (Heat drops metadata; we refuse it). One exception:
    a shell script that names a wait condition handle URL gets the signal hook after its `#!` line."""
    for name in ("parts", "metadata", "instance_user", "metadata_server_url", "boot_signal"):
        if getattr(spec, name):
            raise UserDataError(f"{name} cannot be delivered with user_data_format RAW "
                                "(use HEAT_CFNTOOLS or SOFTWARE_CONFIG)", server=server)
    text = spec.script or ""
    if not text:
        return b"", ()
    if is_mime(text):
        content_type = "multipart/mixed"
    else:
        subtype = sniff_subtype(text)
        if subtype is None:
            raise UserDataError(f"RAW user data is not recognised by cloud-init: {_SCRIPT_HINT}",
                                server=server, part="script")
        if subtype == "x-shellscript":
            checks.check_shebang(text, server=server, part="script")
            text = signals.with_signal_hook(text)  # a handle URL in a RAW script: install the shim first
        elif subtype == "cloud-config":
            problem = cloud_config_problem(text)
            if problem:
                raise UserDataError(problem, server=server, part="script")
        content_type = f"text/{subtype}"
    data = text.encode("utf-8")
    return data, (PartInfo(None, content_type, len(data), hashlib.sha256(data).hexdigest()),)


def _info(part: Part) -> PartInfo:
    data = part.content.encode("utf-8")
    return PartInfo(part.filename, f"text/{part.subtype}", len(data), hashlib.sha256(data).hexdigest())


def build_user_data(spec: UserDataSpec, server: str) -> RenderedUserData:
    """Render ``spec`` for ``server``: deterministic bytes, Nova's size limit enforced.

    Raises UserDataError naming the server (and the part) for every bad input.
    """
    if spec.format not in FORMATS:
        raise UserDataError(f"unknown user_data_format {spec.format!r} (one of {', '.join(FORMATS)})",
                            server=server)
    if spec.compress not in COMPRESS_MODES:
        raise UserDataError(f"unknown compress {spec.compress!r} (one of {', '.join(COMPRESS_MODES)})",
                            server=server)
    if spec.script is not None and not isinstance(spec.script, str):
        raise UserDataError("script must be text", server=server, part="script")
    if spec.format == "RAW":
        payload, infos = _raw(spec, server)
    else:
        parts = _mime_parts(spec, server)
        payload = render_mime(MimePart(p.content, f"text/{p.subtype}", p.filename, p.merge_type)
                              for p in parts)
        infos = tuple(_info(p) for p in parts)
    user_data, compressed, size = encode(payload, spec.compress, server)
    return RenderedUserData(payload, user_data, compressed, infos, size)
