"""Heat environment files: parameters, parameter_defaults and resource_registry."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from components.errors import StackError
from openstack_stacks.stackfile.loader import parse_document

SECTIONS = {"parameters", "parameter_defaults", "resource_registry", "encrypted_param_names", "event_sinks",
            "parameter_merge_strategies"}


class Environment:
    """Merged environment files (later files win, as with `openstack stack create -e a -e b`)."""

    def __init__(self) -> None:
        self.parameters: dict[str, Any] = {}
        self.parameter_defaults: dict[str, Any] = {}
        self.registry: dict[str, str] = {}
        self.base_dir: Path = Path.cwd()
        self.sources: dict[str, str] = {}

    @classmethod
    def load(cls, paths: list[str] | tuple[str, ...]) -> Environment:
        env = cls()
        for path in paths:
            doc = parse_document(path).keep_last()
            unknown = sorted(set(doc) - SECTIONS)
            if unknown:
                raise StackError(f"unknown environment section(s): {', '.join(unknown)}", file=str(path))
            env.parameters.update(doc.get("parameters") or {})
            env.parameter_defaults.update(doc.get("parameter_defaults") or {})
            for key, value in (doc.get("resource_registry") or {}).items():
                if key == "resources" or not isinstance(value, str):
                    raise StackError(f"resource_registry entry {key!r}: only type -> template/type mappings are "
                                     "supported", file=str(path))
                env.registry[key] = value
                env.sources[key] = str(path)
            env.base_dir = Path(path).resolve().parent
        return env

    def parameter_defaults_for(self, declared: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in self.parameter_defaults.items() if k in declared}

    def file_for(self, type_name: str) -> str | None:
        """The environment file whose resource_registry maps `type_name` (exact or by glob)."""
        if type_name in self.sources:
            return self.sources[type_name]
        for pattern, source in self.sources.items():
            if "*" in pattern and fnmatch.fnmatchcase(type_name, pattern):
                return source
        return None

    def maps(self, type_name: str) -> bool:
        return self.map_type(type_name) != type_name

    def map_type(self, type_name: str) -> str:
        """Apply resource_registry (exact names, then `OS::Foo::*` globs) once."""
        if type_name in self.registry:
            return self.registry[type_name]
        for pattern, target in self.registry.items():
            if "*" in pattern and fnmatch.fnmatchcase(type_name, pattern):
                return target.replace("*", type_name.rsplit("::", 1)[-1]) if "*" in target else target
        return type_name
