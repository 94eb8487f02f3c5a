"""Filing a report: validation, case numbers, retries, likely duplicates, attachments.

The informant's POST becomes a case, its sources, attachments and first event in one
transaction; the county's admins are told in the same transaction (the notification outbox).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grid.clocks import deadline_for
from grid.models import Clock, Level, Region, Role, User
from grid.validators import NUL_MESSAGE, has_nul
from notifications.services import notify_where
from reports.attachments import CheckedFile, check_attachments
from reports.hooks import after_submit_hooks
from reports.models import (
    MAX_IDEMPOTENCY_KEY,
    MAX_SOURCE_URLS,
    CaseCounter,
    Category,
    Grade,
    Report,
    ReportAttachment,
    ReportEvent,
    ReportSource,
    SourcePlatform,
    Status,
)
from reports.normalize import normalize_url, url_hash
from reports.rules import may_file
from reports.selectors import preload_related

# --- case numbers ----------------------------------------------------------------------------


def next_case_number(*, now: datetime) -> str:
    """The next human-readable case number, e.g. ``YZ-20261122-0042``.

    One UPSERT … RETURNING on a per-day counter row. Called outside the report's transaction,
    it commits at once, so the counter row is locked for microseconds and concurrent intake
    never waits on another report's transaction. A rolled-back intake leaves a gap, which case
    numbers tolerate; two reports never share a number (the column is unique as well).
    """
    day = timezone.localdate(now)
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, value) VALUES (%s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (day) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [day],
        )
        (value,) = cursor.fetchone()
    return f"{settings.GRID_CASE_PREFIX}-{day:%Y%m%d}-{value:04d}"


# --- intake ----------------------------------------------------------------------------------


def _content_hash(
    *,
    title: str,
    body: str,
    category: str,
    platform: str,
    urls: list[str],
    region_id: int,
    grade: str,
    discovered_at: datetime | None,
    files: list[str],
) -> str:
    """What a retry repeats exactly: everything the person sent, attachments by their SHA-256.

    The same text with other files (or another grade, another discovery time if one was
    given) is another report, never a retry that would drop what is new.
    """
    payload = json.dumps(
        [
            title,
            body,
            category,
            platform,
            sorted(urls),
            region_id,
            grade,
            discovered_at.isoformat() if discovered_at else None,
            sorted(files),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _county_of(region: Region) -> Region:
    if region.level == Level.COUNTY:
        return region
    county_code = region.ancestor_codes[1]
    return Region.objects.get(code=county_code)


class IdempotencyKeyReused(Exception):
    """The idempotency key of an earlier report came with other content (422).

    A key names one submission: a retry repeats it exactly. Other content under the same key
    is a client's mistake; filing it as new or answering with the first report would each
    lose something silently, so it is refused, naming the case the key filed.
    """

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            _(
                "This idempotency key was already used for case %(number)s, with other content "
                "or attachments. Nothing was filed: send it again with a new key to file it as "
                "a new report."
            )
            % {"number": report.case_number}
        )


def _find_retry(
    *, reporter: User, idempotency_key: str, content_hash: str, now: datetime
) -> Report | None:
    """The report a retry repeats: the same idempotency key, else the same content lately.

    One query while there is none (nearly always): within the window an informant has at most
    one report of given content (a second would have been a retry), so two rows hold both
    kinds of match. Only their ids are read; the report itself only for a retry. The same key
    with other content raises :class:`IdempotencyKeyReused`.
    """
    window = now - timedelta(seconds=settings.REPORT_RETRY_WINDOW_SECONDS)
    match = Q(content_hash=content_hash, created_at__gte=window)
    if idempotency_key:
        match |= Q(idempotency_key=idempotency_key)
    found = list(
        Report.objects.filter(match, reporter=reporter)
        .order_by("-created_at")
        .values_list("pk", "idempotency_key", "content_hash")[:2]
    )
    keyed = [(pk, h) for pk, key, h in found if idempotency_key and key == idempotency_key]
    if keyed and keyed[0][1] != content_hash:
        raise IdempotencyKeyReused(Report.objects.get(pk=keyed[0][0]))
    ids = [pk for pk, _h in keyed] or [pk for pk, _key, _h in found]
    return Report.objects.get(pk=ids[0]) if ids else None


def _likely_duplicate_id(*, hashes: list[str], now: datetime, county: Region) -> int | None:
    """The case a source link was last reported on lately (its original, if it was merged),
    in the new report's own county if it was reported there: a hint its admin may follow."""
    if not hashes:
        return None
    since = now - timedelta(days=settings.REPORT_DUPLICATE_WINDOW_DAYS)
    found = (
        ReportSource.objects.filter(url_hash__in=hashes, created_at__gte=since)
        .annotate(here=Case(When(report__county_id=county.pk, then=1), default=0))
        .order_by("-here", "-created_at")
        .values_list("report_id", "report__duplicate_of_id")
        .first()
    )
    if found is None:
        return None
    report_id, original_id = found
    return original_id or report_id


