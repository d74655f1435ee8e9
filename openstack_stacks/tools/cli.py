"""Command line: render, diff, adopt and boot-test stacks without a cloud.

Exit codes: 0 ok, 1 invalid input (one line naming file, resource and field), 2 usage.
`diff` adds 3 (something changes).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any

from components.errors import StackError

# Sub-commands implemented in their own modules, each with `main(argv) -> int`.
DELEGATED = {"diff": "openstack_stacks.tools.diff", "adopt": "openstack_stacks.tools.adopt",
             "boot-test": "openstack_stacks.tools.boot_test", "signals": "openstack_stacks.tools.signals"}


def parse_parameters(pairs: list[str], *, secret: bool = False) -> dict[str, Any]:
    """`-p name=value` pairs to a dict (values stay strings; the front-end coerces them). With `secret`
    (`-s`), a malformed pair is never echoed: it may be the secret itself."""
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            if secret:
                raise StackError("a secret parameter must look like name=value (the value given is not shown)",
                                 field="-s")
            raise StackError(f"parameter {pair!r} must look like name=value", field="-p")
        out[name.strip()] = value
    return out


def _render_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m components render",
        description="Render a stack file or Heat/CFN template offline: plan.json, user data, rendered files, "
                    "topology.svg (needs Graphviz `dot`) and graph.dot.",
    )
    parser.add_argument("file", help="stack file, HOT or CFN template")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("-s", "--secret-parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter given as a secret (like `pulumi config set --path secretParameters.NAME "
                             "--secret`): secret whatever the file declares")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV_FILE",
                        help="Heat environment file (parameters, parameter_defaults, resource_registry)")
    parser.add_argument("--allow-root", action="append", default=[], metavar="DIR",
                        help="let file references (script_file, get_file, nested templates, ...) read under DIR "
                             "too (default: only the directory tree of the file naming them)")
    parser.add_argument("--stack", default="dev", help="Pulumi stack name used in URNs (default: dev)")
    parser.add_argument("--out", required=True, help="directory to write plan.json, userdata/ and files into")
    return parser


def render_main(argv: list[str]) -> int:
    """`render FILE [-p k=v] [-e ENV] --out DIR`."""
    args = _render_parser().parse_args(argv)
    from openstack_stacks.tools.offline import render

    plan = render(args.file, parse_parameters(args.parameter), env_files=args.environment, stack=args.stack,
                  secret_parameters=parse_parameters(args.secret_parameter, secret=True), allowed_roots=args.allow_root)
    try:
        written = plan.write(args.out)
    except OSError as exc:
        raise StackError(f"cannot write the render to {args.out}: {exc.strerror or exc}"
                         + (f" ({exc.filename})" if exc.filename and str(exc.filename) != args.out else ""),
                         field="--out") from None
    from openstack_stacks.tools.pictures import write_pictures

    pictures, picture_notes = write_pictures(plan.to_dict(), args.out)
    written += pictures
    custom = [r for r in plan.resources if r["custom"]]
    print(f"rendered {args.file}: {len(custom)} resources, {len(plan.user_data)} servers with user data")
    for name, rec in sorted(plan.user_data.items()):
        kind = "gzip+base64" if rec.compressed else "plain"
        print(f"  user data {name}: {len(rec.parts)} parts, {rec.size} bytes as Nova counts ({kind})"
              f"{', secret' if rec.secret else ''}")
    for note in plan.notes + picture_notes:
        print(f"  note: {note}")
    print(f"wrote {len(written)} files under {args.out}")  # as given (README: `--out out/`)
    return 0


def one_line(text: str) -> str:
    """A message on one line (YAML and schema errors carry newlines)."""
    return " ".join(text.split())


def _first_file(args: list[str]) -> str:
    return next((a for a in args if not a.startswith("-")), "input")


USAGE = """usage: python -m components COMMAND ...

commands:
  render FILE [-p NAME=VALUE ...] [-e ENV] --out DIR   render offline (plan.json, user data, files, pictures)
  diff OLD NEW [-p NAME=VALUE ...] [--json] [--svg F]  what would change between two versions
  adopt HEAT_RESOURCES_JSON TEMPLATE --out import.json  map a Heat stack to a `pulumi import` file
  boot-test FILE [--server NAME]                       boot rendered user data through real cloud-init
  signals CONSOLE_LOG|- [--handle H] [--json]          decode the boot signals in a console log
"""


def main(argv: list[str] | None = None) -> int:
    """Dispatch a sub-command; bad input prints one line and returns 1."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "render":
            return render_main(rest)
        if command in DELEGATED:
            module = importlib.import_module(DELEGATED[command])
            return int(module.main(rest))
    except StackError as exc:
        print(f"error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code) if isinstance(exc.code, int) else 2
    except RecursionError:
        print(f"error: {_first_file(rest)}: nested too deeply to process", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"error: {_first_file(rest)}: internal error ({type(exc).__name__}): {one_line(str(exc))}",
              file=sys.stderr)
        return 1
    print(f"error: unknown command {command!r}\n{USAGE}", file=sys.stderr, end="")
    return 2


def run() -> None:
    """Console-script entry point (`openstack-stacks render ...`, as `python -m components render ...`)."""
    sys.exit(main())
