"""Intrinsic functions: one small class each, registered per template format and version (Heat's tables).

`resolve(value, scope)` walks a template value; a one-key mapping whose key is a function of the template's
version is evaluated. Function results may be pulumi Outputs (attributes of built resources): every function
that combines values goes through `values.lift`, so plain inputs stay plain.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
from typing import TYPE_CHECKING, Any, ClassVar

from components.errors import StackError
from openstack_stacks.heat.values import has_output, lift

if TYPE_CHECKING:
    from openstack_stacks.heat.scope import Scope

HOT_ORDER = ["2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14", "2017-02-24",
             "2017-09-01", "2018-03-02", "2018-08-31", "2021-04-16"]


class Function:
    """One intrinsic function. `since`/`until` bound the HOT versions that have it; `cfn` marks CFN ones."""

    name: ClassVar[str]
    since: ClassVar[str | None] = "2013-05-23"
    until: ClassVar[str | None] = None  # first HOT version without it
    cfn: ClassVar[bool] = False
    hot: ClassVar[bool] = True

    def __init__(self, scope: Scope, args: Any) -> None:
        self.scope = scope
        self.args = args

    def fail(self, message: str) -> StackError:
        return StackError(f"{self.name}: {message}", file=self.scope.path, resource=self.scope.where)

    def arg(self, value: Any) -> Any:
        return resolve(value, self.scope)

    def evaluate(self) -> Any:
        raise NotImplementedError


REGISTRY: list[type[Function]] = []


def register(cls: type[Function]) -> type[Function]:
    """Add a function class to the tables (one line per function)."""
    REGISTRY.append(cls)
    return cls


def table(fmt: str, version: str) -> dict[str, type[Function]]:
    """Functions available to a template of this format and version."""
    if fmt == "cfn":
        return {c.name: c for c in REGISTRY if c.cfn}
    index = HOT_ORDER.index(version)
    out = {}
    for c in REGISTRY:
        if not c.hot or c.since is None or HOT_ORDER.index(c.since) > index:
            continue
        if c.until is not None and HOT_ORDER.index(c.until) <= index:
            continue
        out[c.name] = c
    return out


def all_names() -> set[str]:
    return {c.name for c in REGISTRY}


def resolve(value: Any, scope: Scope) -> Any:
    """Evaluate every function call inside `value`."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, args), = value.items()
            functions = scope.functions
            if key in functions:
                return functions[key](scope, args).evaluate()
            if key in all_names() or (scope.format == "cfn" and (key.startswith("Fn::") or key == "Ref")):
                where = f"heat_template_version {scope.version}" if scope.format == "hot" else "CloudFormation"
                raise StackError(f"function '{key}' is not supported in {where}", file=scope.path,
                                 resource=scope.where)
            _refuse_misspelt(key, scope)
        return {k: resolve(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, scope) for v in value]
    return value


def _refuse_misspelt(key: Any, scope: Scope) -> None:
    """A one-key mapping whose key is a near miss of a function name (`get_parm`) is a typo: Heat would
    send the mapping itself to the cloud as a value."""
    if not isinstance(key, str) or not ("_" in key or key.startswith("Fn::")):
        return
    close = difflib.get_close_matches(key, list(scope.functions), n=1, cutoff=0.8)
    if close:
        raise StackError(f"unknown function '{key}' (did you mean '{close[0]}'?)", file=scope.path,
                         resource=scope.where)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# --- parameters, resources, files ---------------------------------------------------------------
@register
class GetParam(Function):
    name = "get_param"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        path = args if isinstance(args, list) else [args]
        if not path or not isinstance(path[0], str):
            raise self.fail("needs a parameter name")
        value = self.scope.parameter(path[0])
        return lift(lambda v, keys: _walk(v, keys, self), value, path[1:]) if path[1:] else value


def _walk(value: Any, keys: list[Any], fn: Function) -> Any:
    for key in keys:
        try:
            value = value[int(key)] if isinstance(value, list) else value[key]
        except (KeyError, IndexError, TypeError, ValueError):
            raise fn.fail(f"no item {key!r} in {value!r}") from None
    return value


