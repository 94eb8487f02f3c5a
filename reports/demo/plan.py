"""What the generated history is made of: texts, who may act, how cases end, their steps."""

from __future__ import annotations

import random
from dataclasses import dataclass

from grid.clocks import clock_rule_for
from grid.models import (
    GRID_POINT_ROLES,
    Clock,
    ClockRule,
    Level,
    Region,
    Role,
    Unit,
    UnitKind,
    User,
)
from reports.models import Category, Grade, SourcePlatform, Status

DAYS = 60

TITLES = {
    Category.NEGATIVE: [
        "网传{place}道路塌陷多日无人处理",
        "{place}居民反映小区电梯频繁故障引发不满",
        "短视频称{place}菜市场占道经营影响通行",
        "{place}学校周边交通拥堵家长集中吐槽",
    ],
    Category.RUMOUR: [
        "微信群流传“{place}自来水被污染”不实消息",
        "网传{place}将整体拆迁，经核实无此计划",
        "朋友圈称{place}发生重大疫情，系谣言",
    ],
    Category.HARMFUL: [
        "QQ群内传播{place}相关低俗视频",
        "论坛帖子恶意攻击{place}干部，含侮辱性言论",
    ],
    Category.SECURITY: [
        "疑似仿冒{place}政府公众号发布虚假通知",
        "{place}某单位网站疑遭篡改",
    ],
    Category.APPEAL: [
        "{place}村民反映农民工工资拖欠问题",
        "{place}居民反映供暖不足，诉求集中",
        "{place}群众反映养老保险办理不便",
    ],
    Category.OTHER: ["{place}网民关注的其他事项"],
}
BODY = (
    "{platform}上出现相关内容，截至发现时已有较多转发和评论，部分网民情绪激动。"
    "信息员已截图留存，请核实情况并及时处置回应。"
)
CATEGORY_WEIGHTS = [
    (Category.NEGATIVE, 35),
    (Category.APPEAL, 30),
    (Category.RUMOUR, 15),
    (Category.HARMFUL, 7),
    (Category.SECURITY, 5),
    (Category.OTHER, 8),
]
PLATFORM_HOSTS = {
    SourcePlatform.WEIBO: "https://weibo.com/{n}/status",
    SourcePlatform.SHORT_VIDEO: "https://www.douyin.com/video/{n}",
    SourcePlatform.NEWS: "https://news.example.cn/article/{n}",
    SourcePlatform.FORUM: "https://bbs.example.cn/thread-{n}-1-1.html",
    SourcePlatform.GOV_BOARD: "https://liuyan.example.gov.cn/detail/{n}",
}


@dataclass(frozen=True)
class Reporter:
    user_id: int
    region_id: int
    region_path: str
    county_id: int
    township_code: str
    place: str


@dataclass
class Cast:
    """Who may act on the generated cases."""

    reporters: list[Reporter]
    county_admin: dict[int, int]  # county id → user id
    duty_officer: dict[str, int]  # city code → user id
    township_unit: dict[str, int]  # township code → unit id
    city_units: dict[str, list[int]]  # city code → department unit ids
    liaison: dict[int, int]  # unit id → user id

    @classmethod
    def load(cls) -> Cast:
        regions = {r.code: r for r in Region.objects.filter(level=Level.COUNTY).only("pk", "code")}
        reporters = []
        people = User.objects.filter(
            role__in=sorted(GRID_POINT_ROLES), is_active=True, region__isnull=False
        ).select_related("region")
        for user in people.order_by("pk"):
            codes = user.region.path.rstrip("/").split("/")
            if len(codes) < 3 or codes[1] not in regions:
                continue
            reporters.append(
                Reporter(
                    user.pk,
                    user.region_id,
                    user.region.path,
                    regions[codes[1]].pk,
                    codes[2],
                    user.region.name,
                )
            )
        county_admin = dict(
            User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True)
            .order_by("region_id", "pk")
            .values_list("region_id", "pk")
        )
        duty_officer = dict(
            User.objects.filter(role=Role.DUTY_OFFICER, is_active=True)
            .order_by("pk")
            .values_list("region__code", "pk")
        )
        township_unit = dict(
            Unit.objects.filter(kind=UnitKind.TOWNSHIP, is_active=True).values_list(
                "region__code", "pk"
            )
        )
        city_units: dict[str, list[int]] = {}
        for code, pk in Unit.objects.filter(
            kind=UnitKind.DEPARTMENT, region__level=Level.CITY, is_active=True
        ).values_list("region__code", "pk"):
            city_units.setdefault(code, []).append(pk)
        liaison = dict(
            User.objects.filter(role=Role.UNIT_LIAISON, is_active=True, unit__isnull=False)
            .order_by("unit_id", "pk")
            .values_list("unit_id", "pk")
        )
        return cls(reporters, county_admin, duty_officer, township_unit, city_units, liaison)


