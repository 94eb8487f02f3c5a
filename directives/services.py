"""Writes of directives: issue a notice to nodes (set-based fan-out), acknowledge it, report
its completion, remind the nodes that are late. Each owns its side effects (expected
submissions settled, notifications queued in the same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from directives.kinds import NOTICE_ACK, NOTICE_ISSUED, NOTICE_REMINDER, NOTICE_REPORT
from directives.models import (
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
from duty.filings import county_path
from duty.models import ExpectedSubmission
from duty.services.expected import expected_settle
from grid.models import GridPoint, Level, Region, Unit, User
from grid.scoping import jurisdiction_of
from notifications.services import Message, notify_many
from reports.attachments import check_attachments


class NoticeConflict(Exception):
    """The notice does not ask this, or the node already did it (409)."""


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
    now: datetime,
    needs_ack: bool,
    ack_due_at: datetime | None,
    needs_report: bool,
    report_due_at: datetime | None,
) -> None:
    errors: dict[str, str] = {}
    if not needs_ack and not needs_report:
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
) -> Notice:
    """Issue a notice to every active grid point under ``regions`` and to ``units``: one
    recipient row per node, its expected acknowledgement and report, and a notification to
    every person of those nodes — one bulk INSERT per table, whatever the number of nodes."""
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
    _check_deadlines(
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
    )
    _store_attachments(NoticeAttachment, "notice", notice, attachments)

    # The nodes: two reads (the counties, then the points and units with their paths).
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("path", "id"))
    under = Q()
    for region in regions:
        under |= Q(region__path__startswith=region.path)
    nodes: list[tuple[int | None, int | None, str]] = []
    if regions:
        points = GridPoint.objects.filter(under, is_active=True).order_by()
        nodes += [(pk, None, path) for pk, path in points.values_list("id", "region__path")]
    if units:
        chosen = Unit.objects.filter(pk__in=[u.pk for u in units], is_active=True).order_by()
        nodes += [(None, pk, path) for pk, path in chosen.values_list("id", "region__path")]
    if not nodes:
        raise ValidationError({"regions": _("No active grid point or unit there.")})

    NoticeRecipient.objects.bulk_create(
        [
            NoticeRecipient(
                notice=notice,
                grid_point_id=point,
                unit_id=unit,
                region_path=path,
                county_id=counties.get(county_path(path)),
            )
            for point, unit, path in nodes
        ],
        batch_size=5000,
    )
    period = notice.period
    for asked, expected_kind, due in (
        (needs_ack, NOTICE_ACK, ack_due_at),
        (needs_report, NOTICE_REPORT, report_due_at),
    ):
        if not asked:
            continue
        ExpectedSubmission.objects.bulk_create(
            [
                ExpectedSubmission(
                    kind=expected_kind,
                    period=period,
                    owner_key=ExpectedSubmission.key_for(
                        grid_point_id=point, unit_id=unit, subject_id=notice.pk
                    ),
                    grid_point_id=point,
                    unit_id=unit,
                    subject_id=notice.pk,
                    region_path=path,
                    county_id=counties.get(county_path(path)),
                    due_at=due,
                )
                for point, unit, path in nodes
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    Notice.objects.filter(pk=notice.pk).update(recipient_count=len(nodes))
    notice.recipient_count = len(nodes)

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
        rows = rows.filter(late_q(notice, now))
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
                text=_("Please acknowledge or report on this notice as it asks."),
                url=reverse("directives-notice", args=[notice.pk]),
                context={"notice": notice.pk, "by": by.get_full_name()},
            )
        ]
    )
    from django.db.models import F

    chosen.update(reminded_at=now, reminders=F("reminders") + 1)
    return len(ids)
