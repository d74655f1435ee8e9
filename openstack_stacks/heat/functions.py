"""Intrinsic functions: one small class each, in per-format, per-version tables (Heat's
heat/engine/hot/template.py and cfn/template.py), with Heat's argument rules and messages
(heat/engine/hot/functions.py, cfn/functions.py).

`resolve(value, scope)` walks a template value; a one-key mapping whose key is a function of the template's
table is evaluated; any other mapping is data. Conditions have their own table (`resolve_condition`).
Function results may be pulumi Outputs (attributes of built resources): every function that combines
values goes through `values.lift`, so plain inputs stay plain.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from urllib import parse as urlparse

from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.heat.values import has_output, lift

if TYPE_CHECKING:
    from openstack_stacks.heat.scope import Scope

HOT_ORDER = ["2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08", "2016-10-14", "2017-02-24",
             "2017-09-01", "2018-03-02", "2018-08-31", "2021-04-16"]


class _Drop:
    """What a two-argument `if` gives when false (2021-04-16): the enclosing key or item is left out."""

    def __repr__(self) -> str:
        return "<dropped>"


DROP = _Drop()


class Function:
    """One intrinsic function. `since`/`until` bound the HOT versions that have it; `cfn` marks CFN ones."""

    name: ClassVar[str]
    since: ClassVar[str | None] = "2013-05-23"
    until: ClassVar[str | None] = None  # first HOT version without it
    cfn: ClassVar[bool] = False
    hot: ClassVar[bool] = True
    condition: ClassVar[bool] = False  # in the condition table (HOT: only there, except get_param)

    def __init__(self, scope: Scope, args: Any, fn_name: str | None = None,
                 table: dict[str, type[Function]] | None = None) -> None:
        self.scope = scope
        self.args = args
        self.fn_name = fn_name or self.name
        self.table = table

    def fail(self, message: str) -> StackError:
        return StackError(f"{self.fn_name}: {message}", file=self.scope.path, resource=self.scope.where)

    def arg(self, value: Any) -> Any:
        return _resolve(value, self.scope, self.table)

    def since_version(self, version: str) -> bool:
        """True when the template is HOT `version` or later."""
        return self.scope.format == "hot" and HOT_ORDER.index(self.scope.version) >= HOT_ORDER.index(version)

    def evaluate(self) -> Any:
        raise NotImplementedError


REGISTRY: list[type[Function]] = []


def register(cls: type[Function]) -> type[Function]:
    """Add a function class to the tables (one line per function)."""
    REGISTRY.append(cls)
    return cls


def _in_hot(c: type[Function], index: int) -> bool:
    if not c.hot or c.since is None or HOT_ORDER.index(c.since) > index:
        return False
    return c.until is None or HOT_ORDER.index(c.until) > index


def table(fmt: str, version: str) -> dict[str, type[Function]]:
    """Functions available outside conditions to a template of this format and version."""
    if fmt == "cfn":
        return {c.name: c for c in REGISTRY if c.cfn and not c.condition
                and (c.name != "Fn::If" or version == "2010-09-09")}
    index = HOT_ORDER.index(version)
    return {c.name: c for c in REGISTRY if _in_hot(c, index) and (not c.condition or c.name == "get_param")}


def condition_table(fmt: str, version: str) -> dict[str, type[Function]]:
    """Functions available inside conditions (HOT: get_param, equals, not, and, or; yaql and contains from
    2017-09-01; CFN: Fn::Equals, Ref, Fn::FindInMap, Fn::Not, Fn::And, Fn::Or)."""
    if fmt == "cfn":
        return {c.name: c for c in REGISTRY if c.cfn and (c.condition or c.name in ("Ref", "Fn::FindInMap"))}
    index = HOT_ORDER.index(version)
    return {c.name: c for c in REGISTRY if _in_hot(c, index)
            and (c.condition or c.name in ("get_param",) or (c.name in ("yaql", "contains") and index >= 7))}


def _removed(fmt: str, version: str) -> dict[str, str]:
    """Names that an older HOT version had and this one removed (Heat's `Removed` entries)."""
    if fmt != "hot":
        return {}
    index = HOT_ORDER.index(version)
    return {c.name: c.until for c in REGISTRY if c.hot and c.until is not None and HOT_ORDER.index(c.until) <= index}


def _later(fmt: str, version: str) -> dict[str, str]:
    """Function names of later HOT versions, with the version that has them."""
    if fmt != "hot":
        return {}
    index = HOT_ORDER.index(version)
    return {c.name: c.since for c in REGISTRY if c.hot and c.since is not None and HOT_ORDER.index(c.since) > index
            and not c.condition}


def resolve(value: Any, scope: Scope) -> Any:
    """Evaluate every function call inside `value` (a dropped value, see DROP, is None at the top)."""
    out = _resolve(value, scope, None)
    return None if out is DROP else out


def resolve_condition(value: Any, scope: Scope) -> Any:
    """Evaluate a condition expression with the condition table."""
    return _resolve(value, scope, scope.condition_functions)


def _resolve(value: Any, scope: Scope, functions: dict[str, type[Function]] | None) -> Any:
    if functions is None:
        functions = scope.functions
    if isinstance(value, dict):
        if len(value) == 1:
            (key, args), = value.items()
            if isinstance(key, str):
                if key in functions:
                    return functions[key](scope, args, key, functions).evaluate()
                _refuse_unavailable(key, scope, functions)
                _refuse_misspelt(key, scope)
        out = {}
        for k, v in value.items():
            item = _resolve(v, scope, functions)
            if item is not DROP:
                out[k] = item
        return out
    if isinstance(value, list):
        return [item for item in (_resolve(v, scope, functions) for v in value) if item is not DROP]
    return value


def _refuse_unavailable(key: str, scope: Scope, functions: dict[str, type[Function]]) -> None:
    fail = lambda message: StackError(message, file=scope.path, resource=scope.where)  # noqa: E731
    if key in _removed(scope.format, scope.version):
        raise fail(f"{key}: The function {key} is not supported in this version of HOT "
                   f"(heat_template_version {scope.version}).")
    if functions is scope.condition_functions and (key in scope.functions or key in _later(scope.format,
                                                                                           scope.version)):
        raise fail(f'{key}: The function "{key}" is invalid in this context')
    later = _later(scope.format, scope.version)
    if key in later:
        # Heat reads it as data (its key is no function of this version); so do we, and say so.
        report.note(f"{scope.path}: '{key}' is not a function in heat_template_version {scope.version} (it needs "
                    f"{later[key]} or later); it is kept as data, as Heat does")
    elif scope.format == "cfn" and key.startswith("Fn::") and key not in _CFN_CONDITION_ONLY:
        report.note(f"{scope.path}: '{key}' is not a function of this CloudFormation template version; it is kept "
                    "as data, as Heat does")


def _refuse_misspelt(key: Any, scope: Scope) -> None:
    """A one-key mapping whose key is a near miss of a function name (`get_parm`) is a typo: Heat would
    send the mapping itself to the cloud as a value."""
    if not isinstance(key, str) or not ("_" in key or key.startswith("Fn::")) or key in _NAMES:
        return  # a real function name of another version is data with a note (_refuse_unavailable)
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


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str)


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