@register
class GetResource(Function):
    name = "get_resource"

    def evaluate(self) -> Any:
        return self.scope.resource_ref(self.arg(self.args))


@register
class GetAttr(Function):
    name = "get_attr"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) < 1:
            raise self.fail("needs [resource, attribute, ...]")
        if len(args) == 1 and HOT_ORDER.index(self.scope.version) < HOT_ORDER.index("2015-10-15"):
            raise self.fail("an attribute name is needed before heat_template_version 2015-10-15")
        return self.scope.resource_attr(args[0], args[1:])


@register
class GetFile(Function):
    name = "get_file"

    def evaluate(self) -> Any:
        return self.scope.read_file(self.arg(self.args))


# --- strings -------------------------------------------------------------------------------------
def _replace(template: str, params: dict[str, Any], strict: int, fn: Function) -> str:
    if not isinstance(template, str) or not isinstance(params, dict):
        raise fn.fail("needs a template string and a params mapping")
    if strict >= 1:
        missing = [k for k in params if k not in template]
        if missing:
            raise fn.fail(f"params not found in template: {', '.join(map(str, missing))}")
    if strict >= 2:
        empty = [k for k, v in params.items() if v in ("", None)]
        if empty:
            raise fn.fail(f"params with empty values: {', '.join(map(str, empty))}")
    # Heat replaces longer keys first so that a key that is a prefix of another does not win.
    for key in sorted(params, key=lambda k: (-len(str(k)), str(k))):
        template = template.replace(str(key), _text(params[key]))
    return template


class _StrReplace(Function):
    strict: ClassVar[int] = 0

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, dict) or "template" not in args or "params" not in args:
            raise self.fail("needs 'template' and 'params'")
        return lift(lambda t, p: _replace(t, p, self.strict, self), args["template"], args["params"])


@register
class StrReplace(_StrReplace):
    name = "str_replace"


@register
class StrReplaceStrict(_StrReplace):
    name, since, strict = "str_replace_strict", "2017-02-24", 1


@register
class StrReplaceVstrict(_StrReplace):
    name, since, strict = "str_replace_vstrict", "2017-09-01", 2


@register
class ListJoin(Function):
    name = "list_join"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) < 2:
            raise self.fail("needs [delimiter, list, ...]")

        def join(delim: str, lists: list[Any]) -> str:
            items: list[Any] = []
            for lst in lists:
                if not isinstance(lst, list):
                    raise self.fail(f"{lst!r} is not a list")
                items.extend(lst)
            return str(delim).join(_text(i) for i in items)

        return lift(join, args[0], args[1:])


@register
class StrSplit(Function):
    name, since = "str_split", "2015-10-15"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) not in (2, 3):
            raise self.fail("needs [delimiter, string] or [delimiter, string, index]")

        def split(delim: str, text: str, *index: Any) -> Any:
            parts = str(text).split(delim)
            return parts[int(index[0])] if index else parts

        return lift(split, *args)


@register
class Digest(Function):
    name, since = "digest", "2015-04-30"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2 or args[0] not in hashlib.algorithms_available:
            raise self.fail("needs [algorithm, value] with a hashlib algorithm")
        return lift(lambda algo, v: hashlib.new(algo, str(v).encode()).hexdigest(), *args)


@register
class Repeat(Function):
    name, since = "repeat", "2015-04-30"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, dict) or "for_each" not in args or "template" not in args:
            raise self.fail("needs 'for_each' and 'template'")
        permutations = args.get("permutations", True)

        def expand(for_each: dict[str, list[Any]], template: Any) -> list[Any]:
            keys = list(for_each)
            lists = [for_each[k] for k in keys]
            if any(not isinstance(v, list) for v in lists):
                raise self.fail("for_each values must be lists")
            if permutations:
                from openstack_stacks.limits import MAX_REPEAT

                if math.prod(len(v) for v in lists) > MAX_REPEAT:
                    raise self.fail(f"would make more than {MAX_REPEAT} values "
                                    "(raise with OPENSTACK_STACKS_MAX_REPEAT)")
                combos = list(itertools.product(*lists))
            else:
                if len({len(v) for v in lists}) > 1:
                    raise self.fail("lists must have the same length when permutations is false")
                combos = list(zip(*lists, strict=True))
            return [_substitute(template, dict(zip(keys, combo, strict=True))) for combo in combos]

        return lift(expand, args["for_each"], args["template"])


