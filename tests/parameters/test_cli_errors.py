"""Parameter errors through the CLI: one `error:` line, never the secret value (issue 13)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from openstack_stacks.tools import cli

ROOT = Path(__file__).resolve().parents[2]
WEB = str(ROOT / "stacks" / "web.yaml")


def run(capsys, tmp_path, *args: str) -> tuple[int, str]:
    rc = cli.main(["render", *args, "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


@pytest.mark.parametrize("args,message", [
    (["-s", "flavor=Tr0ub4dor"], "(hidden) is not an allowed value"),
    (["-s", "db_password:Tr0ub4dor"], "a secret parameter must look like name=value"),
    (["-s", "web_count=Tr0ub4dor"], "parameter web_count': not a valid number"),
    (["-s", "web_count=25"], "(hidden) is out of range (min: 1, max: 20)"),
])
def test_secret_values_stay_out_of_errors(capsys, tmp_path, args, message):
    rc, text = run(capsys, tmp_path, WEB, *args)
    assert rc == 1 and message in text
    assert "Tr0ub4dor" not in text and "25" not in text.replace("web_count=25", "")
    assert text.strip().count("\n") == 0 and text.startswith("error:")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_nan_count_parameter_is_a_clear_error(capsys, tmp_path, value):
    rc, text = run(capsys, tmp_path, WEB, "-p", f"web_count={value}")
    assert rc == 1 and "a finite number is expected (not NaN or infinity)" in text and "parameter web_count" in text


def test_infinite_count_in_a_stack_file_is_a_clear_error(capsys, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent("""\
        servers:
          web: {image: debian-12, flavor: m1.small, count: .inf}
        """))
    rc, text = run(capsys, tmp_path, str(path))
    assert rc == 1 and "field 'count': must be an integer, got inf" in text and "Overflow" not in text


def test_hot_hidden_number_parameter_value_stays_out_of_errors(capsys, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent("""\
        heat_template_version: 2017-02-24
        parameters:
          pin: {type: number, hidden: true, constraints: [{range: {max: 9}}, {modulo: {step: 2, offset: 0}}]}
        resources: {}
        """))
    for value in ("31337", "Tr0ub4dor"):
        rc, text = run(capsys, tmp_path, str(path), "-p", f"pin={value}")
        assert rc == 1 and "parameters.pin" in text and value not in text


def test_modulo_step_zero_and_bad_pattern_in_a_template_are_clear_errors(capsys, tmp_path):
    for constraint, message in (("{modulo: {step: 0, offset: 0}}", "modulo step cannot be 0"),
                                ('{allowed_pattern: "(["}', "is not a valid regular expression"),
                                ("{allowed_values: m1.small}", "allowed_values must be a list")):
        path = tmp_path / "t.yaml"
        ptype = "number" if "modulo" in constraint else "string"
        path.write_text(f"heat_template_version: 2017-02-24\nparameters:\n  p: {{type: {ptype}, default: 2, "
                        f"constraints: [{constraint}]}}\nresources: {{}}\n")
        rc, text = run(capsys, tmp_path, str(path))
        assert rc == 1 and message in text and "Traceback" not in text and "ZeroDivision" not in text