# --- parameters, resources, files ---------------------------------------------------------------
@register
class GetParam(Function):
    name = "get_param"
    condition = True  # in both tables

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not args:
            raise self.fail(f'Function "{self.fn_name}" must have arguments')
        if isinstance(args, str):
            name, path = args, []
        elif _is_list(args):
            name, path = args[0], list(args[1:])
        else:
            raise self.fail(f'Argument to "{self.fn_name}" must be string or list')
        if not isinstance(name, str):
            raise self.fail(f'Parameter name in "{self.fn_name}" must be string')
        if not self.scope.has_parameter(name):
            raise self.fail(f"The Parameter ({name}) was not provided.")
        value = self.scope.parameter(name, in_condition=self.table is self.scope.condition_functions)
        return lift(lambda v, keys: _walk(v, keys, self), value, path) if path else value


def _walk(value: Any, keys: list[Any], fn: Function) -> Any:
    """get_param path components (GetParam.result): a path that does not exist gives ''."""
    for key in keys:
        if not isinstance(value, (Mapping, Sequence)):
            raise fn.fail(f'"{fn.fn_name}" can\'t traverse path')
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            raise fn.fail(f'Path components in "{fn.fn_name}" must be strings')
        if _is_list(value) and isinstance(key, str):
            try:
                key = int(key)
            except ValueError:
                raise fn.fail(f"Path components in '{fn.fn_name}' must be a string that can be parsed into an "
                              "integer.") from None
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return ""
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
        if not args:
            raise self.fail(f'Arguments to "{self.fn_name}" can be of the next forms: [resource_name] or '
                            "[resource_name, attribute, (path), ...]")
        if not _is_list(args):
            raise self.fail(f'Argument to "{self.fn_name}" must be a list')
        if len(args) == 1 and not self.since_version("2015-10-15"):
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form [resource_name, attribute, '
                            "(path), ...] (an attribute name is needed before heat_template_version 2015-10-15)")
        return self.scope.resource_attr(args[0], list(args[1:]))


@register
class GetFile(Function):
    name = "get_file"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, str):
            raise self.fail(f'Argument to "{self.fn_name}" must be a string')
        return self.scope.read_file(args)


