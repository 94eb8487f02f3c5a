"""Reading what a page or the API sent, after the 404/409/403 checks: a bad value is a 400
naming its field (``ValidationError``), never a 500."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

MAX_ID = 2**31 - 1


def as_id(value: Any, field: str, *, required: bool = True) -> int | None:
    """A primary key, or None when not required and empty."""
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    if isinstance(value, bool):
        raise ValidationError({field: [_("Not a valid choice.")]})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Not a valid choice.")]}) from None
    if not 0 < number <= MAX_ID:
        raise ValidationError({field: [_("Not a valid choice.")]})
    return number


def as_ids(values: Any, field: str) -> list[int]:
    """A list of primary keys (a list, or one comma-separated string)."""
    if values in (None, ""):
        return []
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, list | tuple):
        raise ValidationError({field: [_("A list of people is expected.")]})
    return [as_id(v, field) for v in values]


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def as_datetime(value: Any, field: str) -> datetime | None:
    """An aware time (a local one if no offset is given), or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({field: [_("Enter a valid date and time.")]})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def as_date(value: Any, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        parsed = parse_date(str(value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None or not 2000 <= parsed.year <= 2100:
        raise ValidationError({field: [_("Enter a valid date.")]})
    return parsed


def as_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value).strip().lower()
    if text in ("true", "1", "yes", "on", "approve"):
        return True
    if text in ("false", "0", "no", "off", "reject"):
        return False
    raise ValidationError({field: [_("Say yes or no.")]})
