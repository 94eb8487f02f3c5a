"""Failures are visible to a system admin in the admin: filter by failed, see the attempts,
try again; scoped to their own city like the grid's admin."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from grid.models import Role
from notifications.delivery import notifications_drain
from notifications.models import Delivery, DeliveryStatus
from notifications.services import notify
from notifications.tests.factories import prefer

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(city, other_city, robot, settings):
    """A delivery given up in each city (the robot answers 500)."""
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    robot.status, robot.answer = 500, {"errcode": -1, "errmsg": "busy"}
    people = [city.county_admin(0), other_city.county_admin(0)]
    for person in people:
        prefer(person, wecom_url=robot.url())
        notify(recipient_ids=[person.pk], kind="k", subject=f"YZ-{person.region.code}")
    assert notifications_drain().failed == 2
    return people


def test_a_city_admin_lists_their_citys_failed_deliveries(client, city, failed):
    client.force_login(city.city_user(Role.SYS_ADMIN, is_staff=True))
    url = reverse("admin:notifications_delivery_changelist")
    html = client.get(url, {"status__exact": "failed"}).content.decode()
    assert f"YZ-{failed[0].region.code}" in html
    assert f"YZ-{failed[1].region.code}" not in html  # another city's
    assert "HTTP 500" in html
    ours = Delivery.objects.get(recipient=failed[0])
    page = client.get(reverse("admin:notifications_delivery_change", args=[ours.pk]))
    assert page.status_code == 200
    assert "HTTP 500" in page.content.decode()  # the attempt, inline
    other = Delivery.objects.get(recipient=failed[1])
    assert (
        client.get(reverse("admin:notifications_delivery_change", args=[other.pk])).status_code
        == 302
    )


def test_trying_failed_deliveries_again(client, city, failed, robot):
    client.force_login(city.city_user(Role.SYS_ADMIN, is_staff=True))
    ours = Delivery.objects.get(recipient=failed[0])
    response = client.post(
        reverse("admin:notifications_delivery_changelist"),
        {"action": "retry", "_selected_action": [ours.pk]},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.attempts) == (DeliveryStatus.PENDING, 0)
    robot.status, robot.answer = 200, {"errcode": 0}
    assert notifications_drain(now=timezone.now()).sent == 1


def test_people_other_than_system_admins_see_no_deliveries(client, city, failed):
    client.force_login(city.city_user(Role.LEADER, is_staff=True))
    url = reverse("admin:notifications_delivery_changelist")
    assert client.get(url).status_code == 403