class _Facade(Function):
    attributes: ClassVar[tuple[str, str, str]] = ("metadata", "deletion_policy", "update_policy")

    def evaluate(self) -> Any:
        attr = self.arg(self.args)
        if attr not in self.attributes:
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be one of: '
                            f"{', '.join(self.attributes)}")
        facade = getattr(self.scope, "facade", None)
        if facade is None:
            raise self.fail("only a nested template (a provider resource's template) has a facade resource")
        index = self.attributes.index(attr)
        value = facade.get(("metadata", "deletion_policy", "update_policy")[index])
        if index == 1:
            return value or "Delete"
        return value or {}


@register
class ResourceFacade(_Facade):
    name = "resource_facade"


# --- strings -------------------------------------------------------------------------------------
class _StrReplace(Function):
    strict: ClassVar[bool] = False
    allow_empty: ClassVar[bool] = True

    def _parse(self) -> tuple[Any, Any]:
        if not isinstance(self.args, Mapping):
            raise self.fail(f'Arguments to "{self.fn_name}" must be a map')
        if "params" not in self.args or "template" not in self.args:
            raise self.fail(f'"{self.fn_name}" syntax should be {self.fn_name}:\\n  template: This is var1 '
                            "template var2\\n  params:\\n    var1: a\\n    var2: string")
        return self.args["params"], self.args["template"]

    def evaluate(self) -> Any:
        mapping, template = self._parse()
        if not isinstance(mapping, Mapping):
            raise self.fail(f'"{self.fn_name}" parameters must be a mapping')
        mapping, template = self.arg(mapping), self.arg(template)
        return lift(self.replace, template, mapping)

    def _value(self, value: Any, param: str) -> str:
        empty = ValueError(f"{self.fn_name} has an undefined or empty value for param {param}, must be a "
                           "defined non-empty value")
        if value is None:
            if not self.allow_empty:
                raise self.fail(str(empty))
            return ""
        if not isinstance(value, (str, int, float, bool)):
            if (not self.since_version("2015-10-15") and self.scope.format == "hot") or self.scope.format == "cfn":
                raise self.fail(f'"{self.fn_name}" params must be strings or numbers, param {param} is not valid')
            if isinstance(value, (Mapping, list)):
                if not self.allow_empty and len(value) == 0:
                    raise self.fail(str(empty))
                return _dumps(value)
            raise self.fail(f'"{self.fn_name}" params must be strings, numbers, list or map.')
        text = str(value)
        if not self.allow_empty and not text:
            raise self.fail(str(empty))
        return text

    def replace(self, template: Any, mapping: Any) -> str:
        if not isinstance(template, str):
            raise self.fail(f'"{self.fn_name}" template must be a string')
        if not isinstance(mapping, Mapping):
            raise self.fail(f'"{self.fn_name}" params must be a map')
        for key in mapping:
            if not isinstance(key, str):
                raise self.fail(f'"{self.fn_name}" param placeholders must be strings')
        keys = sorted(sorted(mapping), key=len, reverse=True)
        values = {k: self._value(mapping[k], k) for k in keys}
        unreplaced = set(mapping)

        # Heat's single pass (Replace.result): split on the longest key first, replace in the pieces with
        # the others, join with the value; a replaced value is never scanned again.
        def replace(strings: list[str], remaining: list[str]) -> list[str]:
            if not remaining:
                return strings
            key, rest = remaining[0], remaining[1:]
            out = []
            for s in strings:
                parts = s.split(key)
                if len(parts) > 1:
                    unreplaced.discard(key)
                out.append(values[key].join(replace(parts, rest)))
            return out

        result = replace([template], keys)[0]
        if self.strict and unreplaced:
            missing = ",".join(sorted(sorted(unreplaced), key=len, reverse=True))
            raise self.fail(f"The following params were not found in the template: {missing}")
        return result


@register
class StrReplace(_StrReplace):
    name = "str_replace"


@register
class StrReplaceStrict(_StrReplace):
    name, since, strict = "str_replace_strict", "2017-02-24", True


@register
class StrReplaceVstrict(_StrReplace):
    name, since, strict, allow_empty = "str_replace_vstrict", "2017-09-01", True, False


class _Join(Function):
    """list_join before 2015-10-15 and Fn::Join: [delimiter, list of strings]."""

    def usage(self) -> StackError:
        return self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                         '[ " ", [ "str1", "str2"]]')

    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) != 2:
            raise self.usage()
        return lift(self.join, self.arg(self.args[0]), self.arg(self.args[1]))

    def join(self, delim: Any, strings: Any) -> str:
        if strings is None:
            strings = []
        if not _is_list(strings):
            raise self.fail(f'"{self.fn_name}" must operate on a list')
        if not isinstance(delim, str):
            raise self.fail(f'"{self.fn_name}" delimiter must be a string')

        def text(s: Any) -> str:
            if s is None:
                return ""
            if not isinstance(s, str):
                raise self.fail(f"Items to join must be strings not {repr(s)[:200]}")
            return s

        return delim.join(text(s) for s in strings)


