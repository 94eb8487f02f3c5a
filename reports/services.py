"""Writes on reports. The only way a report is created or changes state.

Views, API views, admin actions and Celery tasks all call these functions. Each transition
service locks the row, checks the state (409), the permission (403) and the payload (400),
applies the pure transition, saves, appends a :class:`ReportEvent`, and schedules side effects
with ``transaction.on_commit``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from grid.models import Level, Region, Role, Unit, UnitKind, User
from notifications.services import notify, notify_where
from reports.attachments import CheckedFile, check_attachments
from reports.models import (
    CaseCounter,
    Grade,
    RejectKind,
    Report,
    ReportAmendment,
    ReportAttachment,
    ReportEvent,
    ReportSource,
    Status,
)
from reports.normalize import normalize_url, url_hash
from reports.rules import may_file
from reports.selectors import preload_related

MAX_SOURCE_URLS = 10

# Transitions whose events the reporter does not see in "My reports".
INTERNAL_TRANSITIONS = {"route", "bounce"}


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
    *, title: str, body: str, category: str, platform: str, urls: list[str], region_id: int
) -> str:
    payload = json.dumps(
        [title, body, category, platform, sorted(urls), region_id], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _county_of(region: Region) -> Region:
    if region.level == Level.COUNTY:
        return region
    county_code = region.ancestor_codes[1]
    return Region.objects.get(code=county_code)


def _find_retry(
    *, reporter: User, idempotency_key: str, content_hash: str, now: datetime
) -> Report | None:
    """The report a retry repeats: the same idempotency key, else the same content lately.

    One query while there is none (nearly always): within the window an informant has at most
    one report of given content (a second would have been a retry), so two rows hold both
    kinds of match. Only their ids are read; the report itself only for a retry.
    """
    window = now - timedelta(seconds=settings.REPORT_RETRY_WINDOW_SECONDS)
    match = Q(content_hash=content_hash, created_at__gte=window)
    if idempotency_key:
        match |= Q(idempotency_key=idempotency_key)
    found = list(
        Report.objects.filter(match, reporter=reporter)
        .order_by("-created_at")
        .values_list("pk", "idempotency_key")[:2]
    )
    keyed = [pk for pk, key in found if idempotency_key and key == idempotency_key]
    ids = keyed or [pk for pk, _key in found]
    return Report.objects.get(pk=ids[0]) if ids else None


def _likely_duplicate_id(*, hashes: list[str], now: datetime) -> int | None:
    """The case a source link was last reported on lately (its original, if it was merged)."""
    if not hashes:
        return None
    since = now - timedelta(days=settings.REPORT_DUPLICATE_WINDOW_DAYS)
    found = (
        ReportSource.objects.filter(url_hash__in=hashes, created_at__gte=since)
        .order_by("-created_at")
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
    now: datetime,
) -> dict[str, list[str]]:
    from reports.models import Category, SourcePlatform

    errors: dict[str, list[str]] = {}
    if not may_file(reporter):
        raise PermissionDenied(_("Only informants, volunteers and grid heads file reports."))
    if not title.strip():
        errors.setdefault("title", []).append(_("Give the report a title."))
    if not body.strip():
        errors.setdefault("body", []).append(_("Describe what was found."))
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
    content within ``REPORT_RETRY_WINDOW_SECONDS``. The informant's row is locked for the
    insert, so two simultaneous retries still create one report. A new report comes with its
    sources, attachments and first event loaded (``report.sources.all()`` etc. read nothing).
    """
    now = now or timezone.now()
    source_urls = [u.strip() for u in (source_urls or []) if u and u.strip()]
    title, body = title.strip(), body.strip()
    region = region if region is not None else reporter.region
    discovered_at = discovered_at or now
    idempotency_key = (idempotency_key or "")[:64]
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
    )
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
                county=_county_of(region),
                reporter=reporter,
                idempotency_key=idempotency_key,
                content_hash=content_hash,
                disposal_due_at=discovered_at + timedelta(hours=settings.REPORT_DISPOSAL_HOURS),
                likely_duplicate_of_id=_likely_duplicate_id(hashes=hashes, now=now),
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
                data={
                    "attachments": len(checked),
                    "likely_duplicate_of": report.likely_duplicate_of_id,
                },
            )
            _notify_role(
                report, Role.COUNTY_ADMIN, region_id=report.county_id, kind="report_submitted"
            )
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


# --- transitions -----------------------------------------------------------------------------


