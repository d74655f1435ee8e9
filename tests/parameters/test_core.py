"""The parameter core (openstack_stacks/parameters): Heat's rules, once, for all three spellings."""

from __future__ import annotations

import pytest

from openstack_stacks.parameters import cfn, core, hot, stackfile
from openstack_stacks.parameters.core import ParameterError


def check(spec, value, version="2017-02-24"):
    return hot.schema("p", spec, version).check(value)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", float("nan"), float("inf")])
def test_number_refuses_nan_and_infinity(value):
    with pytest.raises(ParameterError, match="a finite number is expected"):
        check({"type": "number"}, value)


def test_modulo_step_zero_is_a_schema_error_not_a_division():
    with pytest.raises(ParameterError, match="modulo step cannot be 0"):
        hot.schema("p", {"type": "number", "constraints": [{"modulo": {"step": 0, "offset": 0}}]}, "2017-02-24")


def test_allowed_values_given_as_a_string_is_an_error_not_a_substring_match():
    for spec in ({"type": "string", "constraints": [{"allowed_values": "m1.small"}]},):
        with pytest.raises(ParameterError, match="allowed_values must be a list"):
            hot.schema("p", spec, "2013-05-23")
    with pytest.raises(ParameterError, match="must be a list"):
        cfn.schema("p", {"Type": "String", "AllowedValues": "m1.small"})


def test_invalid_allowed_pattern_is_a_clear_error():
    with pytest.raises(ParameterError, match=r"allowed_pattern '\(\[' is not a valid regular expression"):
        hot.schema("p", {"type": "string", "constraints": [{"allowed_pattern": "(["}]}, "2013-05-23")


def test_nested_quantifier_pattern_answers_without_backtracking_forever():
    schema = hot.schema("p", {"type": "string", "constraints": [{"allowed_pattern": "(a+)+$"}]}, "2013-05-23")
    with pytest.raises(ParameterError, match="does not match pattern"):
        schema.check("a" * 5000 + "!")


def test_pattern_that_would_run_long_is_cut_off_by_the_timeout(monkeypatch):
    monkeypatch.setattr(core, "PATTERN_TIMEOUT", 0.01)
    schema = hot.schema("p", {"type": "string", "constraints": [{"allowed_pattern": "(a|aa)+$"}]}, "2013-05-23")
    with pytest.raises(ParameterError, match=r"took longer than 0.01 s to match \(refused\)"):
        schema.check("a" * 60 + "b")


@pytest.mark.parametrize("spec,value", [
    ({"type": "number", "hidden": True}, "Tr0ub4dor"),
    ({"type": "number", "hidden": True, "constraints": [{"range": {"max": 3}}]}, 31337),
    ({"type": "number", "hidden": True, "constraints": [{"modulo": {"step": 2, "offset": 0}}]}, 31337),
    ({"type": "string", "hidden": True, "constraints": [{"allowed_values": ["a"]}]}, "Tr0ub4dor"),
    ({"type": "string", "hidden": True, "constraints": [{"allowed_pattern": "[0-9]+"}]}, "Tr0ub4dor"),
    ({"type": "string", "hidden": True, "constraints": [{"length": {"max": 3}}]}, "Tr0ub4dor"),
    ({"type": "boolean", "hidden": True}, "Tr0ub4dor"),
    ({"type": "json", "hidden": True}, "{Tr0ub4dor"),
    ({"type": "comma_delimited_list", "hidden": True, "constraints": [{"allowed_values": ["a"]}]}, "Tr0ub4dor"),
])
def test_messages_never_show_a_hidden_value(spec, value):
    with pytest.raises(ParameterError) as info:
        check(spec, value)
    assert "Tr0ub4dor" not in str(info.value) and "31337" not in str(info.value)


def test_constraint_kind_must_fit_the_type():
    with pytest.raises(ParameterError, match="a range constraint is invalid for a string parameter"):
        hot.schema("p", {"type": "string", "constraints": [{"range": {"min": 1}}]}, "2013-05-23")
    with pytest.raises(ParameterError, match="a length constraint is invalid for a number parameter"):
        hot.schema("p", {"type": "number", "constraints": [{"length": {"min": 1}}]}, "2013-05-23")


def test_comma_delimited_list_given_an_integer_is_an_error():
    with pytest.raises(ParameterError, match="comma-delimited list string"):
        check({"type": "comma_delimited_list"}, 5)


def test_cfn_parameter_without_type_is_an_error():
    with pytest.raises(ParameterError, match="missing parameter type"):
        cfn.schema("p", {"Default": "x"})


def test_the_three_spellings_share_the_rules():
    hot_s = hot.schema("p", {"type": "number", "constraints": [{"range": {"min": 1, "max": 3}}]}, "2013-05-23")
    cfn_s = cfn.schema("p", {"Type": "Number", "MinValue": 1, "MaxValue": 3})
    stack_s = stackfile.schema("p", {"type": "number", "constraints": [{"range": {"min": 1, "max": 3}}]})
    for s in (hot_s, cfn_s, stack_s):
        assert s.check("2") == 2
        with pytest.raises(ParameterError, match=r"4 is out of range \(min: 1, max: 3\)"):
            s.check("4")
    assert stackfile.schema("p", {"secret": True}).hidden and stackfile.schema("p", {}).type == "string"
