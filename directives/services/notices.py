"""Writes of notices: issue a notice to nodes (set-based fan-out), acknowledge it, report
its completion, remind the nodes that are late. Each owns its side effects (expected
submissions settled, notifications queued in the same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from directives.errors import NoticeConflict
from directives.kinds import NOTICE_ACK, NOTICE_ISSUED, NOTICE_REMINDER, NOTICE_REPORT
from directives.models import (
    PUSH_KINDS,
    Notice,
    NoticeAttachment,
    NoticeKind,
    NoticeRecipient,
    ReportAttachment,
)
from directives.selectors import (
    NoticeNotFound,
    may_issue,
    outstanding_q,
    people_of,
    recipient_for,
)
from directives.services.pushes import check_push_and_relay, log_relay
from duty.filings import county_path
from duty.models import SubmissionStatus
from duty.services.expected import expected_settle
from grid.models import Level, Region, Unit, User
from grid.scoping import jurisdiction_of
from notifications.services import Message, notify_many
from reports.attachments import check_attachments
from reports.models import Report

MAX_TITLE = 200


def _store_attachments(model, owner_field: str, owner, files) -> None:
    for checked in check_attachments(list(files or [])):
        row = model(
            **{owner_field: owner},
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            width=checked.width,
            height=checked.height,
        )
        # Saved through the storage API under the content hash (notice_file_path).
        row.file.save(checked.name, checked.upload, save=False)
        row.save()


def _check_audience(*, by: User, regions: Sequence[Region], units: Sequence[Unit]) -> None:
    scope = jurisdiction_of(by)
    outside = [r.name for r in regions if not scope.covers(r.path)]
    outside += [u.name for u in units if not scope.covers(u.region.path)]
    if outside:
        raise ValidationError(
            {"regions": _("Outside your jurisdiction: %(names)s.") % {"names": "、".join(outside)}}
        )
    if not regions and not units:
        raise ValidationError({"regions": _("Choose at least one region or unit.")})


def _check_deadlines(
    *,
    push: bool,
    now: datetime,
    needs_ack: bool,
    ack_due_at: datetime | None,
    needs_report: bool,
    report_due_at: datetime | None,
) -> None:
    errors: dict[str, str] = {}
    if not needs_ack and not needs_report and not push:
        errors["needs_ack"] = _("Ask for an acknowledgement, a completion report or both.")
    if needs_ack and ack_due_at is None:
        errors["ack_due_at"] = _("Give the acknowledgement deadline.")
    elif needs_ack and ack_due_at <= now:
        errors["ack_due_at"] = _("The deadline must be in the future.")
    if needs_report and report_due_at is None:
        errors["report_due_at"] = _("Give the completion report deadline.")
    elif needs_report and report_due_at <= now:
        errors["report_due_at"] = _("The deadline must be in the future.")
    elif needs_report and needs_ack and ack_due_at and report_due_at < ack_due_at:
        errors["report_due_at"] = _("The report cannot be due before the acknowledgement.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def notice_issue(
    *,
    by: User,
    now: datetime,
    title: str,
    body: str,
    regions: Sequence[Region] = (),
    units: Sequence[Unit] = (),
    kind: str = NoticeKind.NOTICE,
    needs_ack: bool = True,
    ack_due_at: datetime | None = None,
    needs_report: bool = False,
    report_due_at: datetime | None = None,
    attachments: Sequence = (),
    share_text: str = "",
    share_link: str = "",
    reports: Sequence[Report] = (),
    relayed_from: str = "",
    relayed_received_at: datetime | None = None,
) -> Notice:
    """Issue a notice to every active grid point under ``regions`` and to ``units``: one
    recipient row per node, its expected acknowledgement and report, and a notification to
    every person of those nodes — one bulk INSERT per table, whatever the number of nodes.

    A push (rumour refutation, authoritative statement) carries a text or link to forward and
    may name the reports about the rumour. An instruction relayed from above names who sent it
    and when it came; it is written in the log of the duty the issuer is on."""
    if not may_issue(by):
        raise PermissionDenied(_("Only duty officers, county admins and leaders issue notices."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError(
            {
                **({"title": _("Give the notice a title.")} if not title else {}),
                **({"body": _("Write what the notice says.")} if not body else {}),
            }
        )
    _check_audience(by=by, regions=regions, units=units)
    share_text, share_link = (share_text or "").strip(), (share_link or "").strip()
    relayed_from = (relayed_from or "").strip()
    check_push_and_relay(
        by=by,
        now=now,
        kind=kind,
        share_text=share_text,
        share_link=share_link,
        reports=reports,
        relayed_from=relayed_from,
        relayed_received_at=relayed_received_at,
    )
    if kind in PUSH_KINDS:  # forwarding is what a push asks, nothing else
        needs_ack = needs_report = False
    _check_deadlines(
        push=kind in PUSH_KINDS,
        now=now,
        needs_ack=needs_ack,
        ack_due_at=ack_due_at,
        needs_report=needs_report,
        report_due_at=report_due_at,
    )
    notice = Notice.objects.create(
        kind=kind,
        title=title[:MAX_TITLE],
        body=body,
        issued_by=by,
        region_id=by.region_id,
        issued_at=now,
        needs_ack=needs_ack,
        ack_due_at=ack_due_at if needs_ack else None,
        needs_report=needs_report,
        report_due_at=report_due_at if needs_report else None,
        audience={
            "regions": [{"id": r.pk, "name": r.name} for r in regions],
            "units": [{"id": u.pk, "name": u.name} for u in units],
        },
        share_text=share_text,
        share_link=share_link,
        relayed_from=relayed_from,
        relayed_received_at=relayed_received_at if relayed_from else None,
    )
    if reports:
        notice.reports.set(reports)
    _store_attachments(NoticeAttachment, "notice", notice, attachments)

    # The nodes, in the database: one INSERT … SELECT for the grid points under the regions,
    # one bulk INSERT for the chosen units, then one INSERT … SELECT per expected kind.
    count = _insert_point_recipients(notice, regions) if regions else 0
    count += _insert_unit_recipients(notice, units) if units else 0
    if not count:
        raise ValidationError({"regions": _("No active grid point or unit there.")})
    for asked, expected_kind, due in (
        (needs_ack, NOTICE_ACK, ack_due_at),
        (needs_report, NOTICE_REPORT, report_due_at),
    ):
        if asked:
            _insert_expected(notice, expected_kind, due, now)
    Notice.objects.filter(pk=notice.pk).update(recipient_count=count)
    notice.recipient_count = count
    if relayed_from:
        log_relay(notice, by=by, now=now)

    people = people_of(NoticeRecipient.objects.filter(notice=notice))
    notify_many(
        messages=[
            Message(
                recipient_ids=people.values_list("id", flat=True).iterator(chunk_size=5000),
                kind=NOTICE_ISSUED,
                subject=notice.title,
                text=notice.body[:500],
                url=reverse("directives-notice", args=[notice.pk]),
                context={"notice": notice.pk, "by": by.get_full_name()},
            )
        ]
    )
    return notice


# A grid point sits at a township (its county is the parent) or a village (the grandparent).
_POINT_RECIPIENTS_SQL = """
INSERT INTO directives_noticerecipient
    (notice_id, grid_point_id, unit_id, region_path, county_id, township_id, report_text,
     reminders)
