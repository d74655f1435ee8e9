"""Every UserDataError class: raised at render time, naming the server (and the part)."""

from __future__ import annotations

import math

import pytest

from userdata import Part, UserDataError, UserDataSpec, build_user_data

SH = "#!/bin/sh\ntrue\n"


def _error(spec: UserDataSpec, server: str = "web-0") -> UserDataError:
    with pytest.raises(UserDataError) as err:
        build_user_data(spec, server)
    assert isinstance(err.value, ValueError)
    assert err.value.server == server
    assert str(err.value).startswith(f"server '{server}'")
    return err.value


@pytest.mark.parametrize(("spec", "expected"), [
    (UserDataSpec(format="CLOUD"), "unknown user_data_format 'CLOUD'"),
    (UserDataSpec(compress="zip"), "unknown compress 'zip'"),
    (UserDataSpec(instance_user="Bad User"), "instance_user 'Bad User' is not a valid user name"),
    (UserDataSpec(metadata_server_url="ftp://x/"), "is not an http(s) URL"),
    (UserDataSpec(metadata_server_url="http:///nohost"), "is not an http(s) URL"),
    (UserDataSpec(format="SOFTWARE_CONFIG", metadata_server_url="http://h:8000/v1/"),
     "metadata_server_url is used with HEAT_CFNTOOLS only"),
    (UserDataSpec(metadata=["not", "a", "mapping"]), "metadata must be a mapping"),
    (UserDataSpec(metadata={"a": {1, 2}}), "metadata is not JSON data"),
    (UserDataSpec(metadata={"a": math.nan}), "metadata is not JSON data"),
    (UserDataSpec(format="RAW", script=SH, parts=(Part(SH, "x-shellscript"),)),
     "parts cannot be delivered with user_data_format RAW"),
    (UserDataSpec(format="RAW", script=SH, metadata={"a": 1}), "metadata cannot be delivered"),
    (UserDataSpec(format="RAW", script=SH, instance_user="ec2-user"), "instance_user cannot be"),
    (UserDataSpec(format="RAW", script="echo hi\n"), "RAW user data is not recognised by cloud-init"),
    (UserDataSpec(format="SOFTWARE_CONFIG", script="echo hi\n"), "script is not recognised"),
])
def test_spec_errors(spec: UserDataSpec, expected: str) -> None:
    assert expected in str(_error(spec))


@pytest.mark.parametrize("script", ["echo hi\n", " #!/bin/sh\n", "\n#!/bin/sh\n", "#/bin/sh\n"])
def test_script_without_shebang_is_rejected(script: str) -> None:
    error = _error(UserDataSpec(script=script))
    assert error.part == "'cfn-userdata' (script)"
    assert "does not start with '#!'" in str(error)


def test_empty_script_is_allowed() -> None:
    for script in (None, ""):
        build_user_data(UserDataSpec(script=script), "s")


@pytest.mark.parametrize(("part", "expected"), [
    (Part("echo hi\n", "x-shellscript", "a.sh"), "does not start with '#!'"),
    (Part("echo hi\n", "x-shellscript-per-boot", "a.sh"), "does not start with '#!'"),
    (Part("#cloud-boothook\necho hi\n", "cloud-boothook", "h"), "does not start with '#!'"),
    (Part(SH, "text/x-shellscript", "a.sh"), "must be the part after 'text/'"),
    (Part(SH, "boot", "boot.sh"), "unknown subtype 'boot'"),
    (Part(SH, "X Y", "a"), "invalid MIME subtype"),
    (Part("a: 1\n", "cloud-config", "a", "str(append)+dict(nope)"), "dict() has no option nope"),
    (Part(SH, "x-shellscript", "a", "list(append)"), "merge_type applies to cloud-config parts only"),
    (Part("a: 1\n", "cloud-config", "a", "list(appendd)"), "list() has no option appendd"),
    (Part("a: 1\n", "cloud-config", "a", "lists(append)"), "invalid merge_type"),
    (Part("a: 1\n", "cloud-config", "a", "list(append"), "invalid merge_type"),
    (Part("a: 1\n", "cloud-config", "a", "list()+list()"), "invalid merge_type"),
    (Part("{}", "x-cfninitdata"), "x-cfninitdata parts need a filename"),
    (Part("{}", "x-cfninitdata", "cfn-init-data"), "reserved for Heat's own parts"),
    (Part("{}", "x-cfninitdata", "provision-finished"), "reserved for Heat's own parts"),
    (Part(SH + "--MIMEBOUNDARY\n", "x-shellscript", "b.sh"), "contains the MIME boundary"),
    (Part("runcmd: 1\n", "cloud-config", "c.yaml"), "invalid cloud-config at 'runcmd'"),
])
def test_part_errors_name_the_part(part: Part, expected: str) -> None:
    error = _error(UserDataSpec(parts=(part,)))
    assert expected in str(error)
    assert error.part and "#5" in error.part  # fifth part: after cloud-config, boothook, handler, cfn-userdata


@pytest.mark.parametrize("filename", ["../x", "/etc/x", "", "a\0b", ".", "..", "a/b", 'a"b', "a b",
                                      "x\n", ".hidden"])
def test_filename_escapes_rejected(filename: str) -> None:
    error = _error(UserDataSpec(parts=(Part("{}", "x-cfninitdata", filename),)))
    assert "is not a plain file name" in str(error)


def test_duplicate_filenames_rejected() -> None:
    parts = (Part(SH, "x-shellscript", "a.sh"), Part(SH, "x-shellscript", "a.sh"))
    assert "duplicate part filename(s): a.sh" in str(_error(UserDataSpec(parts=parts)))
    clash = (Part(SH, "x-shellscript", "loguserdata.py"),)
    assert "duplicate part filename(s): loguserdata.py" in str(_error(UserDataSpec(parts=clash)))


def test_boundary_in_script_rejected() -> None:
    error = _error(UserDataSpec(script="#!/bin/sh\necho --MIMEBOUNDARY\n"))
    assert "cfn-userdata" in error.part and "contains the MIME boundary" in str(error)


def test_custom_subtype_allowed_with_own_part_handler() -> None:
    handler = Part("#part-handler\ndef list_types():\n    return ['text/x-mine']\n", "part-handler", "mine.py")
    rendered = build_user_data(UserDataSpec(parts=(handler, Part("data", "x-mine", "d"))), "s")
    assert rendered.parts[-2].content_type == "text/x-mine"


def test_boothook_with_prefix_line_and_shebang_is_accepted() -> None:
    build_user_data(UserDataSpec(parts=(Part("#cloud-boothook\n#!/bin/sh\ntrue\n", "cloud-boothook", "h"),)), "s")
