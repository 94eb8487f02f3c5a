"""The access log: who read which cases and lists of people, when, from where, allowed or not.

Confidential data is need-to-know (domain.md, Confidentiality), so reads are recorded in the
database (:class:`grid.models.AccessRecord`), not on a log line. A view says what it showed,
explicitly, once it knows::

    from grid import audit
    audit.record(request, kind=AccessKind.CASE_LIST, case_ids=[r.pk for r in page])
    audit.record(request, kind=AccessKind.CASE_READ, case_ids=[pk], allowed=False)  # refused

:func:`record` only appends to the request; :class:`AccessLogMiddleware` writes what the
request recorded with one ``bulk_create`` when the answer is ready (an error answer too), with
the answer's status, so a read costs one ``INSERT`` per request and a request that read nothing
costs none. If the insert fails the request fails: a read that cannot be recorded is not
served. Refused attempts (a case outside one's jurisdiction, an action one may not take) are
recorded by the views that refuse them, with the case id asked for.

Records are kept ``ACCESS_LOG_RETENTION_DAYS`` days (:func:`access_log_prune`, run daily by
``grid.tasks.prune_access_log`` and by ``manage.py prune_access_log``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from grid.client_address import client_address
from grid.errors import refusal_for
from grid.models import AccessKind, AccessRecord

_ATTRIBUTE = "_access_records"
# Kept readable (Chinese stays Chinese) and unambiguous: control characters (a NUL cannot be
# stored in PostgreSQL text), spaces and the query's own separators are percent-encoded.
_ESCAPED = re.compile(r"[\x00-\x20\x7f-\x9f%&=+#]")


@dataclass
class _Pending:
    user_id: int | None
    at: datetime
    kind: str
    query: str
    case_ids: str
    allowed: bool


def _escape(text: str) -> str:
    return _ESCAPED.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), text)


def query_text(query: QueryDict | dict | None) -> str:
    """A list's query (``request.GET``, a DRF request's ``query_params``) as the log keeps it:
    ``name=value&…`` in the order given, percent-encoding only what would be ambiguous or
    unprintable, cut to ``AccessRecord.QUERY_MAX`` characters."""
    if not query:
        return ""
    pairs = query.lists() if hasattr(query, "lists") else ((k, [v]) for k, v in query.items())
    text = "&".join(
        f"{_escape(str(name))}={_escape(str(value))}" for name, values in pairs for value in values
    )
    return text[: AccessRecord.QUERY_MAX]


def _ids_text(case_ids: Iterable[int]) -> str:
    ids = [str(int(i)) for i in case_ids]
    return f",{','.join(ids)}," if ids else ""


def record(
    request,
    *,
    kind: AccessKind | str,
    case_ids: Iterable[int] = (),
    query: QueryDict | dict | None = None,
    allowed: bool = True,
) -> None:
    """Note that ``request`` read (or was refused, ``allowed=False``) ``kind``: the cases
    ``case_ids`` (those shown or asked for), a list's ``query`` (default: the request's own
    query string). Written when the answer is ready (:class:`AccessLogMiddleware`).

    ``request`` is Django's or DRF's request.
    """
    django_request = getattr(request, "_request", request)
    user = getattr(request, "user", None)
    if query is None:
        query = django_request.GET
    pending = _Pending(
        user_id=user.pk if user is not None and user.is_authenticated else None,
        at=timezone.now(),
        kind=str(kind),
        query=query_text(query),
        case_ids=_ids_text(case_ids),
        allowed=allowed,
    )
    records = django_request.__dict__.setdefault(_ATTRIBUTE, [])
    records.append(pending)


def recorded(request) -> list:
    """What ``request`` recorded so far and has not written yet (for tests and the middleware)."""
    return getattr(getattr(request, "_request", request), _ATTRIBUTE, [])


def _stored_address(request: HttpRequest) -> str | None:
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def flush(request: HttpRequest, response: HttpResponse | None) -> int:
    """Write what ``request`` recorded, in one ``INSERT``; the number of rows written."""
    pending = request.__dict__.pop(_ATTRIBUTE, None)
    if not pending:
        return 0
    address = _stored_address(request)
    path = _escape(request.path)[: AccessRecord.PATH_MAX]
    status = response.status_code if response is not None else None
    AccessRecord.objects.bulk_create(
        [
            AccessRecord(
                user_id=item.user_id,
                at=item.at,
                address=address,
                kind=item.kind,
                path=path,
                query=item.query,
                case_ids=item.case_ids,
                allowed=item.allowed,
                status=status,
            )
            for item in pending
        ]
    )
    return len(pending)


class AccessLogMiddleware:
    """Writes each request's access records once its answer is ready (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        flush(request, response)
        return response


def access_log_prune(*, now: datetime, days: int | None = None, batch_size: int = 5000) -> int:
    """Delete records older than ``days`` (``ACCESS_LOG_RETENTION_DAYS``) before ``now``, in
    batches of ``batch_size`` rows (each batch its own short statement); the number deleted.

    Idempotent: a second run finds nothing more to delete.
    """
    if days is None:
        days = settings.ACCESS_LOG_RETENTION_DAYS
    cutoff = now - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            AccessRecord.objects.filter(at__lt=cutoff)
            .order_by("at", "id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return deleted
        count, _rows = AccessRecord.objects.filter(pk__in=ids).delete()
        deleted += count


def is_refusal(exc: BaseException) -> bool:
    """True if ``exc`` refuses access (404: not in your jurisdiction; 403: you may not), which
    a view records as ``allowed=False`` before letting it answer (:mod:`grid.errors`)."""
    refusal = refusal_for(exc)
    return refusal is not None and refusal.status in (403, 404)
