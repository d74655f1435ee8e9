"""Nova's size limit and gzip: turn the payload into the ``user_data`` string."""

from __future__ import annotations

import base64
import zlib

from userdata.errors import UserDataError

NOVA_LIMIT = 65535  # bytes of base64, nova doc/source/user/user-data.rst (pitfalls 14)


def b64_size(length: int) -> int:
    """Length of the base64 text of ``length`` bytes."""
    return 4 * ((length + 2) // 3)


def gzip_bytes(data: bytes) -> bytes:
    """gzip with mtime 0, level 9: what ``gzip.compress(data, mtime=0)`` returns on Python 3.11+,
    done through zlib directly so older Pythons (whose gzip module wrote another header) give
    the same bytes."""
    return zlib.compress(data, level=9, wbits=31)


def encode(payload: bytes, compress: str, server: str) -> tuple[str, bool, int]:
    """(user_data, compressed, size Nova checks).

    Plain user data is passed as text (the provider base64-encodes it); compressed user data is
    base64 text of the gzip stream, which the provider sends unchanged and cloud-init unpacks.
    """
    plain = b64_size(len(payload))
    if compress == "always" or (compress == "auto" and plain > NOVA_LIMIT):
        user_data = base64.b64encode(gzip_bytes(payload)).decode("ascii")
        if len(user_data) > NOVA_LIMIT:
            raise UserDataError(
                f"user data too large for Nova: {plain} bytes base64, {len(user_data)} bytes "
                f"after gzip+base64 (limit {NOVA_LIMIT})", server=server)
        return user_data, True, len(user_data)
    if plain > NOVA_LIMIT:
        packed = len(base64.b64encode(gzip_bytes(payload)))
        raise UserDataError(
            f"user data too large for Nova: {plain} bytes base64 (limit {NOVA_LIMIT}); compress is "
            f"'never' (gzip+base64 would be {packed} bytes)", server=server)
    return payload.decode("utf-8"), False, plain
