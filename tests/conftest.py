"""Shared fixtures: render helpers over the real program (`__main__.py`) under Pulumi's mocks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def write_stack(tmp_path: Path):
    """Write a stack file (dedented YAML) into a temp dir and return its path."""

    def write(text: str, name: str = "stack.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text))
        return path

    return write


@pytest.fixture
def render():
    """`openstack_stacks.tools.offline.render`, imported lazily."""
    from openstack_stacks.tools.offline import render as do_render

    return do_render