def disposal_rules() -> dict[str, ClockRule]:
    """The disposal clock's rule for each grade, as intake applies it (grid.clocks)."""
    return {grade: clock_rule_for(clock=Clock.DISPOSAL, grade=grade) for grade in Grade.values}


def final_status(age_days: float, rng: random.Random) -> str:
    """Old cases are mostly settled; recent ones are still moving."""
    x = rng.random()
    if age_days > 7:
        table = [
            (0.62, "closed_local"),
            (0.84, "closed_routed"),
            (0.93, Status.REJECTED),
            (0.96, Status.ROUTED),
            (0.98, Status.LOCAL_HANDLING),
            (1.0, Status.ESCALATED),
        ]
    elif age_days > 1:
        table = [
            (0.25, "closed_local"),
            (0.35, "closed_routed"),
            (0.42, Status.REJECTED),
            (0.62, Status.LOCAL_HANDLING),
            (0.74, Status.ESCALATED),
            (0.88, Status.ROUTED),
            (0.92, Status.RETURNED),
            (1.0, Status.SUBMITTED),
        ]
    else:
        table = [
            (0.55, Status.SUBMITTED),
            (0.7, Status.LOCAL_HANDLING),
            (0.8, Status.ESCALATED),
            (0.88, Status.ROUTED),
            (0.93, Status.RETURNED),
            (1.0, Status.REJECTED),
        ]
    return next(status for limit, status in table if x <= limit)


# Event chains per final state: (transition, source, target).
CHAINS = {
    Status.SUBMITTED: [],
    Status.RETURNED: [("return_for_info", Status.SUBMITTED, Status.RETURNED)],
    Status.LOCAL_HANDLING: [("accept_local", Status.SUBMITTED, Status.LOCAL_HANDLING)],
    Status.ESCALATED: [("escalate", Status.SUBMITTED, Status.ESCALATED)],
    Status.ROUTED: [
        ("escalate", Status.SUBMITTED, Status.ESCALATED),
        ("route", Status.ESCALATED, Status.ROUTED),
    ],
    "closed_local": [
        ("accept_local", Status.SUBMITTED, Status.LOCAL_HANDLING),
        ("close", Status.LOCAL_HANDLING, Status.CLOSED),
    ],
    "closed_routed": [
        ("escalate", Status.SUBMITTED, Status.ESCALATED),
        ("route", Status.ESCALATED, Status.ROUTED),
        ("close", Status.ROUTED, Status.CLOSED),
    ],
    Status.REJECTED: [("reject", Status.SUBMITTED, Status.REJECTED)],
}
COMMENTS = {
    "return_for_info": "请补充原帖链接和截图",
    "accept_local": "属地处置",
    "escalate": "涉及跨区域协调，报市平台",
    "route": "请牵头单位核实处置并按时回复",
    "close": "已核实处置，并在原平台回应网民关切",
    "reject": "经核实为无效信息",
}


def actors_for(who: Reporter, cast: Cast, rng: random.Random) -> dict | None:
    """People and units who may have acted on a case filed by ``who``."""
    admin = cast.county_admin.get(who.county_id)
    city_code = who.region_path.split("/", 1)[0]
    duty = cast.duty_officer.get(city_code)
    township_unit = cast.township_unit.get(who.township_code)
    departments = cast.city_units.get(city_code) or []
    if admin is None or duty is None or township_unit is None or not departments:
        return None
    lead = rng.choice(departments)
    return {
        "admin": admin,
        "duty": duty,
        "township_unit": township_unit,
        "lead_unit": lead,
        "township_liaison": cast.liaison.get(township_unit, admin),
        "lead_liaison": cast.liaison.get(lead, duty),
    }


def actor_for(name: str, chain: list, actors: dict) -> int:
    if name == "route":
        return actors["duty"]
    if name == "close":
        routed = any(step[0] == "route" for step in chain)
        return actors["lead_liaison"] if routed else actors["township_liaison"]
    return actors["admin"]


def unit_for(name: str, chain: list, actors: dict) -> int | None:
    """The unit a generated step concerns (ReportEvent.unit), as the workflow records it."""
    if name == "accept_local":
        return actors["township_unit"]
    if name == "route":
        return actors["lead_unit"]
    if name == "close":
        routed = any(step[0] == "route" for step in chain)
        return actors["lead_unit"] if routed else actors["township_unit"]
    return None
