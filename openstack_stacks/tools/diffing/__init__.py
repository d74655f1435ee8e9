"""Offline diff of two plans (issue 6): matching, property paths, replace rules, text/JSON output."""

from openstack_stacks.tools.diffing.engine import PlanDiff, PropertyDiff, ResourceDiff, diff_plans
from openstack_stacks.tools.diffing.report import render_json, render_text

__all__ = ["PlanDiff", "PropertyDiff", "ResourceDiff", "diff_plans", "render_json", "render_text"]
