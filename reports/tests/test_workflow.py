"""The workflow's one declaration per transition, its hooks, and what each step records."""

from __future__ import annotations

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from grid.models import Role, UnitKind, User
from grid.tests.factories import UserFactory
from reports import hooks
from reports.models import Report, ReportEvent, Status
from reports.services import PayloadInvalid, report_transition
from reports.tests.factories import submit
from reports.tests.test_api import api, detail_url
from reports.workflow import TRANSITIONS, payload_form

pytestmark = pytest.mark.django_db


def _units(city):
    county = city.counties[0]
    township = next(
        u for u in city.units if u.kind == UnitKind.TOWNSHIP and u.region.is_within(county)
    )
    lead = next(u for u in city.units if u.region == county)
    return township, lead


def _routed(city):
    admin, duty = city.county_admin(0), city.city_user(Role.DUTY_OFFICER)
    _township, lead = _units(city)
    report = submit(city.informant(0))
    report_transition(report_id=report.pk, by=admin, name="escalate", data={"reason": "跨县"})
    report_transition(
        report_id=report.pk,
        by=duty,
        name="route",
        data={"grade": "important", "lead_unit": lead.pk},
    )
    liaison = UserFactory(role=Role.UNIT_LIAISON, region=city.counties[0], unit=lead)
    return report, liaison, lead


@pytest.fixture
def registered():
    """Hooks and conditions a test registers, removed again afterwards."""
    added: list = []
    yield added
    for fn in added:
        hooks.unregister(fn)


def test_every_transition_is_declared_once_with_its_payload_and_words():
    fsm = {t.name for t in Report._meta.get_field("status").get_all_transitions(Report)}
    assert set(TRANSITIONS) == fsm
    for name, transition in TRANSITIONS.items():
        assert transition.name == name
        assert payload_form(name) is transition.payload
        assert str(transition.label)
        assert str(transition.button)
        assert str(transition.done)


def test_an_after_hook_runs_in_the_transition_and_sees_the_step(city, registered):
    seen = []

    def hook(step) -> None:
        assert transaction.get_connection().in_atomic_block
        seen.append((step.name, step.source, step.report.status, step.event.pk, step.unit))

    registered.append(hook)
    hooks.register_after(hook, names=["accept_local"])
    township, _lead = _units(city)
    report = submit(city.informant(0))
    report_transition(
        report_id=report.pk,
        by=city.county_admin(0),
        name="accept_local",
        data={"unit": township.pk},
    )
    event = ReportEvent.objects.get(report=report, transition="accept_local")
    assert seen == [("accept_local", Status.SUBMITTED, Status.LOCAL_HANDLING, event.pk, township)]
    # Only for the transitions it was registered for.
    report_transition(
        report_id=report.pk, by=city.county_admin(0), name="escalate", data={"reason": "跨县"}
    )
    assert len(seen) == 1


def test_a_hook_that_fails_undoes_the_whole_transition(city, registered):
    def refuse(step) -> None:
        raise RuntimeError("dispatch could not record the routing")

    registered.append(refuse)
    hooks.register_after(refuse)
    report = submit(city.informant(0))
    with pytest.raises(RuntimeError):
        report_transition(
            report_id=report.pk, by=city.county_admin(0), name="escalate", data={"reason": "x"}
        )
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert not ReportEvent.objects.filter(report=report, transition="escalate").exists()


def test_a_registered_condition_is_checked_with_the_state_everywhere(city, registered, client):
    # What dispatch will register: a routed case closes only once its reply is approved.
    def reply_approved(report) -> bool:
        return report.resolution == "approved"

    registered.append(reply_approved)
    hooks.register_condition("close", reply_approved, "The reply must be approved first.")
    report, liaison, _lead = _routed(city)

    body = api(liaison).get(detail_url(report)).json()
    assert {t["name"] for t in body["available_transitions"]} == {"bounce"}
    response = api(liaison).post(
        f"/api/v1/reports/{report.pk}/transitions/close/", {}, format="json"
    )
    # 409 with the condition's words, before the (missing) payload is looked at.
    assert response.status_code == 409
    assert response.json()["detail"] == "The reply must be approved first."
    client.force_login(liaison)
    page = client.post(
        reverse("report-transition", args=[report.pk, "close"]),
        {"close-resolution": "已办", "close-answered_via": "phone"},
    )
    assert page.status_code == 409
    assert "The reply must be approved first." in page.content.decode()
    report.refresh_from_db()
    assert report.status == Status.ROUTED