def _substitute(template: Any, values: dict[str, Any]) -> Any:
    if isinstance(template, str):
        for key, value in values.items():
            template = template.replace(key, _text(value))
        return template
    if isinstance(template, dict):
        return {_substitute(k, values): _substitute(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_substitute(v, values) for v in template]
    return template


@register
class MakeUrl(Function):
    name, since = "make_url", "2017-09-01"

    def evaluate(self) -> Any:
        def url(a: dict[str, Any]) -> str:
            host = str(a.get("host", ""))
            host = f"[{host}]" if ":" in host else host
            port = f":{a['port']}" if a.get("port") not in (None, "") else ""
            path = str(a.get("path", ""))
            query = "&".join(f"{k}={v}" for k, v in (a.get("query") or {}).items())
            frag = f"#{a['fragment']}" if a.get("fragment") else ""
            return f"{a.get('scheme', 'http')}://{host}{port}{path}{'?' + query if query else ''}{frag}"

        return lift(url, self.arg(self.args))


# --- collections -----------------------------------------------------------------------------------
@register
class MapMerge(Function):
    name, since = "map_merge", "2016-04-08"

    def evaluate(self) -> Any:
        def merge(maps: list[dict[str, Any]]) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for m in maps:
                if not isinstance(m, dict):
                    raise self.fail(f"{m!r} is not a mapping")
                out.update(m)
            return out

        return lift(merge, self.arg(self.args))


@register
class MapReplace(Function):
    name, since = "map_replace", "2016-10-14"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [map, {keys: ..., values: ...}]")

        def replace(source: dict[str, Any], how: dict[str, Any]) -> dict[str, Any]:
            keys, values = how.get("keys", {}), how.get("values", {})
            out = {}
            for k, v in source.items():
                nk = keys.get(k, k)
                if nk in out:
                    raise self.fail(f"key {nk!r} would be duplicated")
                out[nk] = values.get(v, v) if isinstance(v, (str, int, float, bool)) else v
            return out

        return lift(replace, *args)


class _ListConcat(Function):
    unique: ClassVar[bool] = False

    def evaluate(self) -> Any:
        def concat(lists: list[Any]) -> list[Any]:
            out: list[Any] = []
            for lst in lists:
                if not isinstance(lst, list):
                    raise self.fail(f"{lst!r} is not a list")
                out.extend(i for i in lst if not (self.unique and i in out))
            return out

        return lift(concat, self.arg(self.args))


@register
class ListConcat(_ListConcat):
    name, since = "list_concat", "2017-09-01"


@register
class ListConcatUnique(_ListConcat):
    name, since, unique = "list_concat_unique", "2017-09-01", True


@register
class Contains(Function):
    name, since = "contains", "2017-09-01"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [value, sequence]")
        return lift(lambda v, seq: v in seq, *args)


@register
class Filter(Function):
    name, since = "filter", "2017-02-24"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [values to remove, list]")
        return lift(lambda drop, lst: [i for i in lst if i not in drop], *args)


# --- conditions ------------------------------------------------------------------------------------
def _plain_condition(fn: Function, value: Any) -> bool:
    if has_output(value):
        raise fn.fail("conditions may use parameters only, not resource attributes")
    return bool(value)


class _Equals(Function):
    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs two values")
        _plain_condition(self, args)
        return args[0] == args[1]


@register
class Equals(_Equals):
    name, since = "equals", "2016-10-14"


class _Not(Function):
    def evaluate(self) -> Any:
        args = self.args[0] if isinstance(self.args, list) and len(self.args) == 1 else self.args
        return not self.scope.condition_value(args)


@register
class Not(_Not):
    name, since = "not", "2016-10-14"


class _AndOr(Function):
    combine: ClassVar[Any] = all

    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) < 2:
            raise self.fail("needs a list of at least two conditions")
        return type(self).combine(self.scope.condition_value(a) for a in self.args)


