"""Heat (HOT) and CloudFormation template front-end: `detect(document)` and `build(document, ...)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from openstack_stacks.heat import resources  # noqa: F401 - registers the plugins
from openstack_stacks.heat.builder import build_template, outputs_of
from openstack_stacks.heat.environment import Environment
from openstack_stacks.heat.template import is_template, parse

# What the program must know of this front-end (declared here, not checked by module name):
DUPLICATE_KEYS = "keep_last"  # Heat's parser keeps the last of duplicated keys; real templates rely on it
ENVIRONMENT_FILES = True  # `-e` / config `environment` files apply


def detect(document: dict[str, Any]) -> bool:
    """True for HOT (`heat_template_version`) and CFN (`AWSTemplateFormatVersion`/`HeatTemplateFormatVersion`)."""
    return is_template(document)


def build(document: dict[str, Any], *, path: str, parameters: dict[str, object],
          opts: pulumi.ResourceOptions | None = None, env_files: list[str] | tuple[str, ...] = (),
          secret_parameters: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Build the template's resources (logical names = template resource names); return its outputs."""
    template = parse(document, path)
    environment = Environment.load(list(env_files))
    scope = build_template(template, dict(parameters), stack_name=Path(path).stem, prefix="",
                           environment=environment, opts=opts, secret_names=secret_parameters)
    return outputs_of(scope)
