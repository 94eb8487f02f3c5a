"""Writes of the ledger: put a case on it, link later reports, follow up, take it off.

Refusals in the product's order: 404 outside the person's sight, 409 for the matter's state,
403 if this person may not, 400 for bad input. Each step writes one event on the case's
timeline (staff only) in its transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import TransitionNotAllowed

from directives.ledger import rules
from directives.ledger.models import FollowUp, LedgerEntry, LedgerLink, LinkKind
from grid.models import User
from reports.models import Report, ReportEvent, ReportSource
from reports.services import PayloadInvalid

PUT_ON = "ledger_put_on"
LINKED = "ledger_linked"
FOLLOWED_UP = "ledger_follow_up"
TAKEN_OFF = "ledger_taken_off"
MAX_TEXT = 4000


class LedgerConflict(TransitionNotAllowed):
    """The matter's state does not allow the step (409)."""


class LedgerNotFound(Http404):
    """No such matter in the person's sight (404)."""


class PutOnForm(forms.Form):
    matter = forms.CharField(
        label=gettext_lazy("Matter"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("The case's title if left empty."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=MAX_TEXT, widget=forms.Textarea({"rows": 2})
    )
    next_follow_up = forms.DateField(
        label=gettext_lazy("Next follow-up"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Follow-up findings"),
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": 2}),
    )
    next_follow_up = forms.DateField(
        label=gettext_lazy("Next follow-up"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class TakeOffForm(forms.Form):
    assessment = forms.CharField(
        label=gettext_lazy("Closing assessment"),
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": 2}),
    )


def _event(report: Report, *, by: User, name: str, at: datetime, comment: str, data: dict):
    return ReportEvent(
        report=report,
        transition=name,
        source=report.status,
        target=report.status,
        actor=by,
        at=at,
        comment=comment,
        data=data,
        internal=True,
    )


def _valid(form_class, data: Mapping, prefix: str | None = None):
    form = form_class(data, prefix=prefix)
    if not form.is_valid():
        raise PayloadInvalid(form)
    return form.cleaned_data


def ledger_put_on(
    *,
    report_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> LedgerEntry:
    """Put a case on the ledger with a reason: it stays followed after it closes."""
    with transaction.atomic():
        report = (
            Report.objects.visible_to(by)
            .select_for_update(of=("self",))
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        now = now or timezone.now()
        if LedgerLink.objects.filter(report=report, entry__closed_at__isnull=True).exists():
            raise LedgerConflict(_("This case is on the ledger already."))
        if not rules.may_put_on(by, report):
            raise PermissionDenied(_("Duty officers and leaders put cases on the ledger."))
        cleaned = _valid(PutOnForm, data, prefix)
        entry = LedgerEntry.objects.create(
            report=report,
            matter=cleaned["matter"] or report.title[:200],
            reason=cleaned["reason"],
            region_path=report.region_path,
            county_id=report.county_id,
            opened_by=by,
            opened_at=now,
            moved_at=now,
            next_follow_up=cleaned["next_follow_up"],
        )
        LedgerLink.objects.create(
            entry=entry, report=report, kind=LinkKind.ORIGIN, linked_at=now, linked_by=by
        )
        _event(
            report, by=by, name=PUT_ON, at=now, comment=entry.reason, data={"ledger": entry.pk}
        ).save()
    return entry


def _entry_locked(entry_id: int, by: User) -> LedgerEntry:
    entry = (
        LedgerEntry.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("report")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or not rules.may_read(by):
        raise LedgerNotFound(_("No such key matter in your jurisdiction."))
    return entry


def ledger_follow_up(
    *,
    entry_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> FollowUp:
    """Record a follow-up of a matter still on the ledger and when to look again."""
    with transaction.atomic():
        entry = _entry_locked(entry_id, by)
        now = now or timezone.now()
        if not entry.is_open:
            raise LedgerConflict(_("This matter is off the ledger."))
        if not rules.may_follow_up(by, entry):
            raise PermissionDenied(_("You may not follow this matter up."))
        cleaned = _valid(FollowUpForm, data, prefix)
        follow_up = FollowUp.objects.create(
            entry=entry,
            by=by,
            at=now,
            note=cleaned["note"],
            next_follow_up=cleaned["next_follow_up"],
        )
        entry.next_follow_up, entry.moved_at = cleaned["next_follow_up"], now
        entry.save(update_fields=["next_follow_up", "moved_at"])
        _event(
            entry.report,
            by=by,
            name=FOLLOWED_UP,
            at=now,
            comment=follow_up.note,
            data={"ledger": entry.pk},
        ).save()
    return follow_up


def ledger_take_off(
    *,
    entry_id: int,
    by: User,
    data: Mapping,
    now: datetime | None = None,
    prefix: str | None = None,
) -> LedgerEntry:
    """A leader settles the matter: it leaves the ledger with a closing assessment."""
    with transaction.atomic():
        entry = _entry_locked(entry_id, by)
        now = now or timezone.now()
        if not entry.is_open:
            raise LedgerConflict(_("This matter is off the ledger already."))
        if not rules.may_take_off(by, entry):
            raise PermissionDenied(_("Only a leader takes a matter off the ledger."))
        cleaned = _valid(TakeOffForm, data, prefix)
        entry.closed_at, entry.closed_by, entry.moved_at = now, by, now
        entry.assessment = cleaned["assessment"]
        entry.save(update_fields=["closed_at", "closed_by", "moved_at", "assessment"])
        _event(
            entry.report,
            by=by,
            name=TAKEN_OFF,
            at=now,
            comment=entry.assessment,
            data={"ledger": entry.pk},
        ).save()
    return entry


def ledger_link(
    *, entry_id: int, report_id: int, by: User, now: datetime | None = None
) -> LedgerLink:
    """Link another case to a matter on the ledger by hand (both in the person's sight)."""
    with transaction.atomic():
        entry = _entry_locked(entry_id, by)
        now = now or timezone.now()
        report = Report.objects.visible_to(by).filter(pk=report_id).first()
        if report is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        if not entry.is_open:
            raise LedgerConflict(_("This matter is off the ledger."))
        if LedgerLink.objects.filter(entry=entry, report=report).exists():
            raise LedgerConflict(_("This case is linked to the matter already."))
        if not rules.may_follow_up(by, entry):
            raise PermissionDenied(_("You may not follow this matter up."))
        return _link([entry], report, kind=LinkKind.MANUAL, by=by, now=now)[0]


def _link(entries: list[LedgerEntry], report: Report, *, kind: str, by: User, now: datetime):
    """Link ``report`` to each of ``entries`` (set-based), with one event on it."""
    links = LedgerLink.objects.bulk_create(
        [
            LedgerLink(entry=e, report=report, kind=kind, linked_at=now, linked_by=by)
            for e in entries
        ]
    )
    LedgerEntry.objects.filter(pk__in=[e.pk for e in entries]).update(moved_at=now)
    ReportEvent.objects.bulk_create(
        [
            _event(
                report,
                by=by,
                name=LINKED,
                at=now,
                comment=e.matter,
                data={"ledger": e.pk, "how": kind},
            )
            for e in entries
        ]
    )
    return links


def link_new_report(report: Report) -> None:
    """reports' hook on filing: a new report of a source a followed matter's case has is
    linked to that matter (one query when none is; no time window: matters stay followed)."""
    entries = list(
        LedgerEntry.objects.filter(
            closed_at__isnull=True,
            links__report__sources__url_hash__in=ReportSource.objects.filter(report=report).values(
                "url_hash"
            ),
        )
        .exclude(links__report=report)
        .distinct()
        .only("pk", "matter")
    )
    if entries:
        _link(
            entries,
            report,
            kind=LinkKind.SAME_SOURCE,
            by=User.objects.system(),
            now=report.created_at,
        )


def link_duplicate(step) -> None:
    """reports' hook on ``reject``: a case merged as a duplicate of a followed case joins its
    matter."""
    original_id = step.report.duplicate_of_id
    if original_id is None:
        return
    entries = list(
        LedgerEntry.objects.filter(closed_at__isnull=True, links__report_id=original_id)
        .exclude(links__report=step.report)
        .distinct()
        .only("pk", "matter")
    )
    if entries:
        try:
            with transaction.atomic():
                _link(entries, step.report, kind=LinkKind.DUPLICATE, by=step.by, now=step.now)
        except IntegrityError:  # linked meanwhile: it is linked, which is all that was wanted
            pass
