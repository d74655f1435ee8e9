"""heat/tests/test_parameters.py, test_constraints.py and test_hot.py HOTParamValidatorTest: parameter types,
schemas and constraints, in CFN and HOT spelling."""

from __future__ import annotations

import json

from tests.heat.cases import CFN, V2013, V2017_02, V2018_03, ParamCase

# ParameterTestCommon scenarios: (type, value, allowed_value, zero, default)
SCENARIOS = {
    "type_string": ("String", "test", ["foo"], "", "default"),
    "type_number": ("Number", 10, [42], 0, 13),
    "type_list": ("CommaDelimitedList", ["a", "b", "c"], ["foo"], [], ["d", "e", "f"]),
    "type_json": ("Json", {"a": "1"}, [{"foo": "bar"}], {}, {"d": "1"}),
    "type_int_json": ("Json", {"a": 1}, [{"foo": "bar"}], {}, {"d": 1}),
    "type_boolean": ("Boolean", True, [False], False, True),
    "type_int_string": ("String", "111", ["111"], "", "0"),
    "type_string_json": ("Json", {"1": 1}, [{"2": "2"}], {}, {"3": 3}),
}


def _common() -> list[ParamCase]:
    out = []
    for name, (ptype, value, allowed, zero, default) in SCENARIOS.items():
        out += [
            ParamCase(f"test_default_no_override[{name}]", CFN, {"Type": ptype, "Default": default}, expect=default),
            ParamCase(f"test_default_override[{name}]", CFN, {"Type": ptype, "Default": default}, value, value),
            ParamCase(f"test_default_invalid[{name}]", CFN, {"Type": ptype, "AllowedValues": allowed,
                                                              "ConstraintDescription": "wibble", "Default": default},
                      error="" if ptype == "Json" else "wibble"),
            ParamCase(f"test_description[{name}]", CFN, {"Type": ptype, "Description": "Description of the parameter"},
                      expect="Description of the parameter", attr="description"),
            ParamCase(f"test_no_description[{name}]", CFN, {"Type": ptype}, expect="", attr="description"),
            ParamCase(f"test_no_echo_true[{name}]", CFN, {"Type": ptype, "NoEcho": "true"}, expect=True, attr="hidden"),
            ParamCase(f"test_no_echo_true_caps[{name}]", CFN, {"Type": ptype, "NoEcho": "TrUe"}, expect=True,
                      attr="hidden"),
            ParamCase(f"test_no_echo_false[{name}]", CFN, {"Type": ptype, "NoEcho": "false"}, expect=False,
                      attr="hidden"),
            ParamCase(f"test_default_empty[{name}]", CFN, {"Type": ptype, "Default": zero}, expect=zero),
            ParamCase(f"test_default_no_empty_user_value_empty[{name}]", CFN, {"Type": ptype, "Default": default},
                      zero, zero),
        ]
    return out


RANGE = [{"range": {"min": 30000, "max": 50000}, "description": "Value must be between 30000 and 50000"}]

