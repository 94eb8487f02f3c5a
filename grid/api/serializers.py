"""Serializers of the grid API: read-only views of the grid, the caller, and query filters.

Filter serializers validate query parameters; a bad value answers 400 naming the parameter.
The same classes describe the parameters in the OpenAPI schema, so docs and checks agree.
"""

from __future__ import annotations

import copy

from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from grid.labels import label_in
from grid.models import GridPoint, Level, Region, RegionKind, Role, Unit, UnitKind, User
from grid.rules import people_shown_to

# --- Errors and auth ------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The label of a choice value in the request's language; blank for a blank value.

    ``source="get_status_display"`` costs an ``inspect.signature`` and a choices scan per row
    and field (half the time of a 50-row list). Each serializer has its own copy of its fields
    and answers one request, so the labels are looked up once per field and request, in the
    language active when the first row is written.
    """

    def __init__(self, choices, **kwargs) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.choices = choices
        self._labels: dict[str, str] = {}
        self._language: str | None = None

    def to_representation(self, value) -> str:
        if self._language is None:
            self._language = get_language()
        label = self._labels.get(value)
        if label is None:
            label = self._labels[value] = label_in(self.choices, value, self._language)
        return label

    def __copy__(self) -> ChoiceLabelField:
        """A copy with labels of its own (see :class:`LightFieldCopies`)."""
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone._labels = {}
        clone._language = None
        return clone


class LightFieldCopies:
    """A serializer mixin: each instance's fields are copies of the declared ones, not rebuilt.

    DRF deep-copies every declared field for each serializer instance, which calls each
    field's ``__init__`` again with deep copies of its arguments (every choice list): a tenth
    of a case's API answer. A declared field is never bound itself and ``bind`` only sets
    attributes of the copy, so a shallow copy is the same field; fields with a child or nested
    serializers are deep-copied as DRF does (their child is bound to them). A field that keeps
    state while it writes defines ``__copy__`` (:class:`ChoiceLabelField`).

    The readable fields are listed once per instance, not once per row of a list.
    """

    def get_fields(self) -> dict:
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer) or hasattr(field, "child")
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }

    @cached_property
    def _readable_fields(self) -> list:
        return [field for field in self.fields.values() if not field.write_only]


class OutputModelSerializer(serializers.ModelSerializer):
    """A read-only ModelSerializer whose choice fields admit the blank their model field does.

    DRF drops ``allow_blank`` from read-only fields, so the schema's enum of a choice that may
    be blank (a case not graded yet, a person without a role) left out the "" it answers.
    """

    def include_extra_kwargs(self, kwargs: dict, extra_kwargs: dict) -> dict:
        allow_blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see grid.api.errors)."""

    detail = serializers.CharField(help_text=_("A message for people."))
    code = serializers.CharField(help_text=_("A stable code for programs."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages per field or query parameter (validation errors only)."),
    )


# A paginated list asked for a page it does not have (page=0, past the end, not a number).
PAGE_NOT_FOUND = OpenApiResponse(
    ErrorSerializer, description=_("No such page: page=0, past the last page, or not a number.")
)


class TokenObtainSerializer(serializers.Serializer):
    """Credentials exchanged for an API token."""

    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"), max_length=128, style={"input_type": "password"}, write_only=True
    )
    label = serializers.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_(
            "A name to recognise the token by in your list of tokens; default: the User-Agent."
        ),
    )


class TokenSerializer(serializers.Serializer):
    """A new API token: send it as ``Authorization: Token <token>``. Shown this once only."""

    token = serializers.CharField(
        help_text=_("Send as: Authorization: Token <token>. Shown this once only.")
    )
    id = serializers.IntegerField(help_text=_("Revoke it with DELETE /api/v1/auth/tokens/{id}/."))
    expires_at = serializers.DateTimeField(help_text=_("The token stops working then."))


class ApiTokenSerializer(serializers.Serializer):
    """One of the caller's API tokens (never its key)."""

    id = serializers.IntegerField()
    label = serializers.CharField(help_text=_("The name given at sign-in, or the program's name."))
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text=_("Within a minute; empty if never used.")
    )
    current = serializers.SerializerMethodField(
        help_text=_("Whether this request was sent with it.")
    )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, token) -> bool:
        return token.pk == self.context.get("current_token_id")


# --- Nested references ----------------------------------------------------------------------


class RegionRefSerializer(OutputModelSerializer):
    """A region referenced from another object."""

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level"]