@register
class ListJoin(_Join):
    """list_join; from 2015-10-15 several lists, and maps/lists items as JSON (JoinMultiple)."""

    name = "list_join"

    def evaluate(self) -> Any:
        if not self.since_version("2015-10-15"):
            return super().evaluate()
        if not isinstance(self.args, list) or len(self.args) < 2:
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                            '[ " ", [ "str1", "str2"] ...]')
        return lift(self.join_multiple, self.arg(self.args[0]), [self.arg(a) for a in self.args[1:]])

    def join_multiple(self, delim: Any, lists: list[Any]) -> str:
        strings: list[Any] = []
        for item in lists:
            if item:
                if not _is_list(item):
                    raise self.fail(f'"{self.fn_name}" must operate on a list')
                strings += item
        if not isinstance(delim, str):
            raise self.fail(f'"{self.fn_name}" delimiter must be a string')

        def text(s: Any) -> str:
            if s is None:
                return ""
            if isinstance(s, str):
                return s
            if isinstance(s, (Mapping, list)):
                try:
                    return _dumps(s)
                except TypeError:
                    raise self.fail(f"Items to join must be string, map or list. {repr(s)[:200]} failed json "
                                    "serialization") from None
            raise self.fail(f"Items to join must be string, map or list not {repr(s)[:200]}")

        return delim.join(text(s) for s in strings)


@register
class StrSplit(Function):
    name, since = "str_split", "2015-10-15"

    def usage(self) -> StackError:
        return self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                         '[ ",", "apples,pears", <index>]')

    def evaluate(self) -> Any:
        if isinstance(self.args, (str, Mapping)) or not isinstance(self.args, list) or len(self.args) < 2:
            raise self.usage()
        return lift(self.split, *[self.arg(a) for a in self.args])

    def split(self, delim: Any, text: Any, *index: Any) -> Any:
        if text is None:
            return None
        if not isinstance(text, str) or not (delim is None or isinstance(delim, str)):
            raise self.fail(f'"{self.fn_name}" splits a string with a string delimiter')
        parts = text.split(delim)
        if not index:
            return parts
        try:
            i = int(index[0])
        except (TypeError, ValueError):
            raise self.fail(f'Incorrect index to "{self.fn_name}" should be: "{self.fn_name}" : '
                            '[ ",", "apples,pears", <index>]') from None
        try:
            return parts[i]
        except IndexError:
            raise self.fail(f'Incorrect index to "{self.fn_name}" should be between 0 and '
                            f"{len(parts) - 1}") from None


@register
class Digest(Function):
    name, since = "digest", "2015-04-30"

    def evaluate(self) -> Any:
        return lift(self.digest, self.arg(self.args))

    def digest(self, args: Any) -> str:
        if not (isinstance(args, list) and all(isinstance(a, str) for a in args)):
            raise self.fail(f'Argument to function "{self.fn_name}" must be a list of strings')
        if len(args) != 2:
            raise self.fail(f'Function "{self.fn_name}" usage: ["<algorithm>", "<value>"]')
        if args[0].lower() not in hashlib.algorithms_available:
            raise self.fail(f"Algorithm must be one of {sorted(hashlib.algorithms_available)}")
        try:
            return hashlib.new(args[0], args[1].encode("latin-1")).hexdigest()
        except UnicodeEncodeError:
            raise self.fail("the value must be Latin-1 text (Heat encodes it so)") from None