def _store_attachment(
    *, report: Report, number: int, checked: CheckedFile, by: User
) -> ReportAttachment:
    attachment = ReportAttachment(
        report=report,
        number=number,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        width=checked.width,
        height=checked.height,
        uploaded_by=by,
    )
    name = attachment.file.field.generate_filename(attachment, checked.name)
    # Content-addressed: the same bytes are stored once, whoever uploads them.
    if not default_storage.exists(name):
        name = default_storage.save(name, checked.upload)
    attachment.file.name = name
    attachment.save()
    return attachment


def _validate_intake(
    *,
    reporter: User,
    title: str,
    body: str,
    category: str,
    source_platform: str,
    source_urls: list[str],
    region: Region | None,
    suggested_grade: str,
    discovered_at: datetime,
    idempotency_key: str,
    now: datetime,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not may_file(reporter):
        raise PermissionDenied(_("Only informants, volunteers and grid heads file reports."))
    if not title.strip():
        errors.setdefault("title", []).append(_("Give the report a title."))
    if not body.strip():
        errors.setdefault("body", []).append(_("Describe what was found."))
    elif len(body) > settings.REPORT_BODY_MAX_CHARS:
        errors.setdefault("body", []).append(
            _("At most %(max)d characters: this text has %(n)d.")
            % {"max": settings.REPORT_BODY_MAX_CHARS, "n": len(body)}
        )
    if category not in Category.values:
        errors.setdefault("category", []).append(_("Choose a category."))
    if source_platform not in SourcePlatform.values:
        errors.setdefault("source_platform", []).append(_("Choose where it was found."))
    if suggested_grade not in Grade.values:
        errors.setdefault("suggested_grade", []).append(_("Choose a grade."))
    if len(source_urls) > MAX_SOURCE_URLS:
        errors.setdefault("source_urls", []).append(
            _("At most %(n)d source URLs.") % {"n": MAX_SOURCE_URLS}
        )
    for url in source_urls:
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            errors.setdefault("source_urls", []).append(
                _("%(url)s is not a web address.") % {"url": url[:80]}
            )
    if discovered_at > now + timedelta(minutes=5):
        errors.setdefault("discovered_at", []).append(_("Discovery time cannot be in the future."))
    elif discovered_at < now - timedelta(days=settings.REPORT_DISCOVERED_MAX_AGE_DAYS):
        errors.setdefault("discovered_at", []).append(
            _("Discovery time cannot be more than %(n)d days ago.")
            % {"n": settings.REPORT_DISCOVERED_MAX_AGE_DAYS}
        )
    if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        errors.setdefault("idempotency_key", []).append(
            _("An idempotency key has at most %(n)d characters.") % {"n": MAX_IDEMPOTENCY_KEY}
        )
    elif has_nul(idempotency_key):
        errors.setdefault("idempotency_key", []).append(str(NUL_MESSAGE))
    if region is None:
        errors.setdefault("region", []).append(_("Choose the village or township concerned."))
    elif region.level not in (Level.TOWNSHIP, Level.VILLAGE) or not region.is_within(
        reporter.region
    ):
        errors.setdefault("region", []).append(
            _("Choose a village or township within your jurisdiction.")
        )
    return errors


def report_submit(
    *,
    reporter: User,
    title: str,
    body: str,
    category: str,
    source_platform: str,
    source_urls: list[str] | None = None,
    region: Region | None = None,
    discovered_at: datetime | None = None,
    suggested_grade: str = Grade.GENERAL,
    attachments: list | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> tuple[Report, bool]:
    """File a report. Returns ``(report, created)``; a retried POST returns the first report.

    A retry is a POST with the same idempotency key, or the same informant sending identical
    content within ``REPORT_RETRY_WINDOW_SECONDS``; identical includes the attachments (by
    SHA-256), so the same text with other files is a new report. The same key with other
    content raises :class:`IdempotencyKeyReused`. The informant's row is locked for the
    insert, so two simultaneous retries still create one report. A new report comes with its
    sources, attachments and first event loaded (``report.sources.all()`` etc. read nothing).
    """
    now = now or timezone.now()
    source_urls = [u.strip() for u in (source_urls or []) if u and u.strip()]
    title, body = title.strip(), body.strip()
    region = region if region is not None else reporter.region
    given_discovered_at = discovered_at
    discovered_at = discovered_at or now
    idempotency_key = idempotency_key or ""
    errors = _validate_intake(
        reporter=reporter,
        title=title,
        body=body,
        category=category,
        source_platform=source_platform,
        source_urls=source_urls,
        region=region,
        suggested_grade=suggested_grade,
        discovered_at=discovered_at,
        idempotency_key=idempotency_key,
        now=now,
    )
    checked: list[CheckedFile] = []
    try:
        checked = check_attachments(list(attachments or []))
    except ValidationError as exc:
        errors.setdefault("attachments", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    content_hash = _content_hash(
        title=title,
        body=body,
        category=category,
        platform=source_platform,
        urls=source_urls,
        region_id=region.pk,
        grade=suggested_grade,
        discovered_at=given_discovered_at,
        files=[item.sha256 for item in checked],
    )
    # The disposal clock runs from discovery, by its rule (one indexed read, outside the lock).
    disposal_due = deadline_for(clock=Clock.DISPOSAL, start=discovered_at, grade=suggested_grade).at
    # Taken before the transaction (see next_case_number); a retry found below leaves a gap.
    case_number = next_case_number(now=now)
    hashes = [url_hash(u) for u in source_urls]
    try:
        with transaction.atomic():
            # Serialise one informant's submissions: the retry check below is then exact.
            User.objects.select_for_update().filter(pk=reporter.pk).values_list("pk").get()
            existing = _find_retry(
                reporter=reporter,
                idempotency_key=idempotency_key,
                content_hash=content_hash,
                now=now,
            )
            if existing is not None:
                return existing, False
            county = _county_of(region)
            report = Report.objects.create(
                case_number=case_number,
                created_at=now,
                title=title,
                body=body,
                category=category,
                source_platform=source_platform,
                discovered_at=discovered_at,
                suggested_grade=suggested_grade,
                region=region,
                region_path=region.path,
                county=county,
                reporter=reporter,
                idempotency_key=idempotency_key,
                content_hash=content_hash,
                disposal_due_at=disposal_due,
                likely_duplicate_of_id=_likely_duplicate_id(hashes=hashes, now=now, county=county),
            )
            sources = ReportSource.objects.bulk_create(
                [
                    ReportSource(
                        report=report, url=u, normalized_url=normalize_url(u)[:2000], url_hash=h
                    )
                    for u, h in zip(source_urls, hashes, strict=True)
                ]
            )
            stored = [
                _store_attachment(report=report, number=number, checked=item, by=reporter)
                for number, item in enumerate(checked, start=1)
            ]
            event = ReportEvent.objects.create(
                report=report,
                transition="submit",
                source="",
                target=Status.SUBMITTED,
                actor=reporter,
                at=now,
                # Not the likely duplicate: the case keeps it (``likely_duplicate_of``), and
                # each reader's history names it only if they may see it (reports.history).
                data={"attachments": len(checked)},
            )
            notify_where(
                recipients=User.objects.filter(
                    role=Role.COUNTY_ADMIN, region_id=report.county_id, is_active=True
                ),
                kind="report_submitted",
                subject=report.case_number,
                text=report.title,
                url=reverse("report-detail", args=[report.pk]),
            )
            for hook in after_submit_hooks():
                hook(report)
    except IntegrityError:
        # A concurrent retry with the same idempotency key won the race: return its report.
        existing = _find_retry(
            reporter=reporter, idempotency_key=idempotency_key, content_hash=content_hash, now=now
        )
        if existing is None:
            raise
        return existing, False
    # The new case comes with what was just written, so its answer needs no re-reading.
    preload_related(report, sources=sources, attachments=stored, events=[event])
    return report, True
