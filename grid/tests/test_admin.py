"""The Django admin: only grid admins get in, and a city's admin sees only their city."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grid.models import GridPoint, Level, Region, Role, Unit, User
from grid.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_and_english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city_admin(city):
    """A city's system admin: staff, role sys_admin, not a superuser."""
    return city.city_user(Role.SYS_ADMIN, is_staff=True, username="city-admin")


@pytest.fixture
def operator(db):
    return UserFactory(username="root", role="", region=None, is_superuser=True, is_staff=True)


def changelist(client, model: str, **params):
    response = client.get(reverse(f"admin:grid_{model}_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", ["region", "gridpoint", "unit", "user"])
def test_city_admin_sees_only_their_city(client, city, other_city, city_admin, model):
    client.force_login(city_admin)
    rows = changelist(client, model)
    assert rows
    city_path = city.city.path
    paths = [r.path if model == "region" else r.region.path for r in rows]
    assert all(p.startswith(city_path) for p in paths)


def test_city_admin_region_list_is_complete_and_searchable(client, city, other_city, city_admin):
    client.force_login(city_admin)
    assert len(changelist(client, "region")) == 1 + 2 + 4 + 8
    assert [r.name for r in changelist(client, "region", q="第1区1镇1村")] == ["第1区1镇1村"]
    assert len(changelist(client, "region", level=Level.COUNTY)) == 2


def test_operator_sees_every_city(client, city, other_city, operator):
    client.force_login(operator)
    assert len(changelist(client, "region")) == Region.objects.count()


def test_city_admin_cannot_open_another_citys_rows(client, city, other_city, city_admin):
    client.force_login(city_admin)
    foreign_region = other_city.counties[0]
    foreign_point = other_city.grid_points[0]
    foreign_person = other_city.county_admin(0)
    for model, obj in (("region", foreign_region), ("gridpoint", foreign_point)):
        response = client.get(reverse(f"admin:grid_{model}_change", args=[obj.pk]))
        assert response.status_code == 302  # "does not exist", back to the index
    response = client.get(reverse("admin:grid_user_change", args=[foreign_person.pk]))
    assert response.status_code == 302
    response = client.get(reverse("admin:auth_user_password_change", args=[foreign_person.pk]))
    assert response.status_code == 404


def test_city_admin_does_not_see_operators_in_their_city(client, city, city_admin):
    UserFactory(username="op", region=city.city, is_superuser=True, is_staff=True, role="")
    client.force_login(city_admin)
    assert "op" not in [u.username for u in changelist(client, "user")]


def test_autocomplete_is_scoped(client, city, other_city, city_admin):
    client.force_login(city_admin)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "grid", "model_name": "user", "field_name": "region", "term": "区"},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids
    assert ids <= set(Region.objects.visible_to(city_admin).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "make",
    [
        lambda c: c.informant(0),
        lambda c: c.county_admin(0),
    ],
)
def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, city, make):
    client.force_login(make(city))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    response = client.get(reverse("admin:grid_region_changelist"))
    assert response.status_code == 302


def test_staff_without_the_sys_admin_role_is_refused(client, city):
    leader = city.city_user(Role.LEADER, is_staff=True)
    client.force_login(leader)
    assert client.get(reverse("admin:grid_region_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert not index.context["app_list"]


def test_adding_a_region_computes_its_path(client, city, city_admin):
    client.force_login(city_admin)
    township = city.townships[0]
    response = client.post(
        reverse("admin:grid_region_add"),
        {
            "code": "321001001099",
            "name": "新村",
            "level": Level.VILLAGE,
            "kind": "village",
            "parent": township.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    village = Region.objects.get(code="321001001099")
    assert village.path == f"{township.path}321001001099/"
    assert village.is_within(city.counties[0])


def test_region_parent_must_fit_the_level(client, city, city_admin):
    client.force_login(city_admin)
    response = client.post(
        reverse("admin:grid_region_add"),
        {
            "code": "321001001098",
            "name": "错村",
            "level": Level.VILLAGE,
            "kind": "village",
            "parent": city.counties[0].pk,  # a village under a county: refused
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Region.objects.filter(code="321001001098").exists()


def test_city_admin_cannot_add_a_city_or_pick_a_foreign_parent(
    client, city, other_city, city_admin
):
    client.force_login(city_admin)
    add = reverse("admin:grid_region_add")
    response = client.post(add, {"code": "9999", "name": "市", "level": "city", "kind": "city"})
    assert response.status_code == 200
    assert not Region.objects.filter(code="9999").exists()
    response = client.post(
        add,
        {
            "code": "329901001099",
            "name": "越界村",
            "level": Level.VILLAGE,
            "kind": "village",
            "parent": other_city.townships[0].pk,
        },
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Region.objects.filter(code="329901001099").exists()


def test_moving_a_township_rewrites_the_subtree_paths(client, city, city_admin):
    # given: a township of the first county, with two villages and people there
    client.force_login(city_admin)
    township = city.townships[0]
    target = city.counties[1]
    informant = city.informant(0)
    # when: the admin moves it to the second county
    response = client.post(
        reverse("admin:grid_region_change", args=[township.pk]),
        {"name": township.name, "kind": township.kind, "parent": target.pk},
    )
    # then
    assert response.status_code == 302, response.context["adminform"].form.errors
    township.refresh_from_db()
    assert township.parent == target
    assert township.path == f"{target.path}{township.code}/"
    for village in Region.objects.filter(parent=township):
        assert village.path == f"{township.path}{village.code}/"
    second_admin = city.county_admin(1)
    assert User.objects.visible_to(second_admin).filter(pk=informant.pk).exists()
    assert GridPoint.objects.visible_to(second_admin).count() == 6


def test_renaming_a_region_keeps_its_path(client, city, city_admin):
    client.force_login(city_admin)
    county = city.counties[0]
    response = client.post(
        reverse("admin:grid_region_change", args=[county.pk]),
        {"name": "新名区", "kind": county.kind, "parent": city.city.pk},
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.name, county.path) == ("新名区", f"{city.city.path}{county.code}/")


def test_city_admin_adds_a_person_in_their_city(client, city, city_admin):
    client.force_login(city_admin)
    point = city.grid_points[0]
    response = client.post(
        reverse("admin:grid_user_add"),
        {
            "username": "new-informant",
            "usable_password": "true",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "name": "新信息员",
            "phone": "13900000000",
            "role": Role.INFORMANT,
            "region": point.region.pk,
            "grid_point": point.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = User.objects.get(username="new-informant")
    assert (person.name, person.role, person.grid_point) == ("新信息员", "informant", point)
    assert person.check_password("a-Long-pass-2026")


def test_city_admin_cannot_make_a_superuser(client, city, city_admin):
    client.force_login(city_admin)
    person = city.county_admin(0)
    response = client.get(reverse("admin:grid_user_change", args=[person.pk]))
    form = response.context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields


def test_admin_lists_have_constant_queries(
    client, city, city_admin, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(city_admin)
    url = reverse("admin:grid_user_changelist")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(15):
        city.informant(i % 8)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)
    for model in ("region", "gridpoint", "unit"):
        with django_assert_max_num_queries(12):
            client.get(reverse(f"admin:grid_{model}_changelist"))
    assert Unit.objects.count() == 7
