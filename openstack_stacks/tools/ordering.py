"""A canonical order for the recorded registrations, so plan.json is byte-stable from run to run.

The SDK registers a resource once its inputs and dependencies resolve; which of two independent resources
reaches the monitor first depends on how the event loop interleaves their awaits (it varied between
renders of kollacluster.yaml in one process: `kolla_nodes-0-kolla_node_floating` before or after
`kolla_nodes-0-kolla_node`). Every registration order the SDK can produce is a topological order of the
dependency graph (parent, dependsOn, property dependencies); the canonical one picks, among the resources
whose dependencies are placed, the one the program constructed first (resources constructed by the program
body itself, in that order), then any constructed later (inside an apply) by URN.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulumi.resource as pulumi_resource


class ConstructionOrder:
    """Records the order in which the program body constructs resources, by (type, name)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], list[int]] = {}
        self.counter = 0
        self.recording = False

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Count constructions made through `pulumi.resource.register_resource` while active."""
        original = pulumi_resource.register_resource

        def counted(res: Any, ty: str, name: str, *args: Any, **kwargs: Any) -> Any:
            if self.recording:
                self.seen.setdefault((ty, name), []).append(self.counter)
                self.counter += 1
            return original(res, ty, name, *args, **kwargs)

        pulumi_resource.register_resource = counted
        try:
            yield
        finally:
            pulumi_resource.register_resource = original

    @contextmanager
    def body(self) -> Iterator[None]:
        """Mark the synchronous run of the program body."""
        self.recording = True
        try:
            yield
        finally:
            self.recording = False


def canonical(records: list[dict[str, Any]], order: ConstructionOrder) -> list[dict[str, Any]]:
    """`records` (each with urn, type, name, parent, options.dependsOn) in the canonical order."""
    queues = {key: list(seqs) for key, seqs in order.seen.items()}
    rank: dict[str, tuple[int, str]] = {}
    for rec in records:  # the n-th registration of a (type, name) is its n-th construction
        seqs = queues.get((rec["type"], rec["name"]))
        seq = seqs.pop(0) if seqs else 1 << 62
        rank[rec["urn"]] = (seq, rec["urn"])
    by_urn = {rec["urn"]: rec for rec in records}
    needs: dict[str, set[str]] = {}
    for rec in records:
        deps = set(rec["options"].get("dependsOn") or [])
        if rec.get("parent"):
            deps.add(rec["parent"])
        needs[rec["urn"]] = {d for d in deps if d in by_urn and d != rec["urn"]}
    dependents: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for urn, deps in needs.items():
        for dep in deps:
            dependents[dep].append(urn)
    waiting = {urn: len(deps) for urn, deps in needs.items()}
    ready = [rank[urn] for urn, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[dict[str, Any]] = []
    while ready:
        _, urn = heapq.heappop(ready)
        out.append(by_urn[urn])
        for child in dependents[urn]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, rank[child])
    if len(out) != len(records):  # a cycle cannot be registered; keep what was recorded
        return records
    return out
