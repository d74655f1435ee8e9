"""The program behind `__main__.py`: pick the front-end for a file by its content and build it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pulumi

from components.errors import StackError
from components.stackfile.loader import parse_document

# Tried in order; the first whose detect() accepts the document builds it. The plain stack file is last.
FRONTENDS = ("components.heat", "components.kolla", "components.stackfile")


def frontend_for(document: dict[str, Any]) -> Any:
    """The front-end module that understands `document`."""
    for module_name in FRONTENDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        if module.detect(document):
            return module
    raise StackError("no front-end accepts this document")


def build(
    path: str,
    parameters: dict[str, Any] | None = None,
    *,
    env_files: list[str] | tuple[str, ...] = (),
    opts: pulumi.ResourceOptions | None = None,
) -> dict[str, Any]:
    """Read `path`, build it with the matching front-end, return the stack outputs."""
    parsed = parse_document(path)
    module = frontend_for(parsed.data)
    # Heat's parser keeps the last of duplicated keys (real templates rely on it); our own files refuse them.
    document = parsed.keep_last() if module.__name__ == "components.heat" else parsed.refuse_duplicates()
    kwargs: dict[str, Any] = {"path": str(path), "parameters": dict(parameters or {}), "opts": opts}
    if env_files:
        if module.__name__ != "components.heat":
            raise StackError("environment files apply to Heat/CFN templates only", file=str(path))
        kwargs["env_files"] = list(env_files)
    return module.build(document, **kwargs)


def stack_name_for(path: str) -> str:
    """Logical name of the top component: the file's stem."""
    return Path(path).stem
