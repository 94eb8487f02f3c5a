"""Helpers to make reports through the real service (no shortcuts past the workflow)."""

from __future__ import annotations

import itertools

from reports.models import Report
from reports.services import report_submit

_seq = itertools.count(1)


def submit(informant, **overrides) -> Report:
    """File a report as ``informant`` with sensible defaults."""
    n = next(_seq)
    fields = {
        "title": f"网传某村道路塌陷 {n}",
        "body": "微信群内有人称村道塌陷，有车辆受损，需要核实。",
        "category": "negative",
        "source_platform": "wechat_group",
        "source_urls": [f"https://example.com/post/{n}"],
    }
    fields.update(overrides)
    report, _created = report_submit(reporter=informant, **fields)
    return report
