"""Print a PlanDiff like `pulumi preview --diff`, or as JSON."""

from __future__ import annotations

import json

from components.diffing.engine import SYMBOLS, PlanDiff, ResourceDiff
from components.diffing.paths import show_value

PROP_SYMBOLS = {"add": "+", "delete": "-", "update": "~"}
LABELS = {"create": "to create", "update": "to update", "replace": "to replace", "delete": "to delete"}


def _op_label(step: ResourceDiff) -> str:
    label = step.op
    if step.op == "replace" and step.delete_before_replace:
        label = "replace, delete before create"
    if step.op == "delete" and step.retain_on_delete:
        label = "delete, retained in the cloud"
    return label


def _symbol(step: ResourceDiff) -> str:
    if step.op == "replace" and step.delete_before_replace:
        return "-+"
    return SYMBOLS[step.op]


def _resource_lines(step: ResourceDiff, indent: str) -> list[str]:
    lines = [f"{indent}{_symbol(step):<2} {step.type}: ({_op_label(step)}) {step.name}"]
    lines.append(f"{indent}       [urn={step.urn}]")
    for note in step.notes:
        lines.append(f"{indent}       [{note}]")
    for prop in step.properties:
        new = f"({prop.note})" if prop.unknown else show_value(prop.new)
        if prop.kind == "add":
            text = f"{prop.path}: {show_value(prop.new)}"
        elif prop.kind == "delete":
            text = f"{prop.path}: {show_value(prop.old)}"
        else:
            text = f"{prop.path}: {show_value(prop.old)} => {new}"
        flags = []
        if prop.replaces and not prop.ignored:
            flags.append("forces replacement")
        if prop.note and not prop.unknown:
            flags.append(prop.note)
        mark = " " if prop.ignored else PROP_SYMBOLS[prop.kind]
        lines.append(f"{indent}     {mark} {text}" + (f"   # {'; '.join(flags)}" if flags else ""))
    return lines


def render_text(diff: PlanDiff, *, show_same: bool = False) -> str:
    """Preview-style text: changed resources under their parents, then a count summary."""
    by_urn = {r.urn: r for r in diff.resources if r.op != "delete"}
    by_urn.update({r.urn: r for r in diff.resources if r.op == "delete" and r.urn not in by_urn})
    printed: set[str] = set()
    lines = [f"Previewing update: {diff.old_source} => {diff.new_source}", ""]

    def depth(step: ResourceDiff) -> int:
        n, parent = 0, step.parent
        while parent in by_urn and n < 50:
            n, parent = n + 1, by_urn[parent].parent
        return n

    def emit(step: ResourceDiff) -> None:
        if step.parent in by_urn and step.parent not in printed:
            emit(by_urn[step.parent])
        if step.urn in printed:
            return
        printed.add(step.urn)
        indent = "    " * depth(step)
        if step.op == "same" and not step.notes and not step.properties:
            lines.append(f"{indent}   {step.type}: (same) {step.name}")
        else:
            lines.extend(_resource_lines(step, indent))

    for step in diff.resources:
        if step.op != "same" or step.properties or show_same or step.notes:
            emit(step)
    if len(lines) == 2:
        lines.append("    no changes")
    counts = diff.counts()
    lines += ["", "Resources:"]
    for op in ("create", "update", "replace", "delete"):
        if counts[op]:
            lines.append(f"    {SYMBOLS[op]:<2} {counts[op]} {LABELS[op]}")
    changes = sum(counts[op] for op in LABELS)
    lines.append(f"    {changes} change{'s' if changes != 1 else ''}. {counts['same']} unchanged")
    return "\n".join(lines) + "\n"


def render_json(diff: PlanDiff) -> str:
    """The same diff as data."""
    return json.dumps(diff.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
