"""Cases ported from Heat's own unit tests (openstack/heat heat/tests/*.py): inputs and Heat's answers.

Each case names the Heat test it comes from. `expect` is Heat's result; `error` a substring of our
StackError message ("" when any refusal is Heat's answer). `xfail` marks where we differ, with the reason
(also listed in docs/templates.md "Where we differ from Heat").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NOTHING = object()
# Function availability (Heat's per-version tables): EVALUATED when the version has the function, NOT_EVALUATED
# when it does not (Heat then reads the mapping as data, unchanged).
EVALUATED = object()
NOT_EVALUATED = object()

V2013, V2014, V2015_04, V2015_10 = "2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15"
V2016_04, V2016_10, V2017_02, V2017_09 = "2016-04-08", "2016-10-14", "2017-02-24", "2017-09-01"
V2018_03, V2018_08, V2021 = "2018-03-02", "2018-08-31", "2021-04-16"
ALL_HOT = (V2013, V2014, V2015_04, V2015_10, V2016_04, V2016_10, V2017_02, V2017_09, V2018_03, V2018_08, V2021)
CFN = "cfn"  # HeatTemplateFormatVersion 2012-12-12
CFN_AWS = "cfn-aws"  # AWSTemplateFormatVersion 2010-09-09 (Conditions, Fn::If)


@dataclass
class Case:
    """One function snippet evaluated in an empty template of `version` (HOT date or "cfn")."""

    id: str
    version: str
    snippet: Any
    expect: Any = NOTHING
    error: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    given: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    condition: bool = False
    xfail: str | None = None
    unordered: bool = False


@dataclass
class ParamCase:
    """One parameter declaration (`spec`, in the dialect of `version`) given `value` (NOTHING: none)."""

    id: str
    version: str
    spec: Any
    value: Any = NOTHING
    expect: Any = NOTHING
    error: str | None = None
    xfail: str | None = None
    attr: str | None = None  # compare this attribute of the schema (hidden, description) instead of the value


@dataclass
class TemplateCase:
    """A whole template document: accepted (error None) or refused with `error`."""

    id: str
    document: dict[str, Any]
    error: str | None = None
    xfail: str | None = None
