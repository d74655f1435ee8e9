"""Run one ported Heat case through this front-end; answer (passed, detail)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.heat.builder import outputs_of
from openstack_stacks.heat.environment import Environment
from openstack_stacks.heat.functions import resolve
from openstack_stacks.heat.parameters import resolve_parameters
from openstack_stacks.heat.scope import Scope
from openstack_stacks.heat.template import parse
from openstack_stacks.parameters import cfn, hot
from openstack_stacks.parameters.core import ParameterError
from tests.heat.cases import CFN, CFN_AWS, EVALUATED, NOT_EVALUATED, NOTHING, Case, ParamCase, TemplateCase

CFN_VERSION = {"HeatTemplateFormatVersion": "2012-12-12"}


def document(case: Case) -> dict[str, Any]:
    if case.version in (CFN, CFN_AWS):
        version = CFN_VERSION if case.version == CFN else {"AWSTemplateFormatVersion": "2010-09-09"}
        doc: dict[str, Any] = dict(version, Parameters=case.parameters, Resources={})
        if case.conditions:
            doc["Conditions"] = case.conditions
        if case.mappings:
            doc["Mappings"] = case.mappings
        return doc
    doc = {"heat_template_version": case.version, "parameters": case.parameters, "resources": {}}
    if case.conditions:
        doc["conditions"] = case.conditions
    return doc


def evaluate(case: Case) -> Any:
    template = parse(document(case), "case.yaml")
    declared = template.section("parameters")
    params = resolve_parameters(declared, dict(case.given), fmt=template.format, version=template.version,
                                path=template.path)
    scope = Scope(template, params, stack_name="test_stack", prefix="", environment=Environment.load([]))
    if case.condition:
        return scope.condition_value(case.snippet)
    return resolve(case.snippet, scope)


def _same(a: Any, b: Any, unordered: bool) -> bool:
    if unordered and isinstance(a, list) and isinstance(b, list):
        return Counter(map(repr, a)) == Counter(map(repr, b))
    return a == b and type(a) is type(b) if isinstance(b, (bool, int, float)) else a == b


def _judge(error: str | None, expect: Any, unordered: bool, run: Any, snippet: Any = NOTHING) -> tuple[bool, str]:
    try:
        result = run()
    except (StackError, ParameterError) as exc:
        if error is None:
            return False, f"refused: {exc}"
        return error in str(exc), f"refused: {exc}"
    except Exception as exc:  # a crash is never Heat's answer
        return False, f"crash: {type(exc).__name__}: {exc}"
    if error is not None:
        return False, f"accepted: {result!r}"
    if expect is EVALUATED:
        return result != snippet, f"result {result!r}"
    if expect is NOT_EVALUATED:
        return result == snippet, f"result {result!r}"
    return _same(result, expect, unordered), f"result {result!r}, Heat: {expect!r}"


def run(case: Case | ParamCase | TemplateCase) -> tuple[bool, str]:
    try:
        return _run(case)
    finally:
        report.take()  # notes of one case stay with it


def _run(case: Case | ParamCase | TemplateCase) -> tuple[bool, str]:
    if isinstance(case, Case):
        return _judge(case.error, case.expect, case.unordered, lambda: evaluate(case), case.snippet)
    if isinstance(case, ParamCase):
        return _judge(case.error, case.expect, False, lambda: param_value(case))
    return _judge(case.error, None, False, lambda: validate_template(case.document))


def param_value(case: ParamCase) -> Any:
    schema = cfn.schema("p", case.spec) if case.version in (CFN, CFN_AWS) else hot.schema("p", case.spec, case.version)
    if case.attr:
        return getattr(schema, case.attr)
    if case.value is NOTHING:
        if not schema.has_default:
            raise ParameterError("a value is required (no default)")
        return schema.check(schema.default)
    return schema.check(case.value)


def validate_template(doc: dict[str, Any]) -> None:
    """Parse a whole template, its parameters, conditions and outputs (no resource is built)."""
    template = parse(doc, "case.yaml")
    params = resolve_parameters(template.section("parameters"), {}, fmt=template.format, version=template.version,
                                path=template.path)
    scope = Scope(template, params, stack_name="test_stack", prefix="", environment=Environment.load([]))
    for name in template.section("conditions"):
        scope.named_condition(name)
    outputs_of(scope)
    return None