def _transition(
    *,
    report_id: int,
    by: User,
    name: str,
    apply: Callable[[Report], dict | None],
    comment: str = "",
    now: datetime | None = None,
    validate: Callable[[Report], None] | None = None,
) -> Report:
    """Lock, check state (409) and permission (403), validate (400), apply, save, log."""
    with transaction.atomic():
        report = Report.objects.visible_to(by).select_for_update().filter(pk=report_id).first()
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        # Read the clock only once the row is ours, so events of one case are in time order.
        now = now or timezone.now()
        method = getattr(report, name)
        if not can_proceed(method):
            raise TransitionNotAllowed(
                _("This case is %(status)s; it cannot be changed that way now.")
                % {"status": report.get_status_display()}
            )
        if not has_transition_perm(method, by):
            raise PermissionDenied(_("You may not do this to this case."))
        if validate is not None:
            validate(report)
        source = report.status
        data = apply(report) or {}
        if report.disposal_reported_at is None and source == Status.SUBMITTED:
            report.disposal_reported_at = now
        report.save()
        ReportEvent.objects.create(
            report=report,
            transition=name,
            source=source,
            target=report.status,
            actor=by,
            at=now,
            comment=comment,
            data=data,
            internal=name in INTERNAL_TRANSITIONS,
        )
        _after_transition(report, name)
    return report