@register
class Repeat(Function):
    """repeat: lists only before 2016-10-14 (Repeat), maps too from then (RepeatWithMap), `permutations`
    from 2017-09-01 (RepeatWithNestedLoop)."""

    name, since = "repeat", "2015-04-30"

    def evaluate(self) -> Any:
        if not isinstance(self.args, Mapping):
            raise self.fail(f'Arguments to "{self.fn_name}" must be a map')
        if "for_each" not in self.args or "template" not in self.args:
            raise self.fail('"repeat" syntax should be repeat:\\n  template: This is %var%\\n  for_each:\\n'
                            "    %var%: ['a', 'b', 'c']")
        nested = self.args.get("permutations", True) if self.since_version("2017-09-01") else True
        if not isinstance(nested, bool):
            raise self.fail(f'"permutations" should be boolean type for {self.fn_name} function.')
        for_each = self.arg(self.args["for_each"])
        if not has_output(for_each) and not isinstance(for_each, Mapping):
            raise self.fail(f'The "for_each" argument to "{self.fn_name}" must contain a map')
        return lift(lambda fe, t: self.expand(fe, t, nested), for_each, self.arg(self.args["template"]))

    def expand(self, for_each: Any, template: Any, nested: bool) -> list[Any]:
        if not isinstance(for_each, Mapping):
            raise self.fail(f'The "for_each" argument to "{self.fn_name}" must contain a map')
        maps_ok = self.since_version("2016-10-14") and nested
        keys, lists, lengths = list(for_each), [], []
        for value in for_each.values():
            if value is None:
                lists.append([])
                continue
            if not (_is_list(value) or (maps_ok and isinstance(value, Mapping))):
                raise self.fail(f'The values of the "for_each" argument to "{self.fn_name}" must be '
                                f"{'lists or maps' if maps_ok else 'lists'}")
            lists.append(list(value))
            lengths.append(len(value))
        if not nested and len(set(lengths)) > 1:
            raise self.fail(f"For {self.fn_name}, the length of for_each values should be equal if no nested "
                            "loop.")
        total = 1
        for lst in lists:
            total *= len(lst)
        from openstack_stacks.limits import MAX_REPEAT

        if total > MAX_REPEAT:
            raise self.fail(f"would produce {total} items (more than {MAX_REPEAT} values; "
                            "raise with OPENSTACK_STACKS_MAX_REPEAT)")
        combos = itertools.product(*lists) if nested else zip(*lists, strict=False)
        return [_substitute(template, dict(zip(keys, combo, strict=True))) for combo in combos]


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
    KEYS = ("scheme", "username", "password", "host", "port", "path", "query", "fragment")

    def evaluate(self) -> Any:
        if not isinstance(self.args, Mapping):
            raise self.fail(f'The arguments to "{self.fn_name}" must be a map')
        invalid = [str(k) for k in self.args if k not in self.KEYS]
        if invalid:
            raise self.fail(f'Invalid arguments to "{self.fn_name}": {", ".join(invalid)}')
        return lift(self.url, self.arg(self.args))

    def _check(self, args: Mapping[str, Any]) -> None:
        for key in self.KEYS:
            if key not in args:
                continue
            value = args[key]
            if key == "query":
                if not isinstance(value, Mapping):
                    raise self.fail(f'The "query" argument to "{self.fn_name}" must be a map')
            elif key == "port":
                try:
                    port = value if isinstance(value, int) and not isinstance(value, bool) else int(value)
                except (TypeError, ValueError):
                    raise self.fail(f'Invalid URL port "{value}" for {self.fn_name}') from None
                if not 0 < port <= 65535:
                    raise self.fail(f"Invalid URL port {port}, must be in range 1-65535")
            elif not isinstance(value, str):
                raise self.fail(f'The "{key}" argument to "{self.fn_name}" must be a string')

    def url(self, args: Any) -> str:
        self._check(args)
        scheme = args.get("scheme", "")
        if ":" in scheme:
            raise self.fail("URL \"scheme\" should not contain ':'")
        netloc = ""
        user = urlparse.quote(args.get("username", ""), safe="")
        password = urlparse.quote(args.get("password", ""), safe="")
        if user or password:
            netloc = user + (f":{password}" if password else "") + "@"
        host = args.get("host", "")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        host = urlparse.quote(host, safe=":")
        netloc += f"[{host}]" if ":" in host else host
        if args.get("port"):
            netloc += f":{args['port']}"
        path = urlparse.quote(args.get("path", ""))
        query = urlparse.urlencode(args.get("query", {})).replace("%2F", "/")
        fragment = urlparse.quote(args.get("fragment", ""))
        return urlparse.urlunsplit((scheme, netloc, path, query, fragment))


# --- collections -----------------------------------------------------------------------------------
@register
class MapMerge(Function):
    name, since = "map_merge", "2016-04-08"

    def evaluate(self) -> Any:
        return lift(self.merge, self.arg(self.args))

    def merge(self, maps: Any) -> dict[str, Any]:
        if not isinstance(maps, Sequence):
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                            '[ { "key1": "val1" }, { "key2": "val2" } ]')
        out: dict[str, Any] = {}
        for m in maps:
            if m is None:
                continue
            if not isinstance(m, Mapping):
                raise self.fail(f"Incorrect arguments: Items to merge must be maps. {repr(m)[:200]} is type "
                                f"{type(m).__name__} instead of a dict")
            out.update(m)
        return out


