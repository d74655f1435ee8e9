"""Print a PlanDiff like `pulumi preview --diff`, or as JSON."""

from __future__ import annotations

import json

from openstack_stacks.tools.diffing.engine import SYMBOLS, PlanDiff, ResourceDiff
from openstack_stacks.tools.diffing.paths import show_value

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
    """Preview-style text: changed resources under their parents (tree order), then a count summary."""
    by_urn: dict[str, ResourceDiff] = {}
    for step in diff.resources:
        by_urn.setdefault(step.urn, step)
    children: dict[str | None, list[ResourceDiff]] = {}
    for step in by_urn.values():
        parent = step.parent if step.parent in by_urn and step.parent != step.urn else None
        children.setdefault(parent, []).append(step)

    def interesting(step: ResourceDiff, depth: int = 0) -> bool:
        if show_same or step.op != "same" or step.properties or step.notes:
            return True
        return depth < 50 and any(interesting(c, depth + 1) for c in children.get(step.urn, []))

    lines = [f"Previewing update: {diff.old_source} => {diff.new_source}", ""]

    def emit(step: ResourceDiff, depth: int) -> None:
        indent = "    " * depth
        if step.op == "same" and not step.notes and not step.properties:
            lines.append(f"{indent}   {step.type}: (same) {step.name}")
        else:
            lines.extend(_resource_lines(step, indent))
        for child in children.get(step.urn, []):
            if depth < 50 and interesting(child):
                emit(child, depth + 1)

    for root in children.get(None, []):
        if interesting(root):
            emit(root, 0)
    if len(lines) == 2:
        lines.append("    no changes")
    if diff.outputs:
        lines += ["", "Outputs:"]
        for key, change in diff.outputs.items():
            mark = "+" if change["old"] is None else "-" if change["new"] is None else "~"
            lines.append(f"  {mark} {key}: {show_value(change['old'])} => {show_value(change['new'])}")
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
