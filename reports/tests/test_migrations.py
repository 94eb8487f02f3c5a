"""What the migrations set up beyond tables and indexes."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
def test_reports_are_vacuumed_after_one_percent_new_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'reports_report'")
        (options,) = cursor.fetchone()
    assert "autovacuum_vacuum_insert_scale_factor=0.01" in options


def test_past_steps_get_the_unit_their_data_recorded(city):
    # given steps written before events had a unit: the unit only in their data
    import importlib

    from django.apps import apps

    from reports.models import ReportEvent
    from reports.services import report_transition
    from reports.tests.factories import submit
    from reports.tests.test_workflow import _units

    township, lead = _units(city)
    admin, duty = city.county_admin(0), city.city_user("duty_officer")
    local, routed = submit(city.informant(0)), submit(city.informant(0))
    report_transition(report_id=local.pk, by=admin, name="accept_local", data={"unit": township.pk})
    report_transition(report_id=routed.pk, by=admin, name="escalate", data={"reason": "跨县"})
    report_transition(
        report_id=routed.pk, by=duty, name="route", data={"grade": "general", "lead_unit": lead.pk}
    )
    from grid.tests.factories import UserFactory

    liaison = UserFactory(role="unit_liaison", region=city.counties[0], unit=lead)
    report_transition(report_id=routed.pk, by=liaison, name="bounce", data={"reason": "非本单位"})
    ReportEvent.objects.update(unit=None)
    # when the migration's data step runs
    migration = importlib.import_module("reports.migrations.0004_event_unit")
    migration.units_from_data(apps, None)
    # then each step names its unit again, and steps without one stay without
    units = dict(ReportEvent.objects.values_list("transition", "unit"))
    assert units == {
        "submit": None,
        "accept_local": township.pk,
        "escalate": None,
        "route": lead.pk,
        "bounce": lead.pk,  # the unit of the routing before it
    }
