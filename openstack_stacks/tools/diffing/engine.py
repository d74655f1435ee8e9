"""Diff two plan.json documents the way `pulumi preview --diff` would judge them.

Per resource: create / update / replace / delete / same, with the property paths that caused it.
Replace versus update comes from the provider schema (`willReplaceOnChanges`, nested types included)
and the resource options (`replaceOnChanges`, `ignoreChanges`, `deleteBeforeReplace`, `protect`,
`retainOnDelete`). Offline IDs are deterministic, so an input holding another resource's ID is a
reference: when that resource is replaced its ID changes and the input becomes "known after replace".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from openstack_stacks.tools.diffing.matching import match_resources
from openstack_stacks.tools.diffing.paths import Step, covers, diff_values, format_path, parse_path
from openstack_stacks.tools.diffing.userdata import describe_user_data
from openstack_stacks.tools.schema import replaces_on_change

INSTANCE = "openstack:compute/instance:Instance"
VOLUME = "openstack:blockstorage/volume:Volume"
SYMBOLS = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": " "}
# In-place updates that are more than a metadata change: say what the cloud will do.
UPDATE_NOTES = {
    (INSTANCE, "flavorName"): "resize (Nova resizes the server in place; it reboots)",
    (INSTANCE, "flavorId"): "resize (Nova resizes the server in place; it reboots)",
    (INSTANCE, "imageName"): "rebuild (Nova rebuilds the server in place from the new image; root disk is wiped)",
    (INSTANCE, "imageId"): "rebuild (Nova rebuilds the server in place from the new image; root disk is wiped)",
    (VOLUME, "size"): "extend (Cinder grows the volume in place)",
    (VOLUME, "volumeType"): "retype (Cinder migrates the volume to the new type)",
}


@dataclass
class PropertyDiff:
    """One changed input path of a resource."""

    path: str
    kind: str  # add | delete | update
    old: Any
    new: Any
    replaces: bool
    ignored: bool = False
    unknown: bool = False  # the new value is only known after a dependency is replaced or created
    note: str | None = None


@dataclass
class ResourceDiff:
    """What happens to one resource."""

    op: str  # create | update | replace | delete | same
    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    old_urn: str | None = None
    old_name: str | None = None
    properties: list[PropertyDiff] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    protect: bool = False
    caused_by: list[str] = field(default_factory=list)  # replaced/created resources whose new ID flows in

    @property
    def changed_paths(self) -> list[str]:
        """Paths that count (not ignored)."""
        return [p.path for p in self.properties if not p.ignored]

    @property
    def replace_paths(self) -> list[str]:
        """Paths that force the replacement."""
        return [p.path for p in self.properties if p.replaces and not p.ignored]


@dataclass
class PlanDiff:
    """The diff of two plans: resource steps (NEW registration order, then deletions) and errors."""

    old_source: str
    new_source: str
    resources: list[ResourceDiff]
    errors: list[str]
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # changed stack outputs: {old, new}
    old_order: list[str] = field(default_factory=list)  # OLD URNs in registration order
    old_dependencies: dict[str, set[str]] = field(default_factory=dict)  # OLD URN -> URNs it needs

    def get(self, name: str, token: str | None = None) -> ResourceDiff:
        """The one step for this resource name (new name, or old name for a deletion)."""
        found = [r for r in self.resources if r.name == name and (token is None or r.type == token)]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}" + (f" of type {token}" if token else ""))
        return found[0]

    def by_op(self, op: str) -> list[ResourceDiff]:
        return [r for r in self.resources if r.op == op]

    def counts(self) -> dict[str, int]:
        out = {op: 0 for op in SYMBOLS}
        for res in self.resources:
            out[res.op] += 1
        return out

    @property
    def changed(self) -> bool:
        return any(r.op != "same" for r in self.resources)

    def operations(self) -> list[tuple[str, str]]:
        """The order the engine runs the steps in: (create|update|delete, urn), deletions last.

        Creates and updates follow registration order; a delete-before-replace deletes the old resource
        just before creating its replacement; create-before-delete replacements and removed resources are
        deleted at the end, each before everything it depends on (dependsOn, parent, referenced IDs).
        """
        ops: list[tuple[str, str]] = []
        deferred: list[str] = []
        for res in self.resources:
            if res.op == "create":
                ops.append(("create", res.urn))
            elif res.op == "update":
                ops.append(("update", res.urn))
            elif res.op == "replace" and res.delete_before_replace:
                ops.extend([("delete", res.old_urn or res.urn), ("create", res.urn)])
            elif res.op == "replace":
                ops.append(("create", res.urn))
                deferred.append(res.old_urn or res.urn)
            elif res.op == "delete":
                deferred.append(res.urn)
        ops.extend(("delete", urn) for urn in self._deletion_order(deferred))
        return ops

    def _deletion_order(self, urns: list[str]) -> list[str]:
        """Dependents before their dependencies; ties in reverse registration order."""
        order = {u: i for i, u in enumerate(self.old_order)}
        remaining = sorted(set(urns), key=lambda u: -order.get(u, 0))
        out: list[str] = []
        while remaining:
            blocked = {d for u in remaining for d in self.old_dependencies.get(u, ())}
            ready = [u for u in remaining if u not in blocked] or remaining[:1]  # a cycle: fall back
            out.extend(ready)
            remaining = [u for u in remaining if u not in ready]
        return out

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "old": self.old_source,
            "new": self.new_source,
            "changed": self.changed,
            "summary": counts,
            "errors": list(self.errors),
            "outputs": self.outputs,
            "resources": [asdict(r) for r in self.resources],
            "operations": [{"op": op, "urn": urn} for op, urn in self.operations()],
        }


def _walk(value: Any, path: tuple[Step, ...] = ()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _strings(value: Any) -> list[str]:
    """Every string inside `value` (what `_walk` yields, without building paths)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list):
        return []
    out: list[str] = []
    for item in value:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict | list):
            out.extend(_strings(item))
    return out


