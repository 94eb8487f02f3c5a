"""Telling people about filings: the reminder to grid points that have not filed (at 14:00, or
one click on the overview), the list of the missing for each county admin and the city's
overview for the duty officers once a period is due. The scheduled ones are sent once per
kind, period and stage (:class:`duty.models.SubmissionNotice`, written in the same
transaction), however often beat runs them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from duty.kinds import SubmissionKind, at_local, local_today, submission_kind, submission_kinds
from duty.models import ExpectedSubmission, SubmissionNotice, SubmissionStatus
from duty.notices import CITY_OVERVIEW, MISSING, REMINDER
from grid.models import GRID_POINT_ROLES, Region, Role, User
from notifications.services import Message, notify_many

UNFILED = (SubmissionStatus.PENDING, SubmissionStatus.MISSED)
NAMES_LISTED = 20


def _site(path: str) -> str:
    return settings.NOTIFICATIONS_SITE_URL.rstrip("/") + path


def _form_url(kind: str) -> str:
    return reverse("duty-daily-report" if kind == "daily_report" else "duty-risk-points")


def _due_text(row_due: datetime) -> str:
    return formats.date_format(timezone.localtime(row_due), "SHORT_DATETIME_FORMAT")


def _claim(kind: str, period: date, stage: str) -> bool:
    """Write the notice's marker; False if it was written before (sent already)."""
    try:
        with transaction.atomic():
            SubmissionNotice.objects.create(kind=kind, period=period, stage=stage)
    except IntegrityError:
        return False
    return True


def _people_of(grid_point_ids) -> list[int]:
    return list(
        User.objects.filter(
            is_active=True, role__in=GRID_POINT_ROLES, grid_point_id__in=grid_point_ids
        )
        .order_by()
        .values_list("pk", flat=True)
    )


def _reminder(spec: SubmissionKind, period: date, recipients: list[int]) -> Message:
    due = _due_text(spec.due_at(period))
    return Message(
        recipient_ids=recipients,
        kind=REMINDER,
        subject=_("%(label)s due %(due)s") % {"label": spec.label, "due": due},
        text=_("Your grid point has not filed its %(label)s for %(period)s yet; it is due %(due)s.")
        % {"label": str(spec.label).lower(), "period": period.isoformat(), "due": due},
        url=_site(_form_url(spec.name)),
        context={"kind": spec.name, "period": period.isoformat()},
    )


@transaction.atomic
def expected_remind(
    *, by: User, kind: str, period: date, county_id: int | None = None
) -> tuple[int, int]:
    """Remind the people of every grid point in ``by``'s jurisdiction (one county, if given)
    that has not filed ``kind`` for ``period``; returns (grid points, people)."""
    spec = submission_kind(kind)
    unfiled = ExpectedSubmission.objects.visible_to(by).filter(
        kind=kind, period=period, status__in=UNFILED, grid_point__isnull=False
    )
    if county_id is not None:
        unfiled = unfiled.filter(county_id=county_id)
    point_ids = list(unfiled.order_by().values_list("grid_point_id", flat=True))
    people = _people_of(point_ids)
    if people:
        notify_many(messages=[_reminder(spec, period, people)])
    return len(point_ids), len(people)


def remind_pending(*, now: datetime | None = None) -> int:
    """The daily report's reminder: from ``DUTY_DAILY_REPORT_REMINDER`` until it is due, tell
    the grid points that have not filed today, once a day; returns how many people."""
    now = now or timezone.now()
    spec = submission_kind("daily_report")
    today = local_today(now)
    if not at_local(today, settings.DUTY_DAILY_REPORT_REMINDER) <= now < spec.due_at(today):
        return 0
    with transaction.atomic():
        if not _claim(spec.name, today, "reminder"):
            return 0
        points = ExpectedSubmission.objects.filter(
            kind=spec.name, period=today, status=SubmissionStatus.PENDING
        ).values_list("grid_point_id", flat=True)
        people = _people_of(points)
        if people:
            notify_many(messages=[_reminder(spec, today, people)])
        return len(people)