@register
class MapReplace(Function):
    name, since = "map_replace", "2016-10-14"

    def usage(self, kind: str = "should be") -> StackError:
        example = ('"map_replace" : [ { "key1": "val1" }, {"keys": {"key1": "key2"}, "values": {"val1": '
                   '"val2"}}]')
        if kind == "maps":
            return self.fail(f'Incorrect arguments: to "{self.fn_name}", arguments must be a list of maps. '
                             f"Example:  {example}")
        return self.fail(f'Incorrect arguments to "{self.fn_name}" should be: {example}')

    def evaluate(self) -> Any:
        return lift(self.replace, self.arg(self.args))

    def _map(self, m: Any) -> Mapping[Any, Any]:
        if m is None:
            return {}
        if isinstance(m, Mapping):
            return m
        raise self.usage("maps")

    def replace(self, args: Any) -> dict[Any, Any]:
        if not isinstance(args, list) or len(args) != 2:
            if isinstance(args, list) and args and not isinstance(args[0], (Mapping, type(None))):
                raise self.usage("maps")
            raise self.usage()
        source, how = self._map(args[0]), self._map(args[1])
        if any(k not in ("keys", "values") for k in how):
            raise self.usage()
        keys, values = self._map(how.get("keys", {})), self._map(how.get("values", {}))
        out: dict[Any, Any] = {}
        for k, v in source.items():
            new = keys.get(k)
            if new is None:
                new = k
            elif new in source and new != k:
                raise self.fail(f"key replacement {new} collides with a key in the input map")
            elif new in out:
                raise self.fail(f"key replacement {new} collides with a key in the output map")
            try:
                out[new] = values.get(v, v)
            except TypeError:  # an unhashable value is kept as it is
                out[new] = v
        return out


class _ListConcat(Function):
    unique: ClassVar[bool] = False

    def evaluate(self) -> Any:
        return lift(self.concat, self.arg(self.args))

    def concat(self, args: Any) -> list[Any]:
        if not _is_list(args):
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                            "[ [ <value 1>, <value 2> ], [ <value 3>, <value 4> ] ]")
        out: list[Any] = []
        for lst in args:
            if lst is None:
                continue
            if not _is_list(lst):
                raise self.fail(f"Incorrect arguments: Items to concat must be lists. {_text(args)} contains an "
                                f"item that is not a list: {_text(lst)}")
            out.extend(lst)
        if self.unique:
            uniq: list[Any] = []
            for item in out:
                if item not in uniq:
                    uniq.append(item)
            return uniq
        return out


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
        if not self.args or not isinstance(self.args, list):
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : '
                            '[ "value1", [ "value1", "value2"]]')
        if len(self.args) != 2:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form: [value1, [value1, value2]]')
        return lift(self.contains, self.arg(self.args[0]), self.arg(self.args[1]))

    def contains(self, value: Any, seq: Any) -> bool:
        if not isinstance(seq, Sequence):
            raise self.fail(f'Second argument to "{self.fn_name}" should be a sequence.')
        return value in seq


@register
class Filter(Function):
    name, since = "filter", "2017-02-24"

    def evaluate(self) -> Any:
        if not _is_list(self.args):
            raise self.fail(f'Argument to "{self.fn_name}" must be a list')
        if len(self.args) != 2:
            raise self.fail(f'"{self.fn_name}" expected 2 arguments of the form [values, sequence] but got '
                            f"{len(self.args)} arguments instead")
        return lift(self.filter, self.arg(self.args[0]), self.arg(self.args[1]))

    def filter(self, drop: Any, seq: Any) -> Any:
        if not seq:
            return seq
        if not isinstance(seq, list):
            raise self.fail(f'"{self.fn_name}" only works with lists')
        if not drop:
            return seq
        if not isinstance(drop, list):
            raise self.fail(f'"{self.fn_name}" filters a list of values')
        return [i for i in seq if i not in drop]


@register
class Yaql(Function):
    """yaql expressions, evaluated by the yaql library with Heat's limits (200 iterations, 10 kB)."""

    name, since = "yaql", "2016-10-14"
    _engine: ClassVar[Any] = None

    @classmethod
    def engine(cls) -> Any:
        if cls._engine is None:
            import yaql

            parser = yaql.YaqlFactory().create({"yaql.limitIterators": 200, "yaql.memoryQuota": 10000})
            cls._engine = (parser, yaql.create_context())
        return cls._engine

    def evaluate(self) -> Any:
        if not isinstance(self.args, Mapping):
            raise self.fail(f'Arguments to "{self.fn_name}" must be a map.')
        if "expression" not in self.args or set(self.args) - {"expression", "data"}:
            raise self.fail(f'"{self.fn_name}" syntax should be {self.fn_name}:\\n  expression: '
                            "$.data.var1.sum()\\n  data:\\n    var1: [3, 2, 1]")
        expression = self.arg(self.args["expression"])
        data = self.arg(self.args.get("data", {}))
        return lift(self.run, expression, data)

    def run(self, expression: Any, data: Any) -> Any:
        from yaql.language import exceptions

        if not isinstance(expression, str):
            raise self.fail(f'The "expression" argument to {self.fn_name} must contain a string.')
        parser, context = self.engine()
        try:
            statement = parser(expression)
        except exceptions.YaqlException as exc:
            raise self.fail(f"Bad expression {exc}.") from None
        try:
            return statement.evaluate({"data": data}, context.create_child_context())
        except (exceptions.YaqlException, ValueError, TypeError, KeyError, IndexError, AttributeError,
                ZeroDivisionError, RecursionError) as exc:
            raise self.fail(f"{type(exc).__name__}: {exc}") from None