CASES = [*_common(),
    ParamCase("test_new_bad_type", CFN, {"Type": "List"}, "x", error="invalid parameter type"),
    ParamCase("test_string_len_good", CFN, {"Type": "String", "MinLength": "3", "MaxLength": "3"}, "foo", "foo"),
    ParamCase("test_string_underflow", CFN, {"Type": "String", "ConstraintDescription": "wibble", "MinLength": "4"},
              "foo", error="wibble"),
    ParamCase("test_string_overflow", CFN, {"Type": "String", "ConstraintDescription": "wibble", "MaxLength": "2"},
              "foo", error="wibble"),
    ParamCase("test_string_pattern_good", CFN, {"Type": "String", "AllowedPattern": "[a-z]*"}, "foo", "foo"),
    ParamCase("test_string_pattern_bad_prefix", CFN, {"Type": "String", "ConstraintDescription": "wibble",
                                                      "AllowedPattern": "[a-z]*"}, "1foo", error="wibble"),
    ParamCase("test_string_pattern_bad_suffix", CFN, {"Type": "String", "ConstraintDescription": "wibble",
                                                      "AllowedPattern": "[a-z]*"}, "foo1", error="wibble"),
    ParamCase("test_string_value_list_good", CFN, {"Type": "String", "AllowedValues": ["foo", "bar", "baz"]}, "bar",
              "bar"),
    ParamCase("test_string_value_unicode", CFN, {"Type": "String"}, "test\u2665", "test\u2665"),
    ParamCase("test_string_value_list_bad", CFN, {"Type": "String", "ConstraintDescription": "wibble",
                                                  "AllowedValues": ["foo", "bar", "baz"]}, "blarg", error="wibble"),
    ParamCase("test_number_int_good", CFN, {"Type": "Number", "MinValue": "3", "MaxValue": "3"}, "3", 3),
    ParamCase("test_number_float_good_string", CFN, {"Type": "Number", "MinValue": "3.0", "MaxValue": "4.0"}, "3.5",
              3.5),
    ParamCase("test_number_float_good_number", CFN, {"Type": "Number", "MinValue": "3.0", "MaxValue": "4.0"}, 3.5,
              3.5),
    ParamCase("test_number_low", CFN, {"Type": "Number", "ConstraintDescription": "wibble", "MinValue": "4"}, "3",
              error="wibble"),
    ParamCase("test_number_high", CFN, {"Type": "Number", "ConstraintDescription": "wibble", "MaxValue": "2"}, "3",
              error="wibble"),
    ParamCase("test_number_bad", CFN, {"Type": "Number"}, "str", error="not a valid number"),
    ParamCase("test_number_bad_type", CFN, {"Type": "Number"}, ["foo"], error="not a valid number"),
    ParamCase("test_number_value_list_good", CFN, {"Type": "Number", "AllowedValues": ["1", "3", "5"]}, "5", 5),
    ParamCase("test_number_value_list_bad", CFN, {"Type": "Number", "ConstraintDescription": "wibble",
                                                  "AllowedValues": ["1", "3", "5"]}, "2", error="wibble"),
    ParamCase("test_list_value_list_default_empty", CFN, {"Type": "CommaDelimitedList", "Default": ""}, expect=[]),
    ParamCase("test_list_value_list_good", CFN, {"Type": "CommaDelimitedList", "AllowedValues": ["foo", "bar", "baz"]},
              "baz,foo,bar", ["baz", "foo", "bar"]),
    ParamCase("test_list_value_list_good[default []]", CFN,
              {"Type": "CommaDelimitedList", "AllowedValues": ["foo", "bar", "baz"], "Default": []}, expect=[]),
    ParamCase("test_list_value_list_good[default str]", CFN,
              {"Type": "CommaDelimitedList", "AllowedValues": ["foo", "bar", "baz"], "Default": "baz,foo,bar"},
              expect=["baz", "foo", "bar"]),
    ParamCase("test_list_value_list_good[ints]", CFN,
              {"Type": "CommaDelimitedList", "AllowedValues": ["1", "3", "5"], "Default": []}, [1, 3, 5],
              ["1", "3", "5"]),
    ParamCase("test_list_value_list_good[int default]", CFN,
              {"Type": "CommaDelimitedList", "AllowedValues": ["1", "3", "5"], "Default": [1, 3, 5]},
              expect=["1", "3", "5"]),
    ParamCase("test_list_value_list_bad", CFN, {"Type": "CommaDelimitedList", "ConstraintDescription": "wibble",
                                                "AllowedValues": ["foo", "bar", "baz"]}, "foo,baz,blarg",
              error="wibble"),
    ParamCase("test_list_validate_good", CFN, {"Type": "CommaDelimitedList"}, "foo,bar,baz", ["foo", "bar", "baz"]),
    ParamCase("test_list_validate_bad", CFN, {"Type": "CommaDelimitedList"}, 0,
              error="comma-delimited list string"),
    ParamCase("test_map_value", CFN, {"Type": "Json"}, {"foo": "bar", "items": [1, 2, 3]},
              {"foo": "bar", "items": [1, 2, 3]}),
    ParamCase("test_map_value_bad", CFN, {"Type": "Json", "ConstraintDescription": "wibble"},
              {"foo": "bar", "not_json": len}, error="valid JSON"),
    ParamCase("test_map_value_parse", CFN, {"Type": "Json"}, '{"foo": "bar", "items": [1, 2, 3]}',
              {"foo": "bar", "items": [1, 2, 3]}),
    ParamCase("test_map_value_bad_parse", CFN, {"Type": "Json", "ConstraintDescription": "wibble"}, "I am not a map",
              error="valid JSON"),
    ParamCase("test_map_underrun", CFN, {"Type": "Json", "MinLength": 3}, {"foo": "bar", "items": [1, 2, 3]},
              error="out of range"),
    ParamCase("test_map_overrun", CFN, {"Type": "Json", "MaxLength": 1}, {"foo": "bar", "items": [1, 2, 3]},
              error="out of range"),
    ParamCase("test_json_list", CFN, {"Type": "Json"}, ["fizz", "buzz"], ["fizz", "buzz"]),
    ParamCase("test_json_string_list", CFN, {"Type": "Json"}, '["fizz", "buzz"]', ["fizz", "buzz"]),
    ParamCase("test_json_validate_bad", CFN, {"Type": "Json"}, '{"foo": "bar", "invalid": ]}', error="valid JSON"),
    *[ParamCase(f"test_bool_value_true[{v!r}]", CFN, {"Type": "Boolean"}, v, True)
      for v in ("1", "t", "true", "on", "y", "yes", True, 1)],
    *[ParamCase(f"test_bool_value_false[{v!r}]", CFN, {"Type": "Boolean"}, v, False)
      for v in ("0", "f", "false", "off", "n", "no", False, 0)],
    ParamCase("test_bool_value_invalid", CFN, {"Type": "Boolean"}, "foo", error='"foo"'),
    *[ParamCase(f"test_missing_param[{t}]", CFN, {"Type": t}, error="a value is required")
      for t in ("String", "CommaDelimitedList", "Json")],
    ParamCase("test_param_name_in_error_message", CFN, {"Type": "String", "AllowedPattern": "[a-z]*"}, "234",
              error='"234" does not match pattern'),
    ParamCase("test_missing_attribute_params", CFN, "No attribute.", error="expected a mapping"),
    *[ParamCase(f"ParameterDefaultsTest[{t}={v!r}]", CFN, {"Type": t, "Default": d}, v, e) for t, d, v, e in (
        ("CommaDelimitedList", "4,2", "1,1,1", ["1", "1", "1"]), ("Number", 42, 111, 111),
        ("String", "42", "111", "111"), ("Json", {"4": "2"}, {"1": "11"}, {"1": "11"}),
        ("Boolean", False, True, True), ("Boolean", True, False, False))],
    ParamCase("ParameterDefaultsTest[list default]", CFN, {"Type": "CommaDelimitedList", "Default": "4,2"},
              expect=["4", "2"]),
    ParamCase("test_validate_schema_wrong_key[cfn]", CFN, {"foo": "bar"}, error="invalid key 'foo'"),
    ParamCase("test_validate_schema_no_type[cfn]", CFN, {"Description": "Hi!"}, error="missing parameter type"),
    # HOTParamValidatorTest
    *[ParamCase(f"test_multiple_constraint_descriptions[{v}]", V2013, {
        "description": "The WordPress database name", "type": "string", "default": "wordpress",
        "constraints": [{"length": {"min": 6, "max": 16}, "description": "string length should be between 8 and 16"},
                        {"allowed_pattern": "[a-zA-Z]+", "description": "Value must consist of characters only"},
                        {"allowed_pattern": "[a-z]+[a-zA-Z]*",
                         "description": "Value must start with a lowercase character"}]}, v,
        **({"expect": v} if e is None else {"error": e})) for v, e in (
        ("wp", "string length should be between 8 and 16"),
        ("abcdefghijklmnopq", "string length should be between 8 and 16"),
        ("abcdefgh1", "Value must consist of characters only"),
        ("Abcdefghi", "Value must start with a lowercase character"), ("abcdefghi", None), ("abcdefghI", None))],
    *[ParamCase(f"test_range_constraint[{v}]", V2013, {
        "type": "number", "default": 31000,
        "constraints": RANGE},
        v, **({"expect": v} if ok else {"error": "Value must be between 30000 and 50000"}))
      for v, ok in ((29999, False), (50001, False), (30000, True), (40000, True), (50000, True))],
    ParamCase("test_custom_constraint_default_skip", V2013, {
        "type": "string", "constraints": [{"custom_constraint": "skipping", "description": "skipped on default"}],
        "default": "foo"}, expect="foo"),
    ParamCase("test_range_constraint_invalid_default", V2013, {
        "type": "number", "default": 15,
        "constraints": RANGE},
        error="Value must be between 30000 and 50000"),
    ParamCase("test_validate_schema_wrong_key", V2013, {"foo": "bar"}, error="invalid key 'foo'"),
    ParamCase("test_validate_schema_no_type", V2013, {"description": "Hi!"}, error="missing parameter type"),
    ParamCase("test_validate_schema_unknown_type", V2013, {"type": "Unicode"},
              error="invalid parameter type 'Unicode'"),
    ParamCase("test_validate_schema_constraints", V2013, {"type": "string", "constraints": [{"allowed_valus": ["foo"]}],
                                                          "default": "foo"},
              error="invalid key 'allowed_valus' for parameter constraints"),
    ParamCase("test_validate_schema_constraints_not_list", V2013, {"type": "string", "constraints": 1,
                                                                   "default": "foo"},
              error="invalid parameter constraints: expected a list"),
    ParamCase("test_validate_schema_constraints_not_mapping", V2013, {"type": "string", "constraints": ["foo"],
                                                                      "default": "foo"},
              error="invalid parameter constraints: expected a mapping"),
    ParamCase("test_validate_schema_empty_constraints", V2013, {"type": "string", "default": "foo",
                                                                "constraints": [{"description": "a constraint"}]},
              error="no constraint expressed"),
    ParamCase("test_validate_schema_constraints_range_wrong_format", V2013, {
        "type": "number", "constraints": [{"range": "foo"}], "default": "foo"},
        error="invalid range constraint: expected a mapping"),
    ParamCase("test_validate_schema_constraints_range_invalid_key", V2013, {
        "type": "number", "constraints": [{"range": {"min": 1, "foo": "bar"}}], "default": 1},
        error="invalid key 'foo' in a range constraint"),
    ParamCase("test_validate_schema_constraints_length_wrong_format", V2013, {
        "type": "string", "constraints": [{"length": "foo"}], "default": "foo"},
        error="invalid length constraint: expected a mapping"),
    ParamCase("test_validate_schema_constraints_length_invalid_key", V2013, {
        "type": "string", "constraints": [{"length": {"min": 1, "foo": "bar"}}], "default": "foo"},
        error="invalid key 'foo' in a length constraint"),
    ParamCase("test_validate_schema_constraints_wrong_allowed_pattern", V2013, {
        "type": "string", "constraints": [{"allowed_pattern": ["foo", "bar"]}], "default": "foo"},
        error="allowed_pattern must be a string"),
    *[ParamCase(f"test_modulo_constraint[{v}]", V2017_02, {
        "type": "number", "default": 1,
        "constraints": [{"modulo": {"step": 2, "offset": 1}, "description": "Value must be an odd number"}]}, v,
        **({"expect": v} if ok else {"error": "Value must be an odd number"}))
      for v, ok in ((2, False), (100, False), (1, True), (3, True), (777, True))],
    ParamCase("test_modulo_constraint_invalid_default", V2017_02, {
        "type": "number", "default": 2,
        "constraints": [{"modulo": {"step": 2, "offset": 1}, "description": "Value must be an odd number"}]},
        error="Value must be an odd number"),
    ParamCase("modulo_before_2017_02_24", V2013, {
        "type": "number", "default": 1, "constraints": [{"modulo": {"step": 2, "offset": 1}}]},
        error="modulo"),  # Heat: "No constraint expressed"; we name the version that has modulo
    # test_constraints.py SchemaTest, through HOT parameter declarations
    ParamCase("test_range_validate", V2013, {"type": "number", "constraints": [{"range": {"min": 5, "max": 5}}]}, 5, 5),
    ParamCase("test_range_min_fail", V2013, {"type": "number", "constraints": [{"range": {"min": 5}}]}, 4,
              error="out of range"),
    ParamCase("test_range_max_fail", V2013, {"type": "number", "constraints": [{"range": {"max": 5}}]}, 6,
              error="out of range"),
    ParamCase("test_length_validate", V2013, {"type": "string", "constraints": [{"length": {"min": 5, "max": 5}}]},
              "abcde", "abcde"),
    ParamCase("test_length_min_fail", V2013, {"type": "string", "constraints": [{"length": {"min": 5}}]}, "abcd",
              error="out of range"),
    ParamCase("test_length_max_fail", V2013, {"type": "string", "constraints": [{"length": {"max": 5}}]}, "abcdef",
              error="out of range"),
    *[ParamCase(f"test_modulo_validate[{step},{offset},{v}]", V2017_02,
                {"type": "number", "constraints": [{"modulo": {"step": step, "offset": offset}}]}, v, v)
      for step, offset, vals in ((2, 1, (1, 3, 5, 777777)), (111, 0, (111, 222, 444, 1110)),
                                 (111, 11, (122, 233, 1121)), (-2, -1, (-1, -3, -5, -777777)),
                                 (-2, 0, (-2, -4, -8888888))) for v in vals],
    *[ParamCase(f"test_modulo_validate_fail[{step},{offset},{v}]", V2017_02,
                {"type": "number", "constraints": [{"modulo": {"step": step, "offset": offset}}]}, v,
                error=f"{v} is not a multiple of {step} with an offset of {offset}")
      for step, offset, vals in ((2, 1, (4, 0, 2, 888888)), (2, 0, (1, 3, 5, 777777))) for v in vals],
    *[ParamCase(f"test_modulo_validate_fail[schema {step},{offset}]", V2017_02,
                {"type": "number", "constraints": [{"modulo": {"step": step, "offset": offset}}]}, 1, error=msg)
      for step, offset, msg in ((111, 111, "offset must be smaller (by absolute value) than step"),
                                (111, 112, "offset must be smaller (by absolute value) than step"),
                                (0, 1, "step cannot be 0"),
                                (-2, 1, "step and offset must be both positive or both negative"),
                                (2, -1, "step and offset must be both positive or both negative"))],
    ParamCase("test_schema_validate_good", V2013, {"type": "string", "default": "wibble",
                                                   "constraints": [{"length": {"min": 4, "max": 8}}]},
              expect="wibble"),
    *[ParamCase(f"constraint_invalid_for_type[{kind}/{ptype}]", V2017_02, {"type": ptype, "constraints": [c]}, "1",
                error=f"a {kind} constraint is invalid for a {ptype} parameter")
      for kind, ptype, c in (
          ("range", "string", {"range": {"max": 4}}), ("modulo", "string", {"modulo": {"step": 2, "offset": 1}}),
          ("length", "number", {"length": {"min": 1}}), ("allowed_pattern", "number", {"allowed_pattern": "[0-9]*"}),
          ("allowed_values", "json", {"allowed_values": [{}]}), ("range", "boolean", {"range": {"min": 1}}),
          ("allowed_pattern", "comma_delimited_list", {"allowed_pattern": "a"}))],
    ParamCase("tags_from_2018_03_02", V2018_03, {"type": "string", "default": "a", "tags": ["role"]},
              expect=["role"], attr="tags"),
    ParamCase("tags_before_2018_03_02", V2017_02, {"type": "string", "default": "a", "tags": ["role"]},
              error="invalid key 'tags'"),
    ParamCase("tags_not_a_list", V2018_03, {"type": "string", "default": "a", "tags": "role"},
              error="tags must be a list"),
    ParamCase("allowed_values_not_a_list", V2013, {"type": "string", "constraints": [{"allowed_values": "abc"}]},
              "b", error="allowed_values must be a list"),
    ParamCase("immutable_key", V2013, {"type": "string", "default": "a", "immutable": True}, expect=True,
              attr="immutable"),
    ParamCase("hidden_key", V2013, {"type": "string", "default": "a", "hidden": True}, expect=True, attr="hidden"),
    ParamCase("label_key", V2013, {"type": "string", "default": "a", "label": "L"}, expect="L", attr="label"),
    # Where we differ on purpose (docs/templates.md "Where we differ from Heat"): Heat's answer, xfail.
    ParamCase("number_infinity", CFN, {"Type": "Number"}, "inf", float("inf"),
              xfail="NaN and infinities are refused (Heat accepts them and the count or size fails later)"),
    ParamCase("number_boolean", CFN, {"Type": "Number"}, True, True,
              xfail="a boolean is refused for a Number (Heat takes True as the number 1)"),
    ParamCase("string_given_a_map", CFN, {"Type": "String"}, {"a": 1}, "{'a': 1}",
              xfail="a map or list given to a String is JSON text (Heat gives Python's repr)"),
    # test_validate.py allowed values given as integers or strings
    *[ParamCase(f"test_validate_allowed_values_integer[{allowed!r},{v!r}]", V2013, {
        "type": "number", "default": 4, "constraints": [{"allowed_values": allowed}]}, v,
        **({"expect": 4} if ok else {"error": f"3 is not an allowed value {json.dumps(allowed)}"}))
      for allowed in ([1, 4, 8], ["1", "4", "8"]) for v, ok in (("4", True), (4, True), ("3", False), (3, False))],
]