def _missing_lists(spec: SubmissionKind, period: date) -> list[Message]:
    """A message to each county admin naming the county's grid points that missed
    ``period``, and one to each city's duty officers counting them per county."""
    missed = ExpectedSubmission.objects.filter(
        kind=spec.name, period=period, status=SubmissionStatus.MISSED, county__isnull=False
    )
    names: dict[int, list[str]] = defaultdict(list)
    counts: dict[int, int] = defaultdict(int)
    for county_id, name in (
        missed.order_by("county_id", "grid_point__code")
        .values_list("county_id", "grid_point__name")
        .iterator(chunk_size=5000)
    ):
        counts[county_id] += 1
        if len(names[county_id]) < NAMES_LISTED:
            names[county_id].append(name)
    if not counts:
        return []
    counties = {r.pk: r for r in Region.objects.filter(pk__in=counts).only("id", "name", "path")}
    totals = dict(
        ExpectedSubmission.objects.filter(kind=spec.name, period=period, county_id__in=counts)
        .order_by()
        .values_list("county_id")
        .annotate(n=Count("id"))
    )
    admins: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in User.objects.filter(
        is_active=True, role=Role.COUNTY_ADMIN, region_id__in=counts
    ).values_list("pk", "region_id"):
        admins[region_id].append(pk)
    label, day = spec.label, period.isoformat()
    overview = _site(reverse("duty-overview"))
    messages = []
    by_city: dict[str, list[str]] = defaultdict(list)
    for county_id, n in counts.items():
        county = counties[county_id]
        listed = "、".join(names[county_id]) + (
            _(" and %(n)s more") % {"n": n - NAMES_LISTED} if n > NAMES_LISTED else ""
        )
        by_city[county.path.split("/")[0] + "/"].append(
            _("%(county)s: %(n)s of %(total)s missing")
            % {"county": county.name, "n": n, "total": totals.get(county_id, n)}
        )
        if admins[county_id]:
            messages.append(
                Message(
                    recipient_ids=admins[county_id],
                    kind=MISSING,
                    subject=_("%(n)s grid points missed the %(label)s of %(period)s")
                    % {"n": n, "label": str(label).lower(), "period": day},
                    text=listed,
                    url=overview + f"?kind={spec.name}&date={day}&status=missed",
                    context={"kind": spec.name, "period": day, "missed": n},
                )
            )
    officers: dict[str, list[int]] = defaultdict(list)
    for pk, path in User.objects.filter(
        is_active=True, role=Role.DUTY_OFFICER, region__path__in=list(by_city)
    ).values_list("pk", "region__path"):
        officers[path].append(pk)
    for city_path, lines in by_city.items():
        if officers[city_path]:
            messages.append(
                Message(
                    recipient_ids=officers[city_path],
                    kind=CITY_OVERVIEW,
                    subject=_("%(label)s of %(period)s: %(n)s grid points missing")
                    % {
                        "label": label,
                        "period": day,
                        "n": sum(
                            counts[c] for c in counts if counties[c].path.startswith(city_path)
                        ),
                    },
                    text="\n".join(lines),
                    url=overview + f"?date={day}",
                    context={"kind": spec.name, "period": day},
                )
            )
    return messages


def announce_missed(*, now: datetime | None = None) -> int:
    """Once each period of each kind is due, send its missing lists (once: a marker row);
    returns how many notifications were queued. Periods of the catch-up window only."""
    now = now or timezone.now()
    sent = 0
    for spec in submission_kinds():
        due = [p for p in spec.periods(now) if spec.due_at(p) <= now]
        done = set(
            SubmissionNotice.objects.filter(
                kind=spec.name, period__in=due, stage="missed"
            ).values_list("period", flat=True)
        )
        for period in due:
            if period in done:
                continue
            with transaction.atomic():
                if _claim(spec.name, period, "missed"):
                    sent += notify_many(messages=_missing_lists(spec, period))
    return sent
