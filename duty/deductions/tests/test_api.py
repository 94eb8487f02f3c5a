"""The deductions API: scoped list with its filters, manual deductions, appeal and decision
(404, 409, 403, 400 in that order), the schema."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch.tests.factories import api
from duty.deductions.services import deduction_appeal, deduction_record, deductions_from_events
from duty.models import Deduction, DeductionStatus
from grid.hooks import ScoreEvent
from grid.models import GridPoint, Role
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/deductions/"
AT = datetime(2026, 11, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def url(d: Deduction, action: str = "") -> str:
    return f"{LIST}{d.pk}/{action + '/' if action else ''}"


def missed(cast, *, at=AT, offset=0) -> None:
    """Every grid point missed a daily report (a source row each, ``offset`` apart)."""
    deductions_from_events(
        [
            ScoreEvent(
                kind="daily_report_missed",
                source_model=GridPoint,
                source_id=p.pk + offset,
                target_model=GridPoint,
                target_id=p.pk,
                at=at,
            )
            for p in cast.city.grid_points
        ]
    )


def manual(cast, **kw) -> Deduction:
    fields = {"by": cast.duty, "kind": "report_missed", "target": cast.point, "reason": "瞒报"}
    fields.update(kw)
    return deduction_record(**fields)


def test_the_list_is_scoped_and_filtered(cast):
    missed(cast)
    missed(cast, at=datetime(2026, 10, 30, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai")), offset=1000)
    manual(cast)
    body = api(cast.county_admin).get(LIST).json()
    assert body["count"] == 9  # county 0's 4 grid points, twice, and the manual one
    first = body["results"][0]
    assert first["target"]["type"] == "grid_point"
    assert first["source"] is None or first["source"]["type"] == "grid.gridpoint"
    assert api(cast.county_admin).get(LIST, {"month": "2026-10"}).json()["count"] == 4
    assert api(cast.county_admin).get(LIST, {"kind": "report_missed"}).json()["count"] == 1
    township = cast.city.townships[0]
    only = api(cast.county_admin).get(LIST, {"target": f"region:{township.pk}"}).json()
    assert only["count"] == 5  # its 2 grid points, twice, and the manual one
    point = api(cast.duty).get(LIST, {"target": f"grid_point:{cast.point.pk}"}).json()
    assert point["count"] == 3
    assert api(cast.duty).get(LIST, {"status": "cancelled"}).json()["count"] == 0
    assert api(cast.head).get(LIST).json()["count"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "november"}, "month"),
        ({"kind": "nope"}, "kind"),
        ({"status": "gone"}, "status"),
        ({"target": "village:1"}, "target"),
        ({"target": "grid_point:999999"}, "target"),
    ],
)
def test_bad_filters_answer_400_naming_them(cast, query, field):
    response = api(cast.duty).get(LIST, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_target_outside_the_jurisdiction_is_a_400(cast):
    other = cast.city.grid_points[-1]  # county 1
    response = api(cast.county_admin).get(LIST, {"target": f"grid_point:{other.pk}"})
    assert response.status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(cast, django_assert_num_queries):
    missed(cast)
    client = api(cast.duty)
    for size in (1, 50):
        with django_assert_num_queries(3):  # the token with its person, the page, its count
            response = client.get(LIST, {"page_size": size})
        assert response.status_code == 200
    with django_assert_num_queries(4):  # and the target's lookup
        assert client.get(LIST, {"target": f"grid_point:{cast.point.pk}"}).status_code == 200


def test_a_duty_officer_records_by_hand(cast):
    response = api(cast.duty).post(
        LIST,
        {
            "kind": "mishandled",
            "grade": "general",
            "responsibility": "indirect",
            "target_type": "region",
            "target": cast.city.townships[0].code,
            "reason": "处置不当引发更大舆情",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["points"] == -10
    assert body["target"]["id"] == cast.city.townships[0].pk
    assert body["history"][0]["action"] == "recorded"
    assert body["created_by"] == cast.duty.pk


def test_a_manual_deduction_refused_says_why(cast):
    client = api(cast.duty)
    response = client.post(LIST, {"kind": "report_missed", "target_type": "unit"}, format="json")
    assert response.status_code == 400
    assert {"target", "reason"} <= set(response.json()["errors"])
    outside = client.post(
        LIST,
        {"kind": "report_missed", "target_type": "grid_point", "target": "GP-NOPE", "reason": "x"},
        format="json",
    )
    assert "target" in outside.json()["errors"]
    assert api(cast.county_admin).post(LIST, {}, format="json").status_code == 403
    assert not Deduction.objects.exists()


def test_appeal_and_decision_through_the_api(cast):
    deduction = manual(cast)
    response = api(cast.head).post(url(deduction, "appeal"), {"reason": "已上报"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == DeductionStatus.APPEALED
    assert response.json()["available_actions"] == []
    detail = api(cast.admin).get(url(deduction)).json()
    assert detail["available_actions"] == ["decide"]
    response = api(cast.admin).post(
        url(deduction, "decide"), {"decision": "cancel", "note": "属实"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["counts"] is False
    assert [e["action"] for e in response.json()["history"]] == [
        "recorded",
        "appealed",
        "cancelled",
    ]


def test_refusals_come_in_order(cast, other_city):
    deduction = manual(cast)
    stranger = UserFactory(
        role=Role.GRID_HEAD, region=other_city.villages[0], grid_point=other_city.grid_points[0]
    )
    appeal = url(deduction, "appeal")
    assert api(stranger).post(appeal, {}, format="json").status_code == 404
    assert api(cast.county_admin).post(appeal, {}, format="json").status_code == 403
    assert api(cast.head).post(appeal, {}, format="json").status_code == 400
    assert api(cast.head).post(appeal, "[1]", content_type="application/json").status_code == 400
    deduction_appeal(deduction_id=deduction.pk, by=cast.head, reason="理由")
    assert api(cast.head).post(appeal, {}, format="json").status_code == 409
    decide = url(deduction, "decide")
    assert api(stranger).post(decide, {}, format="json").status_code == 404
    assert api(cast.duty).post(decide, {}, format="json").status_code == 403
    bad = api(cast.admin).post(decide, {"decision": "maybe"}, format="json")
    assert bad.status_code == 400
    assert {"decision", "note"} <= set(bad.json()["errors"])
    assert (
        api(cast.admin)
        .post(decide, {"decision": "uphold", "note": "维持"}, format="json")
        .status_code
        == 200
    )
    assert api(cast.admin).post(decide, {}, format="json").status_code == 409
    assert api(cast.admin).get(f"{LIST}987654/").status_code == 404


def test_the_schema_describes_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/deductions/"])
    params = {p["name"] for p in paths["/api/v1/deductions/"]["get"]["parameters"]}
    assert {"month", "kind", "target", "status", "page", "page_size"} <= params
    for action in ("appeal", "decide"):
        responses = paths[f"/api/v1/deductions/{{id}}/{action}/"]["post"]["responses"]
        assert {"200", "400", "403", "404", "409"} <= set(responses)