@register
class And(_AndOr):
    name, since, combine = "and", "2016-10-14", all


@register
class Or(_AndOr):
    name, since, combine = "or", "2016-10-14", any


class _If(Function):
    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) not in (2, 3):
            raise self.fail("needs [condition, value if true, value if false]")
        if len(self.args) == 2 and (self.scope.format == "cfn" or self.scope.version != "2021-04-16"):
            raise self.fail("needs three arguments")
        chosen = self.args[1] if self.scope.condition_value(self.args[0]) else (
            self.args[2] if len(self.args) == 3 else None)
        return self.arg(chosen)


@register
class If(_If):
    name, since = "if", "2016-10-14"


@register
class Yaql(Function):
    name, since = "yaql", "2016-10-14"

    def evaluate(self) -> Any:
        raise self.fail("yaql expressions are not supported (no yaql engine in this front-end)")


# --- CloudFormation ----------------------------------------------------------------------------------
class CfnFunction(Function):
    cfn, hot, since = True, False, None


@register
class Ref(CfnFunction):
    name = "Ref"

    def evaluate(self) -> Any:
        target = self.arg(self.args)
        if self.scope.has_parameter(target):
            return self.scope.parameter(target)
        return self.scope.resource_ref(target)


@register
class CfnGetAtt(CfnFunction):
    name = "Fn::GetAtt"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [resource, attribute]")
        return self.scope.resource_attr(args[0], [args[1]])


@register
class CfnJoin(CfnFunction):
    name = "Fn::Join"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [delimiter, list]")
        return lift(lambda d, items: str(d).join(_text(i) for i in items), *args)


@register
class CfnBase64(CfnFunction):
    """A no-op in Heat: UserData is taken as plain text (heat/engine/cfn/functions.py)."""

    name = "Fn::Base64"

    def evaluate(self) -> Any:
        return self.arg(self.args)


@register
class CfnFindInMap(CfnFunction):
    name = "Fn::FindInMap"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 3:
            raise self.fail("needs [map, key, value]")
        if has_output(args):
            raise self.fail("map keys must be parameters, not resource attributes")
        return _walk(self.scope.mappings, args, self)


@register
class CfnSelect(CfnFunction):
    name = "Fn::Select"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [index, list]")

        def select(index: Any, seq: Any) -> Any:
            if isinstance(seq, str):
                seq = seq.split(",")
            try:
                return seq[index] if isinstance(seq, dict) else seq[int(index)]
            except (KeyError, IndexError, ValueError):
                return ""

        return lift(select, *args)




@register
class CfnSplit(CfnFunction):
    name = "Fn::Split"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [delimiter, string]")
        return lift(lambda d, s: str(s).split(d), *args)


@register
class CfnReplace(CfnFunction):
    name = "Fn::Replace"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail("needs [{search: replace}, template]")
        return lift(lambda p, t: _replace(t, p, 0, self), *args)


@register
class CfnGetAZs(CfnFunction):
    """Heat answers `['nova']` (the default availability zone)."""

    name = "Fn::GetAZs"

    def evaluate(self) -> Any:
        return ["nova"]


@register
class CfnEquals(CfnFunction, _Equals):
    name = "Fn::Equals"


@register
class CfnNot(CfnFunction, _Not):
    name = "Fn::Not"


@register
class CfnAnd(CfnFunction, _AndOr):
    name, combine = "Fn::And", all


@register
class CfnOr(CfnFunction, _AndOr):
    name, combine = "Fn::Or", any


@register
class CfnIf(CfnFunction, _If):
    name = "Fn::If"



# CFN-style functions HOT kept at first (heat/engine/hot/functions.py): removed in 2014-10-16, Fn::Select in
# 2015-10-15.
for _cls, _until in ((CfnJoin, "2014-10-16"), (CfnSplit, "2014-10-16"), (CfnReplace, "2014-10-16"),
                     (CfnBase64, "2014-10-16"), (CfnGetAZs, "2014-10-16"), (CfnSelect, "2015-10-15")):
    register(type(f"Hot{_cls.__name__}", (_cls,), {"cfn": False, "hot": True, "since": "2013-05-23",
                                                    "until": _until}))
