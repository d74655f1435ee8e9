"""heat/tests/test_hot.py (translate_resources, get_outputs, versions) and test_template.py
(TestTemplateVersion, TestTemplateValidate, TemplateTest versions): template structure."""

from __future__ import annotations

import datetime

from tests.heat.cases import TemplateCase

SERVER = {"type": "OS::Heat::None"}
GOOD_RES = {"type": "AWS::EC2::Instance", "properties": {"property1": "value1"}, "metadata": {"foo": "bar"},
            "depends_on": "dummy", "deletion_policy": "dummy", "update_policy": {"foo": "bar"}}


def hot(version="2013-05-23", **sections):
    return {"heat_template_version": version, **sections}


def _bad_keyword(key: str, replaces: str) -> TemplateCase:
    res = {k: v for k, v in GOOD_RES.items() if k != replaces}
    res[key] = GOOD_RES[replaces]
    return TemplateCase(f"test_translate_resources_bad_{replaces}[{key}]", hot(resources={"resource1": res}),
                        error=f'"{key}" is not a valid keyword inside a resource definition')


CASES = [
    TemplateCase("test_defaults", hot()),
    TemplateCase("test_defaults_for_empty_sections", hot(parameters=None, resources=None, outputs=None)),
    TemplateCase("test_translate_resources_good", hot(resources={"resource1": GOOD_RES})),
    TemplateCase("test_translate_resources_bad_no_data", hot(resources={"resource1": None}),
                 error="Each resource must contain a type key."),
    *[_bad_keyword(k, r) for k, r in (("Type", "type"), ("Properties", "properties"), ("Metadata", "metadata"),
                                      ("DependsOn", "depends_on"), ("DeletionPolicy", "deletion_policy"),
                                      ("UpdatePolicy", "update_policy"))],
    TemplateCase("test_translate_resources_resources_without_name",
                 hot(resources={"type": "AWS::EC2::Instance", "properties": {"property1": "value1"}}),
                 error='"resources" must contain a map of resource maps. Found a [str] instead'),
    TemplateCase("test_get_outputs_good", hot(outputs={"output1": {"description": "output1", "value": "value1"}})),
    TemplateCase("test_get_outputs_bad_no_data", hot(outputs={"output1": None}),
                 error="Each output must contain a value key."),
    TemplateCase("test_get_outputs_bad_without_name", hot(outputs={"description": "wrong output", "value": "value1"}),
                 error='"outputs" must contain a map of output maps. Found a [str] instead'),
    TemplateCase("test_get_outputs_bad_description", hot(outputs={"output1": {"Description": "o", "value": "v"}}),
                 error="Description"),
    TemplateCase("test_get_outputs_bad_value", hot(outputs={"output1": {"description": "o", "Value": "v"}}),
                 error="Value"),
    TemplateCase("test_deletion_policy_titlecase", hot("2016-10-14", resources={
        "del": {"type": "OS::Heat::None", "deletion_policy": "Delete"}})),
    TemplateCase("condition_key_before_2016_10_14", hot(resources={"r": {"type": "OS::Heat::None",
                                                                         "condition": True}}),
                 error='"condition" is not a valid keyword inside a resource definition'),
    TemplateCase("conditions_section_before_2016_10_14", hot(conditions={"c": True}),
                 error='"conditions" is not a valid template section'),
    TemplateCase("test_invalid_hot_version", {"heat_template_version": "2012-12-12"},
                 error="heat_template_version"),
    TemplateCase("test_invalid_hot_version[this-ain't-valid]", {"heat_template_version": "this-ain't-valid"},
                 error="heat_template_version"),
    TemplateCase("test_valid_hot_version", {"heat_template_version": "2013-05-23"}),
    TemplateCase("test_valid_hot_version[date]", {"heat_template_version": datetime.date(2013, 5, 23)}),
    *[TemplateCase(f"test_valid_hot_version[{alias}]", {"heat_template_version": alias})
      for alias in ("newton", "ocata", "pike", "queens", "rocky", "wallaby")],
    TemplateCase("test_invalid_aws_version", {"AWSTemplateFormatVersion": "2012-12-12"},
                 error="AWSTemplateFormatVersion"),
    TemplateCase("test_invalid_heat_version", {"HeatTemplateFormatVersion": "2010-09-09"},
                 error="HeatTemplateFormatVersion"),
    TemplateCase("test_missing_version", {"foo": "bar", "Parameters": {}}, error="not a Heat or CloudFormation"),
    TemplateCase("test_ambiguous_version", {"AWSTemplateFormatVersion": "2010-09-09",
                                            "HeatTemplateFormatVersion": "2012-12-12", "Parameters": {}},
                 error="Ambiguous versions"),
    TemplateCase("ambiguous_hot_and_aws", {"heat_template_version": "2013-05-23",
                                           "AWSTemplateFormatVersion": "2010-09-09"}, error="Ambiguous versions"),
    TemplateCase("test_hot_version[extra section]", {"heat_template_version": "2013-05-23", "foo": "bar"},
                 error='"foo" is not a valid template section'),
    TemplateCase("test_cfn_version[extra section]", {"AWSTemplateFormatVersion": "2010-09-09", "foo": "bar"},
                 error='"foo" is not a valid template section'),
    TemplateCase("test_invalid_section", {"HeatTemplateFormatVersion": "2012-12-12", "Foo": ["Bar"]},
                 error='"Foo" is not a valid template section'),
    TemplateCase("test_template_validate_cfn_good", {
        "AWSTemplateFormatVersion": "2010-09-09", "Description": "foo", "Parameters": {}, "Mappings": {},
        "Resources": {"server": {"Type": "OS::Nova::Server"}}, "Outputs": {}}),
    TemplateCase("test_template_validate_cfn_good[heat]", {
        "HeatTemplateFormatVersion": "2012-12-12", "Description": "foo", "Parameters": {}, "Mappings": {},
        "Resources": {"server": {"Type": "OS::Nova::Server"}}, "Outputs": {}}),
    TemplateCase("test_template_validate_cfn_bad_section", {
        "AWSTemplateFormatVersion": "2010-09-09", "Description": "foo", "Parameteers": {}, "Mappings": {},
        "Resources": {"server": {"Type": "OS::Nova::Server"}}, "Outputs": {}}, error="Parameteers"),
    TemplateCase("test_template_validate_cfn_empty", {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": None,
                                                      "Resources": None, "Outputs": None}),
    TemplateCase("test_get_resources_good", {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"resource1": {
        "Type": "AWS::EC2::Instance", "Properties": {"property1": "value1"}, "Metadata": {"foo": "bar"},
        "DependsOn": "dummy", "DeletionPolicy": "dummy", "UpdatePolicy": {"foo": "bar"}}}}),
    TemplateCase("test_get_resources_bad_no_data", {"AWSTemplateFormatVersion": "2010-09-09",
                                                    "Resources": {"resource1": None}},
                 error="Each Resource must contain a Type key."),
    TemplateCase("test_get_resources_no_type", {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"resource1": {
        "Properties": {"property1": "value1"}, "Metadata": {"foo": "bar"}, "DependsOn": "dummy"}}},
                 error="Each Resource must contain a Type key."),
    TemplateCase("cfn_hot_keys_in_resource", {"AWSTemplateFormatVersion": "2010-09-09",
                                              "Resources": {"r": {"type": "OS::Heat::None"}}},
                 error='"type" is not a valid keyword inside a resource definition'),
    TemplateCase("test_template_validate_hot_good", hot(description="foo", parameters={}, resources={"server": SERVER},
                                                        outputs={})),
    TemplateCase("test_template_validate_hot_bad_section", hot(description="foo", parameteers={},
                                                               resources={"server": SERVER}, outputs={}),
                 error="parameteers"),
    TemplateCase("hot_cfn_section_names", hot(Parameters={}), error='"Parameters" is not a valid template section'),
    TemplateCase("test_parameter_groups", hot(parameter_groups=[{"label": "g", "parameters": []}])),
    TemplateCase("test_depends_condition", hot("2016-10-14", resources={
        "one": SERVER, "two": {"type": "OS::Heat::None", "condition": False},
        "three": {"type": "OS::Heat::None", "depends_on": "two"}})),
    TemplateCase("test_parse_output_condition_invalid", hot("2016-10-14", outputs={
        "foo": {"condition": "invalid_cd", "value": "show me"}}), error='Invalid condition "invalid_cd"'),
]