# --- conditions ------------------------------------------------------------------------------------
def _plain_condition(fn: Function, value: Any) -> None:
    if has_output(value):
        raise fn.fail("conditions may use parameters only, not resource attributes")


class _Equals(Function):
    condition = True

    def evaluate(self) -> Any:
        if not self.args or not isinstance(self.args, list) or len(self.args) != 2:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form: [value_1, value_2]')
        args = [self.arg(a) for a in self.args]
        _plain_condition(self, args)
        return args[0] == args[1]


@register
class Equals(_Equals):
    name, since = "equals", "2016-10-14"


class _Not(Function):
    condition = True

    def operand(self) -> Any:
        if self.args is None:
            raise self.fail(f'Argument to "{self.fn_name}" must be a condition')
        return self.args

    def evaluate(self) -> Any:
        return not self.scope.condition_value(self.operand(), self.table)


@register
class Not(_Not):
    name, since = "not", "2016-10-14"


class _AndOr(Function):
    condition = True
    combine: ClassVar[Any] = all

    def evaluate(self) -> Any:
        if not _is_list(self.args):
            raise self.fail(f'Arguments to "{self.fn_name}" must be a list of conditions')
        if len(self.args) < 2:
            raise self.fail(f'The minimum number of condition arguments to "{self.fn_name}" is 2.')
        return type(self).combine(self.scope.condition_value(a, self.table) for a in self.args)


@register
class And(_AndOr):
    name, since, combine = "and", "2016-10-14", all


@register
class Or(_AndOr):
    name, since, combine = "or", "2016-10-14", any


class _If(Function):
    def evaluate(self) -> Any:
        nullable = self.since_version("2021-04-16")
        sizes = (2, 3) if nullable else (3,)
        if not self.args or not _is_list(self.args) or len(self.args) not in sizes:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form: [condition_name, value_if_true, '
                            "value_if_false]")
        chosen = self.args[1] if self.scope.condition_value(self.args[0]) else (
            self.args[2] if len(self.args) == 3 else DROP)
        return DROP if chosen is DROP else self.arg(chosen)


@register
class If(_If):
    name, since = "if", "2016-10-14"


# --- CloudFormation ----------------------------------------------------------------------------------
class CfnFunction(Function):
    cfn, hot, since = True, False, None


@register
class Ref(CfnFunction):
    name = "Ref"

    def evaluate(self) -> Any:
        target = self.arg(self.args)
        if isinstance(target, str) and target in self.scope.resources:
            return self.scope.resource_ref(target)
        if self.scope.has_parameter(target):
            return self.scope.parameter(target, in_condition=self.table is self.scope.condition_functions)
        return self.scope.resource_ref(target)


@register
class CfnGetAtt(CfnFunction):
    name = "Fn::GetAtt"

    def evaluate(self) -> Any:
        args = self.arg(self.args)
        if not isinstance(args, list) or len(args) != 2:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form [resource_name, attribute]')
        return self.scope.resource_attr(args[0], [args[1]])


@register
class CfnJoin(CfnFunction, _Join):
    name = "Fn::Join"


@register
class CfnBase64(CfnFunction):
    """A no-op in Heat: UserData is taken as plain text (heat/engine/cfn/functions.py)."""

    name = "Fn::Base64"

    def evaluate(self) -> Any:
        return lift(self.check, self.arg(self.args))

    def check(self, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(f'"{self.fn_name}" argument must be a string')
        return value


@register
class CfnFindInMap(CfnFunction):
    name = "Fn::FindInMap"

    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) != 3:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form [map, key, value]')
        args = [self.arg(a) for a in self.args]
        if has_output(args):
            raise self.fail("map keys must be parameters, not resource attributes")
        value: Any = self.scope.mappings
        for key in args:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                raise self.fail(f"no item {key!r} in the mappings") from None
        return value


@register
class CfnSelect(CfnFunction):
    name = "Fn::Select"

    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) != 2:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form [index, collection]')
        return lift(self.select, self.arg(self.args[0]), self.arg(self.args[1]))

    def select(self, index: Any, strings: Any) -> Any:
        if strings == "":
            return ""
        if isinstance(strings, str):  # might be serialised JSON
            try:
                strings = json.loads(strings)
            except ValueError as exc:
                raise self.fail(f'"{self.fn_name}": {exc}') from None
        if isinstance(strings, Mapping):
            if not isinstance(index, str):
                raise self.fail(f'Index to "{self.fn_name}" must be a string')
            return strings.get(index, "")
        with contextlib.suppress(TypeError, ValueError):
            index = int(index)
        if _is_list(strings):
            if not isinstance(index, int):
                raise self.fail(f'Index to "{self.fn_name}" must be an integer')
            try:
                return strings[index]
            except IndexError:
                return ""
        if strings is None:
            return ""
        raise self.fail(f"Arguments to {self.fn_name} not fully resolved")


