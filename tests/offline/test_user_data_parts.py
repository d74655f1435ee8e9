"""plan.json's per-part digests: read without `email` for our own MIME layout, the same as `email` reads them."""

from __future__ import annotations

import pytest

from openstack_stacks.tools import offline
from openstack_stacks.tools.offline import render
from userdata import Part, UserDataSpec, build_user_data


@pytest.mark.parametrize("stack", ["stacks/web.yaml", "stacks/app-db.yaml", "stacks/kolla-aio.yaml"])
def test_example_user_data_parts_equal_the_email_parser(stack: str) -> None:
    plan = render(stack)
    assert plan.user_data
    for rec in plan.user_data.values():
        fast = offline._parts_of_our_layout(rec.mime)
        assert fast is not None and fast == offline._parts_by_email(rec.mime) == rec.parts


def test_non_ascii_parts_and_unusual_headers() -> None:
    config = Part("#cloud-config\nwrite_files: [{path: /x, content: \"é\"}]\n", "cloud-config", filename="cafe.cfg")
    spec = UserDataSpec(format="SOFTWARE_CONFIG", parts=(config, Part("#!/bin/sh\necho hi\n", "x-shellscript")))
    mime = build_user_data(spec, "vm").mime
    assert offline.mime_parts(mime) == offline._parts_by_email(mime)
    odd = mime.replace(b'filename="', b'filename="a\\"', 1)
    assert offline._parts_of_our_layout(odd) is None  # anything unusual is left to `email`


def test_other_layouts_go_to_email() -> None:
    foreign = (b"Content-Type: multipart/mixed; boundary=XX\nMIME-Version: 1.0\n\n--XX\n"
               b"Content-Type: text/x-shellscript\n\n#!/bin/sh\n--XX--\n")
    assert offline._parts_of_our_layout(foreign) is None
    assert offline.mime_parts(foreign)[0]["contentType"] == "text/x-shellscript"
    assert offline.mime_parts(b"#!/bin/sh\necho raw\n")[0]["contentType"] == "text/x-not-multipart"
