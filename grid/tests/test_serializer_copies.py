"""Serializer fields copied per instance (grid.api.serializers.LightFieldCopies)."""

from __future__ import annotations

from django.utils import translation
from rest_framework import serializers

from grid.api.serializers import ChoiceLabelField, LightFieldCopies
from grid.models import Role


class _Person(LightFieldCopies, serializers.Serializer):
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    role_display = ChoiceLabelField(Role, source="role")
    tags = serializers.ListField(child=serializers.CharField())


def test_each_instance_binds_copies_of_its_own():
    first, second = _Person(), _Person()
    for name in ("name", "role", "role_display", "tags"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name] is not _Person._declared_fields[name]
        assert first.fields[name].parent is first
    # A field with a child is copied deeply: its child is bound to the copy.
    assert first.fields["tags"].child is not second.fields["tags"].child
    assert first.fields["tags"].child.parent is first.fields["tags"]
    assert _Person._declared_fields["name"].parent is None  # the declared field stays unbound


def test_choice_labels_are_not_shared_between_instances():
    row = {"name": "王", "role": Role.COUNTY_ADMIN, "tags": ["a"]}
    with translation.override("en"):
        english = _Person(row).data["role_display"]
    with translation.override("zh-hans"):
        chinese = _Person(row).data["role_display"]
    assert english != chinese
    with translation.override("zh-hans"):
        assert _Person(row).data["role_display"] == chinese


def test_many_rows_read_the_fields_listed_once():
    rows = [{"name": f"n{i}", "role": Role.COUNTY_ADMIN, "tags": []} for i in range(3)]
    data = _Person(rows, many=True).data
    assert [row["name"] for row in data] == ["n0", "n1", "n2"]
    assert list(data[0]) == ["name", "role", "role_display", "tags"]