def test_an_extended_payload_is_what_the_page_and_the_api_take(city, client):
    base = payload_form("route")

    class RouteWithDeadline(base):
        reply_days = forms.IntegerField(min_value=1, max_value=5)

    try:
        hooks.extend_payload("route", RouteWithDeadline)
        _township, lead = _units(city)
        duty = city.city_user(Role.DUTY_OFFICER)
        report = submit(city.informant(0))
        report_transition(
            report_id=report.pk, by=city.county_admin(0), name="escalate", data={"reason": "x"}
        )
        response = api(duty).post(
            f"/api/v1/reports/{report.pk}/transitions/route/",
            {"grade": "general", "lead_unit": lead.pk},
            format="json",
        )
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {"reply_days"}
        client.force_login(duty)
        html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
        assert 'name="route-reply_days"' in html
        hooks.extend_payload("route", forms.Form)  # not a route payload: refused when used
        with pytest.raises(TypeError):
            payload_form("route")
    finally:
        hooks.unregister(forms.Form)
        hooks.unregister(RouteWithDeadline)
    assert payload_form("route") is base


def test_events_name_the_unit_each_step_concerns(city):
    report, liaison, lead = _routed(city)
    report_transition(report_id=report.pk, by=liaison, name="bounce", data={"reason": "非本单位"})
    township, _lead = _units(city)
    local = submit(city.informant(0))
    admin = city.county_admin(0)
    report_transition(report_id=local.pk, by=admin, name="accept_local", data={"unit": township.pk})
    report_transition(
        report_id=local.pk,
        by=admin,
        name="close",
        data={"resolution": "已处置", "answered_via": "phone"},
    )
    units = dict(
        ReportEvent.objects.filter(report__in=[report, local])
        .exclude(transition__in=["submit", "escalate"])
        .values_list("transition", "unit")
    )
    assert units == {
        "route": lead.pk,
        "bounce": lead.pk,  # the misroute, counted against the routing
        "accept_local": township.pk,
        "close": township.pk,
    }


def test_what_the_product_does_itself_reads_system(city):
    system = User.objects.system()
    assert User.objects.system() == system
    assert not system.is_active
    assert not system.has_usable_password()
    report = submit(city.informant(0))
    ReportEvent.objects.create(
        report=report,
        transition="escalate",
        source=Status.SUBMITTED,
        target=Status.SUBMITTED,
        actor=system,
        at=report.created_at,
        comment="reminder",
    )
    history = api(city.county_admin(0)).get(detail_url(report)).json()["history"]
    assert history[-1]["actor_name"] == "System"
    # The system sees the whole installation, as its sweeps must.
    assert Report.objects.visible_to(system).filter(pk=report.pk).exists()


def test_the_page_answers_409_before_400_for_a_step_the_state_does_not_allow(client, city):
    report = submit(city.informant(0))
    client.force_login(city.county_admin(0))
    # close is not possible on a submitted case, and its payload is missing too.
    response = client.post(reverse("report-transition", args=[report.pk, "close"]), {})
    assert response.status_code == 409


def test_close_records_how_the_citizen_was_answered_and_the_return_visit(city):
    township, _lead = _units(city)
    admin = city.county_admin(0)
    report = submit(city.informant(0))
    report_transition(
        report_id=report.pk, by=admin, name="accept_local", data={"unit": township.pk}
    )
    base = {"resolution": "已处置", "answered_via": "phone", "answered_where": "电话回访"}
    for payload, field in (
        ({**base, "return_visit": True}, "satisfaction"),  # visited: say what they said
        ({**base, "satisfaction": "satisfied"}, "satisfaction"),  # said, but no visit
        ({**base, "answered_via": "pigeon"}, "answered_via"),
    ):
        with pytest.raises(PayloadInvalid) as refused:
            report_transition(report_id=report.pk, by=admin, name="close", data=payload)
        assert set(refused.value.form.errors) == {field}
    closed = report_transition(
        report_id=report.pk,
        by=admin,
        name="close",
        data={**base, "return_visit": True, "satisfaction": "basically_satisfied"},
    )
    assert (closed.answered_via, closed.answered_where) == ("phone", "电话回访")
    assert (closed.return_visit, closed.satisfaction) == (True, "basically_satisfied")
    event = ReportEvent.objects.get(report=report, transition="close")
    assert event.data == {
        "answered_via": "phone",
        "answered_where": "电话回访",
        "return_visit": True,
        "satisfaction": "basically_satisfied",
    }
