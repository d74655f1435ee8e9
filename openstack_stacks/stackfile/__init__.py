"""Front-end for plain stack files (the project's own YAML format)."""

from __future__ import annotations

from typing import Any

import pulumi

from openstack_stacks.stackfile.loader import StackSpec, load_stack_spec, read_document

__all__ = ["StackSpec", "build", "detect", "load_stack_spec", "read_document"]


DUPLICATE_KEYS = "refuse"  # a duplicated key in our own files is a mistake
ENVIRONMENT_FILES = False


def detect(document: dict[str, Any]) -> bool:
    """Plain stack files are the fallback front-end."""
    return True


def build(
    document: dict[str, Any],
    *,
    path: str,
    parameters: dict[str, Any],
    opts: pulumi.ResourceOptions | None = None,
    name: str = "stack",
    secret_parameters: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Validate the stack file and build its `Stack` component; returns the stack outputs."""
    from openstack_stacks.stackfile.stack import Stack, StackArgs

    spec = load_stack_spec(document, path, parameters, secret_parameters)
    stack = Stack(name, StackArgs(spec=spec), opts)
    return stack.outputs
