"""Reads of directives: who may issue and follow a notice, the notices a person sees, the
tracking of one notice by node (counts in one query, rows paginated)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from directives.models import Notice, NoticeForward, NoticeRecipient
from grid.models import GRID_POINT_ROLES, Role, User
from grid.scoping import jurisdiction_of

ISSUER_ROLES = {Role.DUTY_OFFICER, Role.COUNTY_ADMIN, Role.LEADER}


class NoticeNotFound(Http404):
    """No such notice for this person (another's looks the same): 404."""


def may_issue(user: User) -> bool:
    """Duty officers, county admins and leaders issue notices within their jurisdiction."""
    return bool(
        user.is_authenticated and user.is_active and user.region_id and user.role in ISSUER_ROLES
    )


def may_follow(user: User, notice: Notice) -> bool:
    """The issuer, and anyone who may issue from a node above or at the issuer's, follows a
    notice's tracking."""
    if notice.issued_by_id == user.pk:
        return True
    return may_issue(user) and jurisdiction_of(user).covers(notice.region.path)


def node_filter(user: User) -> Q | None:
    """The recipient rows that are the person's own node (grid point or unit), or None."""
    if user.role in GRID_POINT_ROLES and user.grid_point_id:
        return Q(grid_point_id=user.grid_point_id)
    if user.role == Role.UNIT_LIAISON and user.unit_id:
        return Q(unit_id=user.unit_id)
    return None


def people_of(recipients: QuerySet[NoticeRecipient]) -> QuerySet[User]:
    """The active people of the nodes in ``recipients``: the grid points' informants,
    volunteers and heads, the units' liaisons (one query, by subquery)."""
    return User.objects.filter(
        Q(
            role__in=sorted(r.value for r in GRID_POINT_ROLES),
            grid_point__in=recipients.filter(grid_point__isnull=False).values("grid_point"),
        )
        | Q(role=Role.UNIT_LIAISON, unit__in=recipients.filter(unit__isnull=False).values("unit")),
        is_active=True,
    ).order_by()


def recipient_for(*, user: User, notice_id: int) -> NoticeRecipient:
    """The person's node's row of the notice, or :class:`NoticeNotFound`."""
    own = node_filter(user)
    if own is None:
        raise NoticeNotFound
    row = (
        NoticeRecipient.objects.filter(own, notice_id=notice_id)
        .select_related("notice", "notice__issued_by", "notice__region")
        .first()
    )
    if row is None:
        raise NoticeNotFound
    return row


def notices_for(*, user: User, box: str = "inbox") -> QuerySet[Notice]:
    """``inbox``: the notices sent to the person's node, newest first; ``issued``: the ones
    they may follow (issued by them or from a node in their jurisdiction)."""
    base = Notice.objects.select_related("issued_by", "region")
    if box == "issued":
        if not may_issue(user):
            return base.none()
        return base.filter(Q(issued_by=user) | Q(pk__in=Notice.objects.visible_to(user)))
    own = node_filter(user)
    if own is None:
        return base.none()
    mine = NoticeRecipient.objects.filter(own, notice=OuterRef("pk"))
    return base.filter(Exists(mine))


def notice_for_reader(*, user: User, notice_id: int) -> tuple[Notice, NoticeRecipient | None]:
    """The notice as this person may open it: as its follower, or as a recipient (their
    node's row), else :class:`NoticeNotFound`."""
    notice = (
        Notice.objects.select_related("issued_by", "region")
        .prefetch_related("attachments")
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        raise NoticeNotFound
    own = node_filter(user)
    recipient = None
    if own is not None:
        recipient = (
            NoticeRecipient.objects.filter(own, notice=notice)
            .select_related("forward", "forward__forwarded_by", "forward__screenshot")
            .prefetch_related("report_attachments")
            .first()
        )
    if recipient is None and not may_follow(user, notice):
        raise NoticeNotFound
    return notice, recipient


def forward_of(recipient: NoticeRecipient | None) -> NoticeForward | None:
    """The node's forwarding of a push, if it marked one (read with the row, no query)."""
    if recipient is None:
        return None
    try:
        return recipient.forward
    except NoticeForward.DoesNotExist:
        return None


def outstanding_q(notice: Notice) -> Q:
    """Rows that still owe something the notice asks."""
    owing = Q(pk__isnull=True)  # nothing, until a clause is added
    if notice.is_push:
        owing |= Q(forward__isnull=True)
    if notice.needs_ack:
        owing |= Q(acknowledged_at__isnull=True)
    if notice.needs_report:
        owing |= Q(reported_at__isnull=True)
    return owing


def late_q(notice: Notice, now: datetime) -> Q:
    """Rows that are past a deadline without having done what it asks."""
    late = Q(pk__isnull=True)  # nothing, until a clause is added
    if notice.needs_ack and notice.ack_due_at <= now:
        late |= Q(acknowledged_at__isnull=True)
    if notice.needs_report and notice.report_due_at <= now:
        late |= Q(reported_at__isnull=True)
    return late


@dataclass(frozen=True)
class Tracking:
    """How far a notice has got: nodes, acknowledged (of which late), reported (of which
    late), and the nodes past a deadline without doing what it asks."""

    total: int
    acknowledged: int
    acknowledged_late: int
    reported: int
    reported_late: int
    late: int
    forwarded: int = 0  # a push's nodes that marked it forwarded

    @property
    def not_forwarded(self) -> int:
        return self.total - self.forwarded

    @property
    def ack_pending(self) -> int:
        return self.total - self.acknowledged

    @property
    def report_pending(self) -> int:
        return self.total - self.reported


def notice_tracking(*, notice: Notice, now: datetime) -> Tracking:
    """The counts of the tracking page, in one aggregate query."""
    ack_due = notice.ack_due_at or now
    report_due = notice.report_due_at or now
    counts = NoticeRecipient.objects.filter(notice=notice).aggregate(
        total=Count("id"),
        acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        acknowledged_late=Count("id", filter=Q(acknowledged_at__gt=ack_due)),
        reported=Count("id", filter=Q(reported_at__isnull=False)),
        reported_late=Count("id", filter=Q(reported_at__gt=report_due)),
        late=Count("id", filter=late_q(notice, now)),
        forwarded=Count("forward"),
    )
    return Tracking(**counts)


TRACKING_STATES = ("all", "late", "outstanding", "done")


def tracking_rows(
    *, notice: Notice, now: datetime, state: str = "all", county_id: int | None = None
) -> QuerySet:
    """The notice's nodes in grid order, filtered by ``state`` (and to one county, given
    ``county_id``): the rows alone, for paging; :func:`tracking_page` adds their names."""
    rows = NoticeRecipient.objects.filter(notice=notice)
    if county_id is not None:
        rows = rows.filter(county_id=county_id)
    if state == "late":
        rows = rows.filter(late_q(notice, now))
    elif state == "outstanding":
        rows = rows.filter(outstanding_q(notice))
    elif state == "done":
        rows = rows.exclude(outstanding_q(notice))
    return rows.order_by("region_path", "id")


def tracking_page(ids: Iterable[int]) -> list[NoticeRecipient]:
    """One page of :func:`tracking_rows` (its ids, in order) with the nodes, areas, people
    and forwards it shows.

    Read by primary key after the page is chosen, so the eight joins touch the page's rows
    only: joined before the LIMIT, they ran for every row up to the page (page 200 of a
    province notice: 10,000 rows joined, 85 ms) and took the planner 12–23 ms to order.
    """
    ids = list(ids)
    rows = NoticeRecipient.objects.select_related(
        "grid_point",
        "unit",
        "county",
        "township",
        "acknowledged_by",
        "reported_by",
        "forward",
        "forward__forwarded_by",
        "forward__screenshot",
    ).in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


@dataclass(frozen=True)
class CoverageRow:
    """One area of a push's coverage: its nodes and how many of them forwarded it."""

    id: int | None
    name: str
    total: int
    forwarded: int

    @property
    def share(self) -> int:
        """Forwarded, in whole percent."""
        return round(100 * self.forwarded / self.total) if self.total else 0


def notice_coverage(*, notice: Notice, county_id: int | None = None) -> list[CoverageRow]:
    """A push's coverage by county (or, given ``county_id``, by township of that county):
    nodes and nodes that forwarded, one GROUP BY query over the notice's rows. Nodes with no
    county or township (units above one) come last, unnamed."""
    rows = NoticeRecipient.objects.filter(notice=notice)
    area = "county"
    if county_id is not None:
        rows, area = rows.filter(county_id=county_id), "township"
    grouped = (
        rows.values(f"{area}_id", f"{area}__name", f"{area}__path")
        .annotate(
            total=Count("id"),
            forwarded=Count("forward"),
        )
        .order_by(F(f"{area}__path").asc(nulls_last=True))
    )
    return [
        CoverageRow(row[f"{area}_id"], row[f"{area}__name"] or "", row["total"], row["forwarded"])
        for row in grouped
    ]


def coverage_county(*, notice: Notice, county_id: int) -> CoverageRow | None:
    """The county row of a push's coverage (None: no node of the notice there)."""
    return next((row for row in notice_coverage(notice=notice) if row.id == county_id), None)


def pushes_for_case(*, report_id: int) -> list[Notice]:
    """The authoritative pushes linked to a case, newest first, each with ``forwarded`` (its
    nodes that forwarded it): one query."""
    forwarded = (
        NoticeForward.objects.filter(recipient__notice=OuterRef("pk"))
        .order_by()
        .values("recipient__notice")
        .annotate(n=Count("id"))
        .values("n")
    )
    return list(
        Notice.objects.filter(reports=report_id)
        .select_related("issued_by", "region")
        .annotate(forwarded=Coalesce(Subquery(forwarded), 0))
        .order_by("-issued_at", "-id")[:20]
    )