def _substitute(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: _substitute(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, mapping) for v in value]
    return value


def _get(value: Any, path: tuple[Step, ...]) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _patterns(entries: list[str]) -> list[tuple[Step, ...]]:
    out = []
    for entry in entries or []:
        try:
            out.append(parse_path(entry))
        except ValueError:
            out.append((entry,))
    return out


_UserDataIndex = tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]


def _user_data_index(plan: dict[str, Any]) -> _UserDataIndex:
    """A plan's user data records by instance URN, and by server name."""
    by_name = plan.get("userData") or {}
    return {rec.get("urn"): rec for rec in by_name.values() if isinstance(rec, dict)}, by_name


def _user_data_of(index: _UserDataIndex, res: dict[str, Any]) -> dict[str, Any] | None:
    """The user data record of this instance: by URN, else by name."""
    by_urn, by_name = index
    return by_urn.get(res["urn"]) or by_name.get(res["name"])


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self.old_res: list[dict[str, Any]] = old.get("resources", [])
        self.new_res: list[dict[str, Any]] = new.get("resources", [])
        self.matched = match_resources(self.old_res, self.new_res)
        self.old_by_urn = {r["urn"]: r for r in self.old_res}
        self.new_by_urn = {r["urn"]: r for r in self.new_res}
        # A continuing resource keeps its cloud ID: NEW inputs referring to it are rewritten to the old ID.
        self.id_map: dict[str, str] = {}
        self.created_ids: dict[str, str] = {}
        for res in self.new_res:
            prev = self.matched.get(res["urn"])
            if res.get("id") and prev is not None and prev.get("id") and prev["id"] != res["id"]:
                self.id_map[res["id"]] = prev["id"]
            elif res.get("id") and prev is None:
                self.created_ids[res["id"]] = res["name"]
        self.replaced_ids: dict[str, str] = {}
        self.errors: list[str] = []
        # User data records by URN (and by server name), once per plan: not a scan per changed server.
        self.old_user_data, self.new_user_data = _user_data_index(old), _user_data_index(new)

    def run(self) -> PlanDiff:
        steps = [self._step(res) for res in self.new_res]
        gone = set(self.old_by_urn) - {r["urn"] for r in self.matched.values()}
        steps += [self._deleted(r) for r in self.old_res if r["urn"] in gone]
        for step in steps:
            self._check_protect(step)
            self._check_shrink(step)
        return PlanDiff(str(self.old.get("source", "OLD")), str(self.new.get("source", "NEW")), steps,
                        self.errors, self._outputs(), [r["urn"] for r in self.old_res], self._old_dependencies())

    def _outputs(self) -> dict[str, dict[str, Any]]:
        old, new = self.old.get("outputs") or {}, self.new.get("outputs") or {}
        return {key: {"old": old.get(key), "new": new.get(key)} for key in sorted(set(old) | set(new), key=str)
                if diff_values(old.get(key), new.get(key))}

    def _old_dependencies(self) -> dict[str, set[str]]:
        by_id = {r["id"]: r["urn"] for r in self.old_res if r.get("id")}
        deps: dict[str, set[str]] = {}
        for res in self.old_res:
            needs = set((res.get("options") or {}).get("dependsOn", []))
            if res.get("parent") in self.old_by_urn:
                needs.add(res["parent"])
            needs |= {by_id[v] for v in _strings(res.get("inputs") or {}) if v in by_id}
            needs.discard(res["urn"])
            deps[res["urn"]] = needs
        return deps

    def _step(self, res: dict[str, Any]) -> ResourceDiff:
        opts = res.get("options") or {}
        prev = self.matched.get(res["urn"])
        step = ResourceDiff(
            op="create" if prev is None else "same", urn=res["urn"], type=res["type"], name=res["name"],
            custom=bool(res.get("custom")), parent=res.get("parent"),
            old_urn=prev["urn"] if prev else None,
            old_name=prev["name"] if prev and prev["name"] != res["name"] else None,
            delete_before_replace=bool(opts.get("deleteBeforeReplace")),
            retain_on_delete=bool(opts.get("retainOnDelete")), protect=bool(opts.get("protect")),
        )
        if prev is None:
            return step
        if step.old_name:
            step.notes.append(f"renamed from '{prev['name']}' (alias), same cloud resource")
        if prev["type"] != res["type"]:
            step.notes.append(f"type changed from {prev['type']} (alias)")
        if not step.custom:
            return step
        self._judge(step, prev, res)
        self._note_options(step, prev.get("options") or {}, opts)
        return step

    def _judge(self, step: ResourceDiff, prev: dict[str, Any], res: dict[str, Any]) -> None:
        opts = res.get("options") or {}
        new_inputs = res.get("inputs") or {}
        if self.id_map:
            new_inputs = _substitute(new_inputs, self.id_map)
        old_inputs = prev.get("inputs") or {}
        # Equal inputs (most of a large stack) need no walk: dict equality runs in C.
        changes = {} if old_inputs == new_inputs else {c.path: c for c in diff_values(old_inputs, new_inputs)}
        found: list[PropertyDiff] = []
        for path, change in changes.items():
            found.append(PropertyDiff(format_path(path), change.kind, change.old, change.new, False))
        # Inputs holding the ID of a replaced (or newly created) resource are unknown until it exists.
        pending = self.replaced_ids or self.created_ids
        mentions = pending and any(v in self.replaced_ids or v in self.created_ids for v in _strings(new_inputs))
        for path, value in (_walk(new_inputs) if mentions else ()):
            if not isinstance(value, str) or not path:
                continue
            source = self.replaced_ids.get(value) or self.created_ids.get(value)
            if source is None:
                continue
            if any(path[:k] in changes for k in range(1, len(path) + 1)):  # already shown as a change
                step.caused_by.append(source)
                continue
            verb = "replace" if value in self.replaced_ids else "create"
            found.append(PropertyDiff(format_path(path), "update", _get(old_inputs, path), None, False,
                                      unknown=True, note=f"known after {verb} of '{source}'"))
            step.caused_by.append(source)
        step.caused_by = sorted(set(step.caused_by))
        ignore = _patterns(opts.get("ignoreChanges", []))
        force = _patterns(opts.get("replaceOnChanges", []))
        for prop in found:
            steps = parse_path(prop.path) if prop.path else ()
            prop.ignored = any(covers(p, steps) for p in ignore)
            prop.replaces = replaces_on_change(res["type"], list(steps)) or any(covers(p, steps) for p in force)
            if not prop.replaces:  # a forced replacement (replaceOnChanges) does not resize or rebuild
                prop.note = prop.note or UPDATE_NOTES.get((res["type"], prop.path))
            if prop.path == "userData":
                prop.note = self._user_data_note(prev, res, prop.ignored)
            if prop.ignored and prop.path != "userData":
                prop.note = "ignored (ignoreChanges)"
        step.properties = sorted(found, key=lambda p: p.path)
        live = [p for p in step.properties if not p.ignored]
        if any(p.replaces for p in live):
            step.op = "replace"
            if prev.get("id"):
                self.replaced_ids[prev["id"]] = res["name"]
        elif live:
            step.op = "update"
        if step.op == "replace" and res["type"] == INSTANCE and any(
                p.replaces and p.path.startswith("networks") for p in live):
            step.notes.append("a boot NIC changed (networks replace the server); a NIC added to a running "
                              "server is declared with `hotplug: true` (attached, no replacement)")
        if step.op == "replace" and step.delete_before_replace:
            step.notes.append("delete before replace: the old resource goes first, then the new one is created")

    def _user_data_note(self, prev: dict[str, Any], res: dict[str, Any], ignored: bool) -> str:
        detail = describe_user_data(_user_data_of(self.old_user_data, prev), _user_data_of(self.new_user_data, res))
        if ignored:
            return f"ignored (user_data_update_policy: IGNORE): {detail}; only new servers get it"
        return detail

    @staticmethod
    def _note_options(step: ResourceDiff, old: dict[str, Any], new: dict[str, Any]) -> None:
        for key in ("protect", "retainOnDelete", "deleteBeforeReplace"):
            if bool(old.get(key)) != bool(new.get(key)):
                step.notes.append(f"option {key}: {bool(old.get(key))} => {bool(new.get(key))}")
        for key in ("ignoreChanges", "replaceOnChanges"):
            if sorted(old.get(key) or []) != sorted(new.get(key) or []):
                step.notes.append(f"option {key}: {old.get(key) or []} => {new.get(key) or []}")

    def _deleted(self, res: dict[str, Any]) -> ResourceDiff:
        opts = res.get("options") or {}
        step = ResourceDiff(op="delete", urn=res["urn"], type=res["type"], name=res["name"],
                            custom=bool(res.get("custom")), parent=res.get("parent"), old_urn=res["urn"],
                            retain_on_delete=bool(opts.get("retainOnDelete")), protect=bool(opts.get("protect")),
                            delete_before_replace=bool(opts.get("deleteBeforeReplace")))
        if step.retain_on_delete:
            step.notes.append("delete (retained in the cloud): removed from the stack, the cloud resource stays")
        return step

    def _check_shrink(self, step: ResourceDiff) -> None:
        """Cinder extends a volume in place but cannot shrink one: a smaller size is refused like a delete."""
        if step.type != VOLUME or step.op not in ("update", "replace"):
            return
        size = next((p for p in step.properties if p.path == "size" and not p.ignored), None)
        if size is None or not all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                   for v in (size.old, size.new)) or size.new >= size.old:
            return
        old_gb, new_gb = f"{size.old:g}", f"{size.new:g}"  # plan numbers may come back as floats
        size.note = f"shrink from {old_gb} to {new_gb} GB: Cinder cannot shrink a volume"
        old = self.old_by_urn.get(step.old_urn or "") or {}
        protected = bool((old.get("options") or {}).get("protect"))
        if step.op == "update" or protected:
            self.errors.append(
                f"{step.type} '{step.name}' would shrink from {old_gb} to {new_gb} GB"
                f"{' (protected)' if protected else ''}: "
                "Cinder cannot shrink a volume and the data on it would not fit. Keep the size, or create a new, "
                "smaller volume beside it, copy the data, then retire the old one (`protect: false` first)")

    def _check_protect(self, step: ResourceDiff) -> None:
        old = self.old_by_urn.get(step.old_urn or "") or {}
        old_protect = bool((old.get("options") or {}).get("protect"))
        what = f"{step.type} '{step.name}'"
        if step.op == "delete" and old_protect:
            self.errors.append(
                f"{what} is protected and would be deleted. To allow it, first apply the stack with "
                f"`protect: false` on it (Pulumi option protect=False), then remove it; or apply it first with "
                f"`deletion_policy: Retain` and no `protect` (retainOnDelete): it then leaves the stack but "
                f"stays in the cloud")
        elif step.op == "replace" and old_protect and step.protect:
            paths = ", ".join(step.replace_paths) or "a replaced dependency"
            self.errors.append(
                f"{what} is protected and would be replaced (because of {paths}). To allow it, set "
                f"`protect: false` on it in the stack file (Pulumi option protect=False) in the same change")
        if step.op == "replace" and step.type == VOLUME and (old.get("options") or {}).get("retainOnDelete"):
            step.notes.append("the old volume stays in the cloud with its data (retainOnDelete), detached; the "
                              "replacement starts empty")


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    """Diff two plan.json documents (dicts)."""
    for name, doc in (("OLD", old), ("NEW", new)):
        if not isinstance(doc, dict) or not isinstance(doc.get("resources"), list):
            raise ValueError(f"{name} is not a plan.json document (no 'resources' list)")
    return _Differ(old, new).run()
