"""Template filters of duty's pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def due_text(value: datetime | None) -> str:
    """A due time as people say it: "12月3日 15:00"; a deadline at midnight is the end of the
    day before ("11月30日 24:00"), not the start of the next one."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        day = formats.date_format(local - timedelta(days=1), "MONTH_DAY_FORMAT")
        return f"{day} 24:00"
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"