SELECT %s, gp.id, NULL, r.path,
       CASE r.level WHEN %s THEN r.parent_id WHEN %s THEN p.parent_id END,
       CASE r.level WHEN %s THEN r.id WHEN %s THEN r.parent_id END, '', 0
FROM grid_gridpoint gp
JOIN grid_region r ON r.id = gp.region_id
LEFT JOIN grid_region p ON p.id = r.parent_id
WHERE gp.is_active AND ({under})
ORDER BY r.path
"""

_EXPECTED_SQL = """
INSERT INTO duty_expectedsubmission
    (kind, period, owner_key, grid_point_id, unit_id, subject_id, region_path, county_id,
     status, due_at, created_at)
SELECT %s, %s,
       CASE WHEN grid_point_id IS NOT NULL THEN 'g' || CAST(grid_point_id AS VARCHAR(20))
            ELSE 'u' || CAST(unit_id AS VARCHAR(20)) END || 's' || CAST(notice_id AS VARCHAR(20)),
       grid_point_id, unit_id, notice_id, region_path, county_id, %s, %s, %s
FROM directives_noticerecipient
WHERE notice_id = %s
ON CONFLICT DO NOTHING
"""


def _insert_point_recipients(notice: Notice, regions: Sequence[Region]) -> int:
    """Every active grid point under ``regions``, in one statement; returns how many."""
    under = " OR ".join(["r.path LIKE %s ESCAPE '\\'"] * len(regions))
    params = [notice.pk, Level.TOWNSHIP, Level.VILLAGE, Level.TOWNSHIP, Level.VILLAGE]
    params += [region.path.replace("%", r"\%").replace("_", r"\_") + "%" for region in regions]
    with connection.cursor() as cursor:
        cursor.execute(_POINT_RECIPIENTS_SQL.format(under=under), params)
        return cursor.rowcount


def _insert_unit_recipients(notice: Notice, units: Sequence[Unit]) -> int:
    """The chosen active units (a few rows: one bulk INSERT); returns how many."""
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    chosen = Unit.objects.filter(pk__in=[u.pk for u in units], is_active=True).order_by()
    rows = [
        NoticeRecipient(
            notice=notice,
            unit_id=pk,
            region_path=path,
            county_id=counties.get(county_path(path)),
            township_id={Level.TOWNSHIP: region_id, Level.VILLAGE: parent_id}.get(level),
        )
        for pk, path, region_id, level, parent_id in chosen.values_list(
            "id", "region__path", "region_id", "region__level", "region__parent_id"
        )
    ]
    NoticeRecipient.objects.bulk_create(rows)
    return len(rows)


def _insert_expected(notice: Notice, kind: str, due: datetime, now: datetime) -> None:
    """One expected submission of ``kind`` per recipient node, due at the notice's deadline."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _EXPECTED_SQL,
            [
                kind,
                connection.ops.adapt_datefield_value(notice.period),
                SubmissionStatus.PENDING,
                adapt(due),
                adapt(now),
                notice.pk,
            ],
        )


