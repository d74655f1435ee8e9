"""Nova's 65535-byte base64 limit: gzip when needed, errors naming the server and both sizes."""

from __future__ import annotations

import base64
import gzip
import random

import pytest

from userdata import Part, UserDataError, UserDataSpec, build_user_data
from userdata.encoding import NOVA_LIMIT, gzip_bytes


def _filler(size: int) -> Part:
    return Part("#!/bin/sh\n" + "x" * size, "x-shellscript", "filler.sh")


def _spec(size: int, compress: str = "auto") -> UserDataSpec:
    return UserDataSpec(script="#!/bin/sh\necho hi\n", parts=(_filler(size),), compress=compress)


def _incompressible(chars: int) -> str:
    rng = random.Random(1234)
    return base64.b64encode(rng.randbytes(chars * 3 // 4)).decode()


def test_small_user_data_is_plain_text() -> None:
    rendered = build_user_data(_spec(10), "web-0")
    assert not rendered.compressed
    assert rendered.user_data == rendered.mime.decode()
    assert rendered.size == len(base64.b64encode(rendered.mime))


def test_auto_switches_to_gzip_exactly_above_the_limit() -> None:
    base = len(build_user_data(_spec(0), "s").mime)
    # largest filler whose base64 still fits: 4 * ceil(len / 3) <= 65535  <=>  len <= 49149
    fits = 49149 - base
    under = build_user_data(_spec(fits), "s")
    assert len(under.mime) == 49149 and under.size == 65532 and not under.compressed
    over = build_user_data(_spec(fits + 1), "s")
    assert over.compressed
    assert gzip.decompress(base64.b64decode(over.user_data)) == over.mime
    assert over.size == len(over.user_data) < NOVA_LIMIT


def test_forced_large_part_gunzips_to_the_mime() -> None:
    rendered = build_user_data(_spec(200_000), "web-0")
    assert rendered.compressed
    raw = base64.b64decode(rendered.user_data, validate=True)
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0"  # gzip, mtime 0
    assert gzip.decompress(raw) == rendered.mime
    assert rendered.size == len(rendered.user_data)


def test_always_and_never() -> None:
    always = build_user_data(_spec(10, "always"), "s")
    assert always.compressed
    assert gzip.decompress(base64.b64decode(always.user_data)) == always.mime
    never = build_user_data(_spec(10, "never"), "s")
    assert not never.compressed
    with pytest.raises(UserDataError) as err:
        build_user_data(_spec(100_000, "never"), "web-3")
    message = str(err.value)
    assert err.value.server == "web-3" and "web-3" in message
    plain = len(base64.b64encode(build_user_data(_spec(100_000), "x").mime))
    assert f"{plain} bytes base64" in message and "65535" in message and "gzip+base64 would be" in message


def test_too_big_even_after_gzip_names_server_and_both_sizes() -> None:
    spec = UserDataSpec(parts=(Part("#!/bin/sh\n# " + _incompressible(120_000), "x-shellscript", "big.sh"),))
    with pytest.raises(UserDataError) as err:
        build_user_data(spec, "db-1")
    message = str(err.value)
    assert message.startswith("server 'db-1': user data too large for Nova")
    numbers = [int(w) for w in message.replace(",", " ").split() if w.isdigit()]
    assert len([n for n in numbers if n > NOVA_LIMIT]) == 2  # plain and gzip+base64 sizes
    assert "65535" in message


def test_gzip_is_deterministic_and_matches_python_gzip() -> None:
    data = build_user_data(_spec(1000), "s").mime
    assert gzip_bytes(data) == gzip_bytes(data) == gzip.compress(data, mtime=0)


def test_raw_is_compressed_too_when_large() -> None:
    rendered = build_user_data(UserDataSpec(format="RAW", script="#!/bin/sh\n" + "echo x\n" * 12000), "r")
    assert rendered.compressed
    assert gzip.decompress(base64.b64decode(rendered.user_data)) == rendered.mime
