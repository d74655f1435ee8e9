"""`python -m components diff OLD NEW [-p k=v ...] [--json] [--svg FILE]`: what would change between two versions.

OLD and NEW are rendered `plan.json` files (or directories holding one), stack files or templates
(rendered offline with `openstack_stacks.tools.offline.render`). Exit 0 when nothing changes, 3 when something
does, 1 on invalid input or when the change is refused (a protected resource would be deleted/replaced).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from components.errors import StackError
from openstack_stacks.tools.diffing import PlanDiff, diff_plans, render_json, render_text

EXIT_SAME, EXIT_INVALID, EXIT_CHANGES = 0, 1, 3


def load_plan(path: str | Path, parameters: dict[str, Any] | None = None, *,
              env_files: tuple[str, ...] = (), stack: str = "dev") -> dict[str, Any]:
    """A plan.json document from a plan file/directory, or by rendering a stack file or template."""
    path = Path(path)
    if path.is_dir() and (path / "plan.json").is_file():
        path = path / "plan.json"
    if not path.exists():
        raise StackError("no such file", file=str(path))
    if path.suffix == ".json":
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise StackError(f"not readable as JSON: {exc}", file=str(path)) from None
        if isinstance(doc, dict) and "project" in doc:
            check_plan(doc, str(path))
            return doc
    from openstack_stacks.tools.offline import render

    return render(path, parameters or {}, env_files=env_files, stack=stack).to_dict()


def check_plan(doc: dict[str, Any], path: str) -> None:
    """Refuse a plan.json whose shape the diff cannot read, naming the file and the entry."""
    def fail(message: str, field: str | None = None) -> StackError:
        return StackError(f"not a plan.json document: {message}", file=path, field=field)

    if not isinstance(doc.get("resources"), list):
        raise fail("'resources' must be a list", "resources")
    for i, res in enumerate(doc["resources"]):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            raise fail(f"each resource must be a mapping, got {type(res).__name__}", where)
        for key in ("urn", "name", "type"):
            if not isinstance(res.get(key), str) or not res.get(key):
                raise fail(f"a resource needs a string '{key}'", f"{where}.{key}")
        for key, kind in (("inputs", dict), ("options", dict), ("secretInputs", list)):
            if res.get(key) is not None and not isinstance(res[key], kind):
                raise fail(f"'{key}' must be a {'mapping' if kind is dict else 'list'}", f"{where}.{key}")
        opts = res.get("options") or {}
        for key in ("ignoreChanges", "replaceOnChanges", "dependsOn", "aliases"):
            if opts.get(key) is not None and not (isinstance(opts[key], list)
                                                  and all(isinstance(v, str) for v in opts[key])):
                raise fail(f"'options.{key}' must be a list of strings", f"{where}.options.{key}")
        if res.get("parent") is not None and not isinstance(res["parent"], str):
            raise fail("'parent' must be a URN or null", f"{where}.parent")
    for key in ("outputs", "userData"):
        if doc.get(key) is not None and not isinstance(doc[key], dict):
            raise fail(f"'{key}' must be a mapping", key)
    for name, rec in (doc.get("userData") or {}).items():
        if not isinstance(rec, dict):
            raise fail("each user data record must be a mapping", f"userData.{name}")


def _is_plan(path: str | Path) -> bool:
    path = Path(path)
    return (path.is_dir() and (path / "plan.json").is_file()) or path.suffix == ".json"


def _load_in_child(conn: Any, path: str, parameters: dict[str, Any], env_files: tuple[str, ...],
                   stack: str) -> None:
    try:
        conn.send(("ok", load_plan(path, parameters, env_files=env_files, stack=stack)))
    except StackError as exc:
        conn.send(("error", (exc.message, exc.file, exc.resource, exc.field)))
    except Exception as exc:
        conn.send(("error", (f"{type(exc).__name__}: {exc}", str(path), None, None)))
    finally:
        conn.close()


def _load_both(old: str | Path, new: str | Path, old_params: dict[str, Any], new_params: dict[str, Any],
               env_files: tuple[str, ...], stack: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two plans; when both sides are rendered, OLD renders in a forked process while this one renders
    NEW, so a stack-to-stack diff takes about one render's time where there is a core to spare."""
    import multiprocessing

    if _is_plan(old) or _is_plan(new) or "fork" not in multiprocessing.get_all_start_methods():
        return (load_plan(old, old_params, env_files=env_files, stack=stack),
                load_plan(new, new_params, env_files=env_files, stack=stack))
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_load_in_child, args=(send, str(old), old_params, env_files, stack))
    child.start()
    send.close()
    try:
        new_plan = load_plan(new, new_params, env_files=env_files, stack=stack)
        status, payload = receive.recv()
    finally:
        child.join()
    if status == "error":
        message, file, resource, field_name = payload
        raise StackError(message, file=file, resource=resource, field=field_name)
    return payload, new_plan


