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
                 error="Each Resource must contain a Type key."),
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
    # test_validate.py
    TemplateCase("test_validate_resource_invalid_key", hot(resources={"resource": {"type": "OS::Heat::None",
                                                                                   "wibble": "bar"}}),
                 error="wibble"),
    TemplateCase("test_validate_resource_invalid_cfn_key_in_hot", hot(resources={"resource": {
        "type": "OS::Heat::None", "Properties": {"foo": "bar"}}}), error="Properties"),
    TemplateCase("test_validate_resource_invalid_key_cfn", {"HeatTemplateFormatVersion": "2012-12-12", "Resources": {
        "Resource": {"Type": "OS::Heat::None", "Wibble": "bar"}}}),
    TemplateCase("test_validate_resource_attr_invalid_type", hot(resources={"resource": {"type": 123}}),
                 error="Resource resource type type must be string"),
    TemplateCase("test_validate_resource_attr_invalid_type_cfn", {"HeatTemplateFormatVersion": "2012-12-12",
                                                                  "Resources": {"Resource": {"Type": ["Wrong"]}}},
                 error="Resource Resource Type type must be string"),
    TemplateCase("test_validate_bad_depends", hot(resources={"random_str": {"type": "OS::Heat::None",
                                                                            "depends_on": [{"foo": "bar"}]}}),
                 error="Resource random_str depends_on must be a list of strings"),
    TemplateCase("test_validate_hot_empty_parameters_valid", hot(parameters=None)),
    TemplateCase("test_validate_hot_empty_resources_valid", hot(resources=None)),
    TemplateCase("test_validate_hot_empty_outputs_valid", hot(outputs=None)),
    TemplateCase("test_validate_hot_parameter_tags_older", hot(parameters={"KeyName": {
        "type": "string", "tags": ["feature1", "feature2"]}}), error="invalid key 'tags'"),
    TemplateCase("test_validate_hot_parameter_tags_pass", hot("2018-03-02", parameters={"KeyName": {
        "type": "string", "default": "k", "label": "Nova KeyPair Name", "tags": ["feature1", "feature2"]}})),
    TemplateCase("test_validate_hot_parameter_tags_fail", hot("2018-03-02", parameters={"KeyName": {
        "type": "string", "default": "k", "tags": "feature"}}), error="tags must be a list"),
    TemplateCase("test_validate_duplicate_parameters_in_group", hot(
        parameters={"KeyName": {"type": "string", "default": "k"}, "InstanceType": {"type": "string", "default": "i"},
                    "db_password": {"type": "string", "default": "p"}},
        parameter_groups=[{"label": "Server Group", "parameters": ["KeyName", "InstanceType"]},
                          {"label": "Database Group", "parameters": ["db_password", "InstanceType"]}]),
        error="parameter_groups.Database Group: The InstanceType parameter must be assigned to one parameter group "
              "only."),
    TemplateCase("test_validate_duplicate_parameters_no_label", hot(
        parameters={"key_name": {"type": "string", "default": "k"}},
        parameter_groups=[{"parameters": ["key_name"]}, {"parameters": ["key_name"]}]),
        error="parameter_groups.: The key_name parameter must be assigned to one parameter group only."),
    TemplateCase("test_validate_invalid_parameter_in_group", hot(
        parameters={"KeyName": {"type": "string", "default": "k"}},
        parameter_groups=[{"label": "Database Group", "parameters": ["SomethingNotHere"]}]),
        error="parameter_groups.Database Group: The grouped parameter SomethingNotHere does not reference a valid "
              "parameter."),
    TemplateCase("test_validate_invalid_parameter_no_label", hot(parameter_groups=[{"parameters": ["key_name"]}]),
                 error="parameter_groups.: The grouped parameter key_name does not reference a valid parameter."),
    TemplateCase("test_validate_no_parameters_in_group", hot(parameter_groups=[{"label": "Server Group"}]),
                 error="parameter_groups.Server Group: The parameters must be provided for each parameter group."),
    TemplateCase("test_validate_parameter_groups_not_list", hot(parameter_groups={"label": "Server Group"}),
                 error="parameter_groups: The parameter_groups should be a list."),
    TemplateCase("test_validate_parameters_not_list", hot(parameter_groups=[{"label": "Server Group",
                                                                             "parameters": "KeyName"}]),
                 error="parameter_groups.Server Group: The parameters of parameter group should be a list."),
    TemplateCase("test_validate_parameters_error_no_label", hot(parameter_groups=[{"parameters": "KeyName"}]),
                 error="parameter_groups.: The parameters of parameter group should be a list."),
    TemplateCase("test_invalid_section_hot", hot(Resources={}), error="Resources"),
    TemplateCase("test_invalid_section_cfn", {"AWSTemplateFormatVersion": "2010-09-09", "resources": {}},
                 error="resources"),
    TemplateCase("test_validate_invalid_outputs", hot(outputs={"string": {"value": {"get_attr": ["resource"]}}}),
                 error='Arguments to "get_attr" must be of the form [resource_name, attribute, (path), ...]'),
]
