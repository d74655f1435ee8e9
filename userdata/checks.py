"""Render-time checks of parts and spec fields; each raises UserDataError naming the server."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from userdata.errors import UserDataError
from userdata.mime import DELIMITER

# Subtypes cloud-init 22.4 handles (cloudinit/handlers/*, user_data.py) plus text/x-cfninitdata,
# which the Heat part handler (userdata/parts/part_handler.py) takes.
KNOWN_SUBTYPES = frozenset(
    {
        "cloud-config",
        "cloud-config-archive",
        "cloud-config-jsonp",
        "cloud-boothook",
        "jinja2",
        "part-handler",
        "x-cfninitdata",
        "x-include-once-url",
        "x-include-url",
        "x-shellscript",
        "x-shellscript-per-boot",
        "x-shellscript-per-instance",
        "x-shellscript-per-once",
    }
)
SCRIPT_SUBTYPES = frozenset(
    {"x-shellscript", "x-shellscript-per-boot", "x-shellscript-per-instance", "x-shellscript-per-once"}
)
MERGE_SUBTYPES = frozenset({"cloud-config", "cloud-config-archive", "jinja2"})

# cloudinit/mergers/m_{dict,list,str}.py: the options each merger reads.
MERGE_OPTIONS = {
    "dict": {"replace", "no_replace", "recurse_str", "recurse_array", "recurse_list", "allow_delete"},
    "list": {"append", "prepend", "replace", "no_replace", "recurse_str", "recurse_dict",
             "recurse_array", "recurse_list"},
    "str": {"append"},
}
_MERGER = re.compile(r"([a-z_]+)\(([a-z_,]*)\)")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9.+-]*")
_FILENAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+@-]{0,254}")
_USER = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def check_subtype(subtype: str, *, server: str, part: str, custom_handler: bool) -> None:
    """Explicit, known subtype (pitfalls 21: ``text/boot`` from ``boot.sh`` goes unhandled)."""
    if not isinstance(subtype, str) or "/" in subtype:
        raise UserDataError(
            f"subtype {subtype!r} must be the part after 'text/', e.g. 'x-shellscript'",
            server=server, part=part)
    if not _TOKEN.fullmatch(subtype):
        raise UserDataError(f"invalid MIME subtype {subtype!r}", server=server, part=part)
    if subtype not in KNOWN_SUBTYPES and not custom_handler:
        raise UserDataError(
            f"unknown subtype {subtype!r}: cloud-init would leave it unhandled (known: "
            f"{', '.join(sorted(KNOWN_SUBTYPES))}; add a part-handler part for your own types)",
            server=server, part=part)


def check_filename(filename: str | None, *, server: str, part: str) -> None:
    """A plain file name: no path, no quotes or control characters (part handler writes it)."""
    if filename is None:
        return
    if not isinstance(filename, str) or not _FILENAME.fullmatch(filename):
        raise UserDataError(
            f"filename {filename!r} is not a plain file name (letters, digits, '._+@-', "
            "no '/' or '..', not empty)", server=server, part=part)


def check_merge_type(merge_type: str | None, subtype: str, *, server: str, part: str) -> None:
    """``X-Merge-Type`` as cloud-init's mergers read it, e.g. ``list(append)+dict(recurse_array)+str()``."""
    if merge_type is None:
        return
    if subtype not in MERGE_SUBTYPES:
        raise UserDataError(
            f"merge_type applies to cloud-config parts only, not {subtype!r}", server=server, part=part)
    seen = set()
    for item in merge_type.split("+") if isinstance(merge_type, str) else [None]:
        match = _MERGER.fullmatch(item) if item is not None else None
        if not match or match.group(1) not in MERGE_OPTIONS or match.group(1) in seen:
            raise UserDataError(
                f"invalid merge_type {merge_type!r}: expected e.g. "
                "'dict(recurse_array,no_replace)+list(append)+str()'", server=server, part=part)
        name, options = match.group(1), [o for o in match.group(2).split(",") if o]
        seen.add(name)
        unknown = sorted(set(options) - MERGE_OPTIONS[name])
        if unknown:
            raise UserDataError(
                f"invalid merge_type {merge_type!r}: {name}() has no option {', '.join(unknown)} "
                f"(known: {', '.join(sorted(MERGE_OPTIONS[name]))})", server=server, part=part)


def check_shebang(content: str, *, server: str, part: str) -> None:
    """Scripts must start with ``#!`` (pitfalls 15: without one they "succeed" doing nothing)."""
    if not content.startswith("#!"):
        raise UserDataError(
            "script does not start with '#!' (e.g. '#!/bin/sh'); it would not run", server=server,
            part=part)


def check_boothook(content: str, *, server: str, part: str) -> None:
    body = content.split("\n", 1)[1] if content.startswith("#cloud-boothook") else content
    check_shebang(body, server=server, part=part)


def check_boundary(content: str, *, server: str, part: str) -> None:
    if DELIMITER in content:
        raise UserDataError(
            f"content contains the MIME boundary {DELIMITER!r}", server=server, part=part)


def check_instance_user(user: str | None, *, server: str) -> None:
    if user is not None and (not isinstance(user, str) or not _USER.fullmatch(user)):
        raise UserDataError(
            f"instance_user {user!r} is not a valid user name ([a-z_][a-z0-9_-]*, at most 32)",
            server=server)


def check_metadata_server_url(url: str | None, *, server: str) -> str | None:
    """The URL's host name, validated; None when no URL."""
    if url is None:
        return None
    parts = urlsplit(url) if isinstance(url, str) else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or not url.isascii() or any(c.isspace() for c in url)):
        raise UserDataError(
            f"metadata_server_url {url!r} is not an http(s) URL with a host", server=server)
    return parts.hostname
