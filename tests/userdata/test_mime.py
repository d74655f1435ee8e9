"""The MIME writer: terraform cloudinit_config's byte layout, encodings, parsing back."""

from __future__ import annotations

import email

from userdata.mime import MimePart, render_mime

# From terraform-provider-cloudinit internal/provider/datasource_cloudinit_config_test.go
TERRAFORM_ONE = (
    'Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\nMIME-Version: 1.0\r\n\r\n'
    "--MIMEBOUNDARY\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/x-shellscript\r\n"
    "Mime-Version: 1.0\r\n\r\nbaz\r\n--MIMEBOUNDARY--\r\n"
)
TERRAFORM_FILENAME = (
    'Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\nMIME-Version: 1.0\r\n\r\n'
    '--MIMEBOUNDARY\r\nContent-Disposition: attachment; filename="foobar.sh"\r\n'
    "Content-Transfer-Encoding: 7bit\r\nContent-Type: text/x-shellscript\r\nMime-Version: 1.0\r\n"
    "\r\nbaz\r\n--MIMEBOUNDARY--\r\n"
)
TERRAFORM_TWO = (
    'Content-Type: multipart/mixed; boundary="MIMEBOUNDARY"\nMIME-Version: 1.0\r\n\r\n'
    "--MIMEBOUNDARY\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/x-shellscript\r\n"
    "Mime-Version: 1.0\r\n\r\nbaz\r\n--MIMEBOUNDARY\r\nContent-Transfer-Encoding: 7bit\r\n"
    "Content-Type: text/x-shellscript\r\nMime-Version: 1.0\r\n\r\nffbaz\r\n--MIMEBOUNDARY--\r\n"
)


def _parts(mime: bytes) -> list[email.message.Message]:
    message = email.message_from_string(mime.decode("utf-8"))  # as cloud-init parses it
    return [p for p in message.walk() if p.get_content_maintype() != "multipart"]


def test_matches_terraform_test_vectors() -> None:
    assert render_mime([MimePart("baz", "text/x-shellscript")]).decode() == TERRAFORM_ONE
    assert render_mime([MimePart("baz", "text/x-shellscript", "foobar.sh")]).decode() == TERRAFORM_FILENAME
    two = [MimePart("baz", "text/x-shellscript"), MimePart("ffbaz", "text/x-shellscript")]
    assert render_mime(two).decode() == TERRAFORM_TWO


def test_headers_sorted_and_merge_type_last() -> None:
    mime = render_mime([MimePart("a: 1\n", "text/cloud-config", "x.yaml", "list(append)")]).decode()
    head = mime.split("--MIMEBOUNDARY\r\n", 1)[1].split("\r\n\r\n", 1)[0].split("\r\n")
    names = [line.split(":", 1)[0] for line in head]
    assert names == sorted(names)
    assert names == ["Content-Disposition", "Content-Transfer-Encoding", "Content-Type",
                     "Mime-Version", "X-Merge-Type"]
    assert head[-1] == "X-Merge-Type: list(append)"


def test_line_endings_exact() -> None:
    mime = render_mime([MimePart("line1\nline2\n", "text/x-shellscript")])
    first, rest = mime.split(b"\n", 1)
    assert not first.endswith(b"\r")  # terraform: top line ends with LF only
    assert rest.startswith(b"MIME-Version: 1.0\r\n\r\n")
    assert b"line1\nline2\n\r\n--MIMEBOUNDARY--\r\n" in mime  # content kept byte for byte
    assert mime.endswith(b"\r\n--MIMEBOUNDARY--\r\n")


def test_payloads_parse_back_exactly() -> None:
    contents = ["#!/bin/sh\necho hi\n", "no newline at end", "", "a\r\nb\r\n"]
    parts = _parts(render_mime([MimePart(c, "text/x-shellscript", f"p{i}") for i, c in enumerate(contents)]))
    assert [p.get_filename() for p in parts] == ["p0", "p1", "p2", "p3"]
    assert [p.get_payload(decode=True).decode() for p in parts] == contents


def test_non_ascii_part_is_base64_utf8_and_decodes_to_the_text() -> None:
    text = "#!/bin/sh\necho 'héllo ☃'\n" * 10
    mime = render_mime([MimePart(text, "text/x-shellscript", "u.sh")])
    assert mime.isascii()
    assert b'Content-Type: text/x-shellscript; charset="utf-8"\r\n' in mime
    assert b"Content-Transfer-Encoding: base64\r\n" in mime
    body = mime.split(b"\r\n\r\n")[2].split(b"\r\n--MIMEBOUNDARY--")[0]
    assert max(len(line) for line in body.split(b"\r\n")) == 76
    (part,) = _parts(mime)
    assert part.get_payload(decode=True).decode(part.get_content_charset()) == text