def _recipient_locked(*, notice_id: int, by: User) -> NoticeRecipient:
    recipient = recipient_for(user=by, notice_id=notice_id)
    return NoticeRecipient.objects.select_for_update().select_related("notice").get(pk=recipient.pk)


def _settle(kind: str, recipient: NoticeRecipient, at: datetime) -> None:
    expected_settle(
        kind=kind,
        period=recipient.notice.period,
        at=at,
        grid_point_id=recipient.grid_point_id,
        unit_id=recipient.unit_id,
        subject_id=recipient.notice_id,
        filing_id=recipient.pk,
    )


@transaction.atomic
def notice_acknowledge(*, notice_id: int, by: User, now: datetime) -> NoticeRecipient:
    """Acknowledge receipt (签收) for the person's node: once per node, on time or late."""
    recipient = _recipient_locked(notice_id=notice_id, by=by)
    if not recipient.notice.needs_ack:
        raise NoticeConflict(_("This notice asks for no acknowledgement."))
    if recipient.acknowledged_at is not None:
        raise NoticeConflict(_("Your node has already acknowledged this notice."))
    recipient.acknowledged_at, recipient.acknowledged_by = now, by
    recipient.save(update_fields=["acknowledged_at", "acknowledged_by"])
    _settle(NOTICE_ACK, recipient, now)
    return recipient


@transaction.atomic
def notice_report(
    *, notice_id: int, by: User, now: datetime, text: str, attachments: Sequence = ()
) -> NoticeRecipient:
    """Report completion (落实反馈) for the person's node, with text and attachments; it
    acknowledges the notice too if nobody had yet."""
    recipient = _recipient_locked(notice_id=notice_id, by=by)
    notice = recipient.notice
    if not notice.needs_report:
        raise NoticeConflict(_("This notice asks for no completion report."))
    if recipient.reported_at is not None:
        raise NoticeConflict(_("Your node has already reported on this notice."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was done.")})
    _store_attachments(ReportAttachment, "recipient", recipient, attachments)
    fields = ["reported_at", "reported_by", "report_text"]
    recipient.reported_at, recipient.reported_by, recipient.report_text = now, by, text
    if notice.needs_ack and recipient.acknowledged_at is None:
        recipient.acknowledged_at, recipient.acknowledged_by = now, by
        fields += ["acknowledged_at", "acknowledged_by"]
        _settle(NOTICE_ACK, recipient, now)
    recipient.save(update_fields=fields)
    _settle(NOTICE_REPORT, recipient, now)
    return recipient


@transaction.atomic
def notice_remind(
    *, notice: Notice, by: User, now: datetime, recipient_id: int | None = None
) -> int:
    """Remind the people of the nodes still owing what the notice asks (one node, or every
    node past a deadline): one notification each, one UPDATE; returns how many nodes."""
    from directives.selectors import late_q, may_follow

    if not may_follow(by, notice):
        raise NoticeNotFound
    rows = NoticeRecipient.objects.filter(notice=notice)
    if recipient_id is not None:
        rows = rows.filter(pk=recipient_id).filter(outstanding_q(notice))
    else:
        # Everyone late; for a push (no deadline), every node that has not forwarded it.
        rows = rows.filter(outstanding_q(notice) if notice.is_push else late_q(notice, now))
    ids = list(rows.values_list("id", flat=True))
    if not ids:
        return 0
    chosen = NoticeRecipient.objects.filter(pk__in=ids)
    notify_many(
        messages=[
            Message(
                recipient_ids=people_of(chosen).values_list("id", flat=True),
                kind=NOTICE_REMINDER,
                subject=notice.title,
                text=_("Please forward this information and mark where.")
                if notice.is_push
                else _("Please acknowledge or report on this notice as it asks."),
                url=reverse("directives-notice", args=[notice.pk]),
                context={"notice": notice.pk, "by": by.get_full_name()},
            )
        ]
    )
    from django.db.models import F

    chosen.update(reminded_at=now, reminders=F("reminders") + 1)
    return len(ids)