def diff_files(old: str | Path, new: str | Path, parameters: dict[str, Any] | None = None, *,
               old_parameters: dict[str, Any] | None = None, new_parameters: dict[str, Any] | None = None,
               env_files: tuple[str, ...] = (), stack: str = "dev") -> PlanDiff:
    """Diff two plan files / stack files / templates (`parameters` apply to both renders)."""
    return diff_plans(*load_both(old, new, parameters, old_parameters=old_parameters,
                                 new_parameters=new_parameters, env_files=env_files, stack=stack))


def load_both(old: str | Path, new: str | Path, parameters: dict[str, Any] | None = None, *,
              old_parameters: dict[str, Any] | None = None, new_parameters: dict[str, Any] | None = None,
              env_files: tuple[str, ...] = (), stack: str = "dev") -> tuple[dict[str, Any], dict[str, Any]]:
    """The OLD and NEW plan.json documents (`parameters` apply to both renders)."""
    base = dict(parameters or {})
    return _load_both(old, new, {**base, **(old_parameters or {})}, {**base, **(new_parameters or {})},
                      env_files, stack)


def write_svg(path: str | Path, old: dict[str, Any], new: dict[str, Any], diff: PlanDiff) -> None:
    """The topology of NEW with the diff's steps marked, as SVG; a missing `dot` is one clear error."""
    from openstack_stacks.tools.pictures import diff_topology_svg, dot_available

    if not dot_available():
        raise StackError("--svg needs Graphviz's `dot` program (apt-get install graphviz)", field="--svg")
    Path(path).write_text(diff_topology_svg(old, new, diff))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m components diff",
        description="Offline diff of two versions of a stack: create / update / replace / delete per resource.",
    )
    parser.add_argument("old", help="plan.json (or its directory), stack file or template: the current version")
    parser.add_argument("new", help="plan.json (or its directory), stack file or template: the proposed version")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="parameter for both renders")
    parser.add_argument("--old-parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="parameter for the OLD render only (overrides -p)")
    parser.add_argument("--new-parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="parameter for the NEW render only (overrides -p)")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV_FILE")
    parser.add_argument("--stack", default="dev", help="Pulumi stack name used in URNs (default: dev)")
    parser.add_argument("--json", action="store_true", help="print the diff as JSON")
    parser.add_argument("--show-same", action="store_true", help="also list unchanged resources")
    parser.add_argument("--svg", metavar="FILE", help="also draw the topology of NEW with each change marked "
                                                       "(needs Graphviz `dot`)")
    return parser


def main(argv: list[str]) -> int:
    """CLI entry: print the diff; 0 nothing changes, 3 changes, 1 invalid or refused."""
    from openstack_stacks.tools.cli import parse_parameters

    args = _parser().parse_args(argv)
    try:
        old, new = load_both(args.old, args.new, parse_parameters(args.parameter),
                             old_parameters=parse_parameters(args.old_parameter),
                             new_parameters=parse_parameters(args.new_parameter),
                             env_files=tuple(args.environment), stack=args.stack)
        diff = diff_plans(old, new)
        if args.svg:
            write_svg(args.svg, old, new, diff)
    except ValueError as exc:  # StackError is a ValueError; so are malformed plans
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_INVALID
    sys.stdout.write(render_json(diff) if args.json else render_text(diff, show_same=args.show_same))
    if diff.errors:
        for error in diff.errors:
            print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_CHANGES if diff.changed else EXIT_SAME
