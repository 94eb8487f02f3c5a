"""Who hears of a deduction, and the kinds of notification deductions send (declared with
notifications' registry at start-up: :func:`register_kinds`).

- a deduction or bonus recorded: the penalised (or praised) party — the grid point's head and
  grid heads, the admins of the township's or county's county, the unit's liaisons;
- an appeal: the city's system admins, who decide it;
- a decision: the one who appealed and the party.

Rows are written in the caller's transaction (notifications' outbox); a sweep's recorded
deductions are told in one ``INSERT … SELECT`` per 5,000, which finds their parties itself.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duty.models import Deduction
from grid.labels import choice_label
from grid.models import GridPoint, Level, Region, Role, Unit, User
from grid.rowsets import pg_array, values_cte
from notifications.services import Message, notify_many, notify_select

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


def deduction_url_parts() -> tuple[str, str]:
    """What comes before and after the id in a deduction's URL (the pattern resolved once)."""
    global _URL_PARTS
    if _URL_PARTS is None:
        head, _sentinel, tail = reverse("deduction-detail", args=[987654321]).partition("987654321")
        _URL_PARTS = (head, tail)
    return _URL_PARTS


def deduction_url(pk: int) -> str:
    """``reverse("deduction-detail", args=[pk])``."""
    head, tail = deduction_url_parts()
    return f"{head}{pk}{tail}"


def _key(r) -> tuple[str, int]:
    if r.grid_point_id:
        return ("grid_point_id", r.grid_point_id)
    if r.region_id:
        return ("region_id", r.region_id)
    return ("unit_id", r.unit_id)


def _subject(kind: str, points: Decimal) -> str:
    from duty.models import DeductionKind

    return f"{choice_label(DeductionKind, kind)} {points:+g}"


def _parties_sql(column: str, where: str) -> str:
    """The people to tell of each deduction ``d`` that ``where`` picks, as (deduction_id,
    recipient_id) rows without repeats: a grid point's head and its active grid heads; the
    active county admins of a township's or county's county; a unit's active liaisons (with
    :func:`_parties_params`, which repeats ``where``'s parameters where it is used twice)."""
    quote = connection.ops.quote_name
    deduction = quote(Deduction._meta.db_table)
    users = quote(User._meta.db_table)
    if column == "grid_point_id":
        points = quote(GridPoint._meta.db_table)
        return (
            f"SELECT d.id AS deduction_id, g.head_id AS recipient_id FROM {deduction} d "  # noqa: S608
            f"JOIN {points} g ON g.id = d.grid_point_id WHERE {where} AND g.head_id IS NOT NULL "
            f"UNION SELECT d.id, u.id FROM {deduction} d "
            f"JOIN {users} u ON u.grid_point_id = d.grid_point_id "
            f"WHERE {where} AND u.role = %s AND u.is_active"
        )
    if column == "region_id":
        regions = quote(Region._meta.db_table)
        # The admins' county: the region whose path begins the target's path.
        return (
            f"SELECT DISTINCT d.id AS deduction_id, u.id AS recipient_id FROM {deduction} d "  # noqa: S608
            f"JOIN {regions} c ON c.level = %s "
            f"AND c.path = substr(d.target_path, 1, length(c.path)) "
            f"JOIN {users} u ON u.region_id = c.id WHERE {where} AND u.role = %s AND u.is_active"
        )
    return (
        f"SELECT DISTINCT d.id AS deduction_id, u.id AS recipient_id FROM {deduction} d "  # noqa: S608
        f"JOIN {users} u ON u.unit_id = d.unit_id WHERE {where} AND u.role = %s AND u.is_active"
    )


def _parties_params(column: str, where: list) -> list:
    if column == "grid_point_id":
        return [*where, *where, Role.GRID_HEAD.value]
    if column == "region_id":
        return [Level.COUNTY.value, *where, Role.COUNTY_ADMIN.value]
    return [*where, Role.UNIT_LIAISON.value]


def _picked(ids: list[int]) -> tuple[str, list]:
    """``d.id`` among ``ids``: one array parameter on PostgreSQL, else a list."""
    if connection.vendor == "postgresql":
        return "d.id = ANY(%s::bigint[])", [pg_array(ids)]
    return "d.id IN (" + ", ".join(["%s"] * len(ids)) + ")", list(ids)


_NAMED = {"grid_point_id": GridPoint, "region_id": Region, "unit_id": Unit}


def tell_recorded(
    recorded: list[tuple[int, datetime]], *, column: str, kind: str, points: Decimal
) -> int:
    """Tell the parties (see the module) of deductions just recorded, each given as (id, its
    moment), all of one ``kind`` and ``points`` and against targets of one ``column``; the
    number of notifications written.

    Built for a sweep's 15,000 rows: one ``INSERT … SELECT`` joins each deduction to its
    target's name, its parties and its moment's local time (formatted here, once per moment);
    nothing is read into Python."""
    if not recorded:
        return 0
    ops = connection.ops
    moments = [
        (ops.adapt_datetimefield_value(at), f"{timezone.localtime(at):%Y-%m-%d %H:%M}")
        for at in {at for _pk, at in recorded}
    ]
    cte, params = values_cte("m", (("at", "timestamptz"), ("moment", "text")), moments)
    where, picked = _picked([pk for pk, _at in recorded])
    named = ops.quote_name(_NAMED[column]._meta.db_table)
    deduction = ops.quote_name(Deduction._meta.db_table)
    head, tail = deduction_url_parts()
    select = (
        f"{cte} SELECT p.recipient_id, %s AS subject, t.name || %s || m.moment AS text, "  # noqa: S608
        f"%s || CAST(d.id AS text) || %s AS url "
        f"FROM ({_parties_sql(column, where)}) p "
        f"JOIN {deduction} d ON d.id = p.deduction_id "
        f"JOIN {named} t ON t.id = d.{ops.quote_name(column)} "
        f"JOIN m ON m.at = d.at"
    )
    params += [_subject(kind, points), " · ", head, tail, *_parties_params(column, picked)]
    return notify_select(
        kind="deduction_bonus" if points > 0 else "deduction_recorded", sql=select, params=params
    )


def _party_of(deduction) -> list[int]:
    """The people :func:`tell_recorded` told of ``deduction``."""
    column, _pk = _key(deduction)
    where, picked = _picked([deduction.pk])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT recipient_id FROM ({_parties_sql(column, where)}) p",  # noqa: S608
            _parties_params(column, picked),
        )
        return [pk for (pk,) in cursor.fetchall()]


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
