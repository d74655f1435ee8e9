"""cloud-init's content sniffing (cloudinit/handlers/__init__.py ``INCLUSION_TYPES_MAP``), used
only where Heat itself sends untyped text: RAW user data and a SOFTWARE_CONFIG ``script``."""

from __future__ import annotations

_PREFIXES = (  # longest first, as cloud-init searches them
    ("#cloud-config-archive", "cloud-config-archive"),
    ("#cloud-config-jsonp", "cloud-config-jsonp"),
    ("## template: jinja", "jinja2"),
    ("#cloud-boothook", "cloud-boothook"),
    ("#include-once", "x-include-once-url"),
    ("#part-handler", "part-handler"),
    ("#cloud-config", "cloud-config"),
    ("#include", "x-include-url"),
    ("#!", "x-shellscript"),
)


def sniff_subtype(content: str) -> str | None:
    """The subtype cloud-init would give this text, or None when it would leave it unhandled."""
    start = content[:64].lstrip().lower()
    for prefix, subtype in _PREFIXES:
        if start.startswith(prefix):
            return subtype
    return None


def is_mime(content: str) -> bool:
    """cloud-init treats text with a MIME-Version header in its first 4 KiB as MIME."""
    return "mime-version:" in content[:4096].lower()