class HomeNodeSerializer(OutputModelSerializer):
    """A person's home node: the root of everything they can see."""

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "path"]


class GridPointRefSerializer(OutputModelSerializer):
    class Meta:
        model = GridPoint
        fields = ["id", "code", "name"]


class PersonRefSerializer(OutputModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class UnitSerializer(OutputModelSerializer):
    """A handling unit."""

    kind_display = ChoiceLabelField(UnitKind, source="kind")
    region = RegionRefSerializer(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "kind_display", "region", "remit", "is_active"]
        read_only_fields = fields


# --- The caller -----------------------------------------------------------------------------


class MeSerializer(OutputModelSerializer):
    """The signed-in person: who they are, what they do and where their jurisdiction is."""

    role_display = ChoiceLabelField(Role, source="role")
    roles = serializers.SerializerMethodField(help_text=_("Role values; today one per person."))
    home_node = HomeNodeSerializer(source="region", read_only=True, allow_null=True)
    grid_point = GridPointRefSerializer(read_only=True, allow_null=True)
    # The full unit (one schema component for units keeps the OpenAPI enums unambiguous).
    unit = UnitSerializer(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "role",
            "role_display",
            "roles",
            "home_node",
            "grid_point",
            "unit",
            "is_staff",
        ]
        read_only_fields = fields

    def get_roles(self, obj: User) -> list[str]:
        return [obj.role] if obj.role else []


# --- Grid objects ---------------------------------------------------------------------------


class RegionSerializer(OutputModelSerializer):
    """A node of the grid. ``children_count`` and ``parent_code`` come from the queryset."""

    level_display = ChoiceLabelField(Level, source="level")
    kind_display = ChoiceLabelField(RegionKind, source="kind")
    parent_code = serializers.CharField(read_only=True, allow_null=True)
    children_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "name",
            "level",
            "level_display",
            "kind",
            "kind_display",
            "parent",
            "parent_code",
            "path",
            "children_count",
        ]
        read_only_fields = fields


class GridPointSerializer(OutputModelSerializer):
    """A grid information point; ``member_count`` counts its active people."""

    region = RegionRefSerializer(read_only=True)
    head = PersonRefSerializer(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The person in charge; null when none is set or when the caller is not shown them "
            "(people who report are protected)."
        ),
    )
    member_count = serializers.IntegerField(read_only=True, help_text=_("Active members."))

    class Meta:
        model = GridPoint
        fields = ["id", "code", "name", "region", "head", "member_count", "is_active"]
        read_only_fields = fields

    def to_representation(self, instance: GridPoint) -> dict:
        data = super().to_representation(instance)
        if instance.head_id is not None:
            if "people_shown" not in self.context:
                self.context["people_shown"] = people_shown_to(self.context["request"].user)
            if not self.context["people_shown"].of(instance.head, point=instance).name:
                data["head"] = None
        return data


# --- Query filters --------------------------------------------------------------------------


def _q_field():
    return serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("Name contains, or code starts with, this text."),
    )


# The largest id a filter takes (ids are 64-bit): a larger one is a 400, where SQLite
# overflowed on it (a 500) and PostgreSQL found nothing.
MAX_ID = 2**63 - 1


def _id_field(help_text):
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=help_text
    )


class RegionFilterSerializer(serializers.Serializer):
    """Query parameters of the region list."""

    level = serializers.ChoiceField(
        choices=Level.choices, required=False, help_text=_("Only regions of this level.")
    )
    parent = _id_field(_("Only the children of the region with this id."))
    parent_code = serializers.CharField(
        required=False,
        max_length=20,
        help_text=_("Only the children of the region with this code."),
    )
    q = _q_field()


class GridPointFilterSerializer(serializers.Serializer):
    """Query parameters of the grid point list."""

    region = _id_field(_("Only the grid point of the region with this id."))
    region_code = serializers.CharField(
        required=False,
        max_length=20,
        help_text=_("Only the grid point of the region with this code."),
    )
    within = _id_field(_("Only grid points inside the subtree of the region with this id."))
    q = _q_field()


class UnitFilterSerializer(serializers.Serializer):
    """Query parameters of the unit list."""

    kind = serializers.ChoiceField(
        choices=UnitKind.choices, required=False, help_text=_("Only units of this kind.")
    )
    region = _id_field(_("Only units placed at the region with this id."))
    within = _id_field(_("Only units inside the subtree of the region with this id."))
    q = _q_field()