def _require(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


def report_accept_local(
    *, report_id: int, by: User, unit_id: int, comment: str = "", now: datetime | None = None
) -> Report:
    """County admin assigns the case to a township or county unit inside the county."""
    unit = (
        Unit.objects.filter(pk=unit_id, is_active=True).select_related("region").first()
        if unit_id
        else None
    )

    def validate(report: Report) -> None:
        if (
            unit is None
            or not unit.region.path.startswith(report.county.path)
            or unit.kind not in (UnitKind.TOWNSHIP, UnitKind.DEPARTMENT)
        ):
            raise ValidationError({"unit": [_("Choose a township or county unit of this county.")]})

    def apply(report: Report) -> dict:
        report.accept_local(unit=unit)
        return {"unit": unit.pk, "unit_name": unit.name}

    return _transition(
        report_id=report_id,
        by=by,
        name="accept_local",
        apply=apply,
        validate=validate,
        comment=comment,
        now=now,
    )


def report_escalate(
    *, report_id: int, by: User, reason: str, now: datetime | None = None
) -> Report:
    """Send the case to the city duty queue; a reason is required."""
    reason = _require(reason, "reason", _("Say why the case goes to the city."))
    return _transition(
        report_id=report_id,
        by=by,
        name="escalate",
        apply=lambda r: r.escalate(),
        comment=reason,
        now=now,
    )


def report_return_for_info(
    *, report_id: int, by: User, reason: str, now: datetime | None = None
) -> Report:
    """Ask the reporter for more information; the question is shown to them."""
    reason = _require(reason, "reason", _("Say what information is missing."))
    return _transition(
        report_id=report_id,
        by=by,
        name="return_for_info",
        apply=lambda r: r.return_for_info(),
        comment=reason,
        now=now,
    )


def report_resubmit(
    *, report_id: int, by: User, supplement: str, now: datetime | None = None
) -> Report:
    """The reporter answers; the supplement is kept beside the unchanged original text."""
    supplement = _require(supplement, "supplement", _("Add the information that was asked for."))

    def apply(report: Report) -> dict:
        report.resubmit()
        return {"supplement": supplement}

    return _transition(
        report_id=report_id, by=by, name="resubmit", apply=apply, comment=supplement, now=now
    )


def report_reject(
    *,
    report_id: int,
    by: User,
    kind: str,
    reason: str,
    duplicate_of: str = "",
    now: datetime | None = None,
) -> Report:
    """Reject as invalid, not accepted (不予受理), or a duplicate merged into another case."""
    if kind not in RejectKind.values:
        raise ValidationError({"kind": [_("Choose invalid, duplicate or not accepted.")]})
    reason = _require(reason, "reason", _("Give the reason."))
    target: list[Report | None] = [None]

    def validate(report: Report) -> None:
        if kind != RejectKind.DUPLICATE:
            return
        number = (duplicate_of or "").strip()
        original = (
            Report.objects.visible_to(by).filter(case_number=number).exclude(pk=report.pk).first()
        )
        if original is None:
            raise ValidationError(
                {"duplicate_of": [_("Give the case number of the original case.")]}
            )
        target[0] = original.duplicate_of or original

    def apply(report: Report) -> dict:
        report.reject(kind=kind, duplicate_of=target[0])
        data = {"kind": kind}
        if target[0] is not None:
            data["duplicate_of"] = target[0].case_number
        return data

    return _transition(
        report_id=report_id,
        by=by,
        name="reject",
        apply=apply,
        validate=validate,
        comment=reason,
        now=now,
    )


def report_route(
    *,
    report_id: int,
    by: User,
    grade: str,
    lead_unit_id: int,
    instruction: str = "",
    now: datetime | None = None,
) -> Report:
    """Duty officer grades the case and routes it to its lead unit (dispatch extends this)."""
    if grade not in Grade.values:
        raise ValidationError({"grade": [_("Choose a grade.")]})
    unit = (
        Unit.objects.filter(pk=lead_unit_id, is_active=True).select_related("region").first()
        if lead_unit_id
        else None
    )

    def validate(report: Report) -> None:
        if unit is None or not report.region_path.startswith(unit.region.path):
            raise ValidationError({"lead_unit": [_("Choose a unit responsible for this place.")]})

    def apply(report: Report) -> dict:
        report.route(grade=grade, lead_unit=unit)
        return {"grade": grade, "lead_unit": unit.pk, "lead_unit_name": unit.name}

    return _transition(
        report_id=report_id,
        by=by,
        name="route",
        apply=apply,
        validate=validate,
        comment=instruction,
        now=now,
    )


def report_bounce(*, report_id: int, by: User, reason: str, now: datetime | None = None) -> Report:
    """The lead unit says the case is outside its remit; it goes back to the duty queue."""
    reason = _require(reason, "reason", _("Say why this case is not your unit's."))
    return _transition(
        report_id=report_id,
        by=by,
        name="bounce",
        apply=lambda r: r.bounce(),
        comment=reason,
        now=now,
    )


def report_close(
    *, report_id: int, by: User, resolution: str, now: datetime | None = None
) -> Report:
    """Record the disposal and close the case."""
    resolution = _require(resolution, "resolution", _("Describe how the matter was handled."))
    at = now or timezone.now()
    return _transition(
        report_id=report_id,
        by=by,
        name="close",
        apply=lambda r: r.close(resolution=resolution, at=at),
        comment=resolution,
        now=at,
    )


def report_reopen(*, report_id: int, by: User, reason: str, now: datetime | None = None) -> Report:
    """The matter came back: reopen the case to whoever handled it."""
    reason = _require(reason, "reason", _("Say why the case is reopened."))
    return _transition(
        report_id=report_id,
        by=by,
        name="reopen",
        apply=lambda r: r.reopen(),
        comment=reason,
        now=now,
    )


def report_amend_category(
    *, report_id: int, by: User, category: str, reason: str, now: datetime | None = None
) -> Report:
    """Correct the category during triage; the reporter's original choice stays on record."""
    from reports.models import Category

    if category not in Category.values:
        raise ValidationError({"category": [_("Choose a category.")]})
    with transaction.atomic():
        report = Report.objects.visible_to(by).select_for_update().filter(pk=report_id).first()
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        # Read the clock only once the row is ours, so events of one case are in time order.
        now = now or timezone.now()
        if not (
            by.role in (Role.COUNTY_ADMIN, Role.DUTY_OFFICER)
            and report.status in (Status.SUBMITTED, Status.ESCALATED)
        ):
            raise PermissionDenied(_("You may not do this to this case."))
        ReportAmendment.objects.create(
            report=report,
            field="category",
            old_value=report.category,
            new_value=category,
            reason=reason,
            actor=by,
            at=now,
        )
        Report.objects.filter(pk=report.pk).update(category=category, updated_at=now)
        report.refresh_from_db()
    return report


# Name → service, for the API and the forms: one source of truth for both.
TRANSITION_SERVICES: dict[str, Callable[..., Report]] = {
    "accept_local": report_accept_local,
    "escalate": report_escalate,
    "return_for_info": report_return_for_info,
    "resubmit": report_resubmit,
    "reject": report_reject,
    "route": report_route,
    "bounce": report_bounce,
    "close": report_close,
    "reopen": report_reopen,
}


# --- side effects ------------------------------------------------------------------------------


def _notify_role(
    report: Report,
    role: str,
    *,
    kind: str,
    region_id: int | None = None,
    unit_id: int | None = None,
) -> None:
    recipients = User.objects.filter(role=role, is_active=True)
    if region_id is not None:
        recipients = recipients.filter(region_id=region_id)
    if unit_id is not None:
        recipients = recipients.filter(unit_id=unit_id)
    notify_where(
        recipients=recipients,
        kind=kind,
        subject=report.case_number,
        text=report.title,
        url=f"/reports/{report.pk}/",
    )


def _after_transition(report: Report, name: str) -> None:
    """Tell the people who must act next (written in the same transaction as the change)."""
    kind = f"report_{name}"
    if name == "accept_local":
        _notify_role(report, Role.UNIT_LIAISON, unit_id=report.assigned_unit_id, kind=kind)
    elif name in ("escalate", "bounce"):
        city_id = Region.objects.only("pk").get(code=report.region_path.split("/", 1)[0]).pk
        _notify_role(report, Role.DUTY_OFFICER, region_id=city_id, kind=kind)
    elif name == "route":
        _notify_role(report, Role.UNIT_LIAISON, unit_id=report.lead_unit_id, kind=kind)
    elif name == "resubmit":
        _notify_role(report, Role.COUNTY_ADMIN, region_id=report.county_id, kind=kind)
    if name in ("return_for_info", "close", "reject", "reopen", "accept_local", "escalate"):
        notify(
            recipient_ids=[report.reporter_id],
            kind=kind,
            subject=report.case_number,
            text=report.title,
            url=f"/reports/{report.pk}/",
        )