@register
class CfnSplit(CfnFunction):
    name = "Fn::Split"

    def evaluate(self) -> Any:
        example = f'Incorrect arguments to "{self.fn_name}" should be: "{self.fn_name}" : [ ",", "str1,str2"]]'
        if isinstance(self.args, (str, Mapping)) or not isinstance(self.args, list) or len(self.args) != 2:
            raise self.fail(example)
        delim = self.args[0]
        if not isinstance(delim, str):
            raise self.fail(f"Delimiter for {self.fn_name} must be string")
        return lift(self.split, delim, self.arg(self.args[1]))

    def split(self, delim: str, text: Any) -> list[str]:
        if not isinstance(text, str):
            raise self.fail(f"String to split must be string; got {type(text).__name__}")
        return text.split(delim)


@register
class CfnReplace(CfnFunction, _StrReplace):
    name = "Fn::Replace"

    def _parse(self) -> tuple[Any, Any]:
        if isinstance(self.args, (str, Mapping)) or not isinstance(self.args, list) or len(self.args) != 2:
            raise self.fail(f'Incorrect arguments to "{self.fn_name}" should be: {{"{self.fn_name}": '
                            '[ {"$var1": "foo", "%var2%": "bar"}, "$var1 is %var2%"]}')
        return self.args[0], self.args[1]


@register
class CfnMemberListToMap(CfnFunction):
    name = "Fn::MemberListToMap"

    def evaluate(self) -> Any:
        if not isinstance(self.args, list) or len(self.args) != 3:
            raise self.fail("Wrong Arguments try: \"{'Fn::MemberListToMap': ['Name', 'Value', "
                            "['.member.0.Name=key', '.member.0.Value=door']]}\"")
        keyname, valuename = self.args[0], self.args[1]
        if not isinstance(keyname, str):
            raise self.fail(f"{self.fn_name} Key Name must be a string")
        if not isinstance(valuename, str):
            raise self.fail(f"{self.fn_name} Value Name must be a string")
        return lift(lambda members: self.to_map(keyname, valuename, members), self.arg(self.args[2]))

    def to_map(self, keyname: str, valuename: str, members: Any) -> dict[str, Any]:
        if not _is_list(members):
            raise self.fail("Member list must be a list")
        partials: dict[str, str] = {}
        for s in members:
            if not isinstance(s, str):
                raise self.fail("Member list items must be strings")
            key, _, value = s.partition("=")
            partials[key] = value
        # heat/common/aws_utils.extract_param_pairs: '.member.N.<keyname>' with '.member.N.<valuename>'
        out = {}
        for key, name in partials.items():
            if key.endswith(f".{keyname}"):
                index = key[: -len(keyname) - 1]
                value_key = f"{index}.{valuename}"
                if value_key in partials:
                    out[name] = partials[value_key]
        return out


@register
class CfnResourceFacade(CfnFunction, _Facade):
    name = "Fn::ResourceFacade"
    attributes = ("Metadata", "DeletionPolicy", "UpdatePolicy")


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

    def operand(self) -> Any:
        if not self.args or not _is_list(self.args) or len(self.args) != 1:
            raise self.fail(f'Arguments to "{self.fn_name}" must be of the form: [condition]')
        return self.args[0]


@register
class CfnAnd(CfnFunction, _AndOr):
    name, combine = "Fn::And", all


@register
class CfnOr(CfnFunction, _AndOr):
    name, combine = "Fn::Or", any


@register
class CfnIf(CfnFunction, _If):
    name = "Fn::If"


_CFN_CONDITION_ONLY = ("Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or")
_NAMES = frozenset(c.name for c in REGISTRY)

# CFN-style functions HOT 2013-05-23 kept (HOTemplate20130523.functions): removed in 2014-10-16, Fn::Select in
# 2015-10-15.
for _cls, _until in ((CfnJoin, "2014-10-16"), (CfnSplit, "2014-10-16"), (CfnReplace, "2014-10-16"),
                     (CfnBase64, "2014-10-16"), (CfnGetAZs, "2014-10-16"), (CfnMemberListToMap, "2014-10-16"),
                     (CfnResourceFacade, "2014-10-16"), (Ref, "2014-10-16"), (CfnSelect, "2015-10-15")):
    register(type(f"Hot{_cls.__name__}", (_cls,), {"cfn": False, "hot": True, "since": "2013-05-23",
                                                    "until": _until}))
