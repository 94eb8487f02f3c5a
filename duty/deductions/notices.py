"""Who hears of a deduction, and the kinds of notification deductions send (declared with
notifications' registry at start-up: :func:`register_kinds`).

- a deduction or bonus recorded: the penalised (or praised) party — the grid point's head and
  grid heads, the admins of the township's or county's county, the unit's liaisons;
- an appeal: the city's system admins, who decide it;
- a decision: the one who appealed and the party.

Rows are written in the caller's transaction (notifications' outbox), in one INSERT however
many deductions a sweep recorded, after one query per kind of target for the recipients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grid.ids import many_ids
from grid.labels import choice_label
from grid.models import Role, User
from notifications.services import Message, notify_many

TEMPLATE = "notifications/deduction"

KINDS = {
    "deduction_recorded": _("Deduction recorded"),
    "deduction_bonus": _("Bonus recorded"),
    "deduction_appealed": _("Deduction appealed"),
    "deduction_decided": _("Appeal decided"),
}


def register_kinds() -> None:
    """Declare every kind deductions send (called from ``DutyConfig.ready()``)."""
    from notifications.kinds import Kind, register_kind

    for name, label in KINDS.items():
        register_kind(Kind(name, label, template=TEMPLATE))


_URL_PARTS: tuple[str, str] | None = None


def deduction_url(pk: int) -> str:
    """``reverse("deduction-detail", args=[pk])``, the pattern resolved once."""
    global _URL_PARTS
    if _URL_PARTS is None:
        head, _sentinel, tail = reverse("deduction-detail", args=[987654321]).partition("987654321")
        _URL_PARTS = (head, tail)
    return f"{_URL_PARTS[0]}{pk}{_URL_PARTS[1]}"


@dataclass(frozen=True)
class Recorded:
    """A deduction just recorded, as much as telling its party needs."""

    deduction_id: int
    kind: str
    points: Decimal
    grid_point_id: int | None
    region_id: int | None
    unit_id: int | None
    at: datetime


def county_path(path: str) -> str:
    """The path of the county a region path lies in (the first two segments)."""
    parts = path.split("/")
    return "/".join(parts[:2]) + "/" if len(parts) > 2 else path


def _parties(places: dict, recorded: Iterable[Recorded]) -> dict[tuple[str, int], list[int]]:
    """The people to tell for each target (``("grid_point_id", 12)`` → their ids), one query
    per kind of target."""
    recorded = list(recorded)
    people: dict[tuple[str, int], list[int]] = {}
    points = {r.grid_point_id for r in recorded if r.grid_point_id}
    if points:
        for pk in points:
            head = places["grid_point_id"][pk].head_id
            people[("grid_point_id", pk)] = [head] if head else []
        heads = User.objects.filter(
            role=Role.GRID_HEAD, grid_point_id__in=many_ids(points), is_active=True
        ).values_list("grid_point_id", "pk")
        for point, pk in heads:
            people[("grid_point_id", point)].append(pk)
    regions = {r.region_id for r in recorded if r.region_id}
    if regions:
        by_county: dict[str, list[int]] = {}
        for pk in regions:
            by_county.setdefault(county_path(places["region_id"][pk].path), []).append(pk)
        for pk in regions:
            people[("region_id", pk)] = []
        admins = User.objects.filter(
            role=Role.COUNTY_ADMIN, region__path__in=list(by_county), is_active=True
        ).values_list("region__path", "pk")
        for path, pk in admins:
            for region in by_county.get(path, ()):
                people[("region_id", region)].append(pk)
    units = {r.unit_id for r in recorded if r.unit_id}
    if units:
        for pk in units:
            people[("unit_id", pk)] = []
        liaisons = User.objects.filter(
            role=Role.UNIT_LIAISON, unit_id__in=units, is_active=True
        ).values_list("unit_id", "pk")
        for unit, pk in liaisons:
            people[("unit_id", unit)].append(pk)
    return people


def _key(r) -> tuple[str, int]:
    if r.grid_point_id:
        return ("grid_point_id", r.grid_point_id)
    if r.region_id:
        return ("region_id", r.region_id)
    return ("unit_id", r.unit_id)


def _subject(kind: str, points: Decimal) -> str:
    from duty.models import DeductionKind

    return f"{choice_label(DeductionKind, kind)} {points:+g}"


def tell_recorded(recorded: list[Recorded], *, places: dict) -> int:
    """Tell each deduction's party (see the module); the number of notifications written.

    Built for a sweep's 15,000 rows: the subjects and the local times are formatted once per
    rule and per moment, the rows written as plain tuples (``notify_many``)."""
    people = _parties(places, recorded)
    subjects: dict[tuple[str, Decimal], str] = {}
    moments: dict[datetime, str] = {}
    messages = []
    for r in recorded:
        key = _key(r)
        target = places[key[0]][key[1]]
        subject = subjects.get((r.kind, r.points))
        if subject is None:
            subject = subjects[(r.kind, r.points)] = _subject(r.kind, r.points)
        moment = moments.get(r.at)
        if moment is None:
            moment = moments[r.at] = f"{timezone.localtime(r.at):%Y-%m-%d %H:%M}"
        messages.append(
            Message(
                recipient_ids=people.get(key, []),
                kind="deduction_bonus" if r.points > 0 else "deduction_recorded",
                subject=subject,
                text=f"{target.name} · {moment}",
                url=deduction_url(r.deduction_id),
            )
        )
    return notify_many(messages=messages)


def _party_of(deduction) -> list[int]:
    from duty.deductions.services import _Target

    column, pk = _key(deduction)
    target = deduction.target
    place = _Target(deduction.target_path, str(target), head_id=getattr(target, "head_id", None))
    recorded = Recorded(
        deduction.pk,
        deduction.kind,
        deduction.points,
        deduction.grid_point_id,
        deduction.region_id,
        deduction.unit_id,
        deduction.at,
    )
    return _parties({column: {pk: place}}, [recorded]).get((column, pk), [])


def tell_appealed(deduction) -> int:
    """The city's system admins, who decide appeals."""
    city = deduction.target_path.split("/", 1)[0] + "/"
    admins = User.objects.filter(
        role=Role.SYS_ADMIN, region__path=city, is_active=True
    ).values_list("pk", flat=True)
    return notify_many(
        messages=[
            Message(
                recipient_ids=list(admins),
                kind="deduction_appealed",
                subject=_subject(deduction.kind, deduction.points),
                text=f"{deduction.target} · {deduction.appeal_reason}",
                url=deduction_url(deduction.pk),
            )
        ]
    )


def tell_decided(deduction) -> int:
    """The one who appealed and the penalised party."""
    from duty.models import DeductionStatus

    outcome = _("cancelled") if deduction.status == DeductionStatus.CANCELLED else _("upheld")
    return notify_many(
        messages=[
            Message(
                recipient_ids=[deduction.appealed_by_id, *_party_of(deduction)],
                kind="deduction_decided",
                subject=f"{_subject(deduction.kind, deduction.points)} · {outcome}",
                text=f"{deduction.target} · {deduction.decision_note}",
                url=deduction_url(deduction.pk),
            )
        ]
    )
