"""Grid API views: sign-in and tokens, the caller's profile, and read-only grid lists and details.

Every list and detail starts from ``Model.objects.visible_to(request.user)`` (grid.scoping);
an object outside the caller's jurisdiction answers 404, exactly like one that does not
exist, so the API never reveals what lies outside a person's subtree.

The read functions below (``region_list`` …) are selectors: scoped, annotated and joined so
that a page costs the same number of queries whatever its size.
"""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.contrib.auth import logout as session_logout
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.api.serializers import (
    PAGE_NOT_FOUND,
    ApiTokenSerializer,
    ErrorSerializer,
    GridPointFilterSerializer,
    GridPointSerializer,
    MeSerializer,
    RegionFilterSerializer,
    RegionSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UnitFilterSerializer,
    UnitSerializer,
)
from grid.models import ApiToken, GridPoint, Region, Unit, User
from grid.selectors import api_token_list
from grid.services import api_token_create, api_token_revoke
from grid.throttling import SignInThrottle, sign_in_throttled

# --- Selectors ------------------------------------------------------------------------------


def _search(queryset: QuerySet, q: str) -> QuerySet:
    q = q.strip()
    if not q:
        return queryset
    return queryset.filter(Q(name__icontains=q) | Q(code__startswith=q))


def _subtree_path(user: User, region_id: int) -> str | None:
    """The path of a region the user can see, or None (unknown and invisible look alike)."""
    return (
        Region.objects.visible_to(user).filter(pk=region_id).values_list("path", flat=True).first()
    )


def region_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Region]:
    """Regions ``user`` can see, ordered by path, with ``parent_code`` and ``children_count``."""
    filters = filters or {}
    qs = (
        Region.objects.visible_to(user)
        .annotate(parent_code=F("parent__code"), children_count=Count("children"))
        .order_by("path")
    )
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("parent"):
        qs = qs.filter(parent_id=filters["parent"])
    if filters.get("parent_code"):
        qs = qs.filter(parent__code=filters["parent_code"])
    return _search(qs, filters.get("q", ""))


def grid_point_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[GridPoint]:
    """Grid points ``user`` can see, with region, head and the count of active members."""
    filters = filters or {}
    qs = (
        GridPoint.objects.visible_to(user)
        .select_related("region", "head")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("code")
    )
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("region_code"):
        qs = qs.filter(region__code=filters["region_code"])
    if filters.get("within"):
        path = _subtree_path(user, filters["within"])
        qs = qs.filter(region__path__startswith=path) if path else qs.none()
    return _search(qs, filters.get("q", ""))


def unit_list(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[Unit]:
    """Handling units ``user`` can see, ordered by their region's path and code."""
    filters = filters or {}
    qs = Unit.objects.visible_to(user).select_related("region").order_by("region__path", "code")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("within"):
        path = _subtree_path(user, filters["within"])
        qs = qs.filter(region__path__startswith=path) if path else qs.none()
    return _search(qs, filters.get("q", ""))


def user_profile(*, user: User) -> User:
    """The caller with home node, grid point and unit: as authentication read them (with their
    home node) where they have neither grid point nor unit (staff), else again in one query.

    Not scoped: a person may always read their own profile, even without a home node.
    """
    if user.grid_point_id is None and user.unit_id is None:
        return user
    return User.objects.select_related("region", "grid_point", "unit__region").get(pk=user.pk)


# --- Token sign-in --------------------------------------------------------------------------

_ERROR = ErrorSerializer


_THROTTLED_EXAMPLE = OpenApiExample(
    "Too many attempts from your address",
    value={
        "detail": "Too many sign-in attempts from your address. Try again in 42 seconds.",
        "code": "throttled",
    },
    response_only=True,
    status_codes=["429"],
)
_UNAUTHENTICATED = OpenApiResponse(
    _ERROR,
    description=gettext_lazy("No token, or an unknown, revoked or expired one."),
    examples=[
        OpenApiExample(
            "Expired token",
            value={
                "detail": "This token has expired. Sign in again for a new one.",
                "code": "token_expired",
            },
        )
    ],
)


class TokenObtainView(APIView):
    """Exchange a username and password for a new API token (throttled; django-axes guards it)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [SignInThrottle]
    serializer_class = TokenObtainSerializer

    @extend_schema(
        operation_id="auth_token_obtain",
        summary=gettext_lazy("Obtain an API token"),
        description=gettext_lazy(
            "Send username and password (JSON or form). Use the token as "
            "Authorization: Token <token>; it is shown only in this answer and works for "
            "GRID_TOKEN_DAYS days (30 by default), until it is revoked, its person logs out "
            "or their password changes. Each sign-in makes a new token. Sign-in attempts are "
            "limited per client address (GRID_SIGNIN_RATE, 10 a minute by default), and after "
            "too many failures the account is locked for a while from that address: either "
            "answer is 429 with Retry-After."
        ),
        request=TokenObtainSerializer,
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description=gettext_lazy("Seconds to wait before trying again."),
            )
        ],
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                _ERROR, description=gettext_lazy("Wrong credentials or missing fields.")
            ),
            429: OpenApiResponse(
                _ERROR,
                description=gettext_lazy(
                    "Too many attempts from your address (code throttled), or locked out "
                    "after too many failures (code locked_out). Retry-After says how many "
                    "seconds to wait."
                ),
            ),
        },
        examples=[
            OpenApiExample(
                "Wrong credentials",
                value={"detail": "Unable to log in with the given credentials.", "code": "invalid"},
                response_only=True,
                status_codes=["400"],
            ),
            OpenApiExample(
                "Locked out",
                value={
                    "detail": "Too many failed sign-in attempts. Try again in 15 minutes.",
                    "code": "locked_out",
                },
                response_only=True,
                status_codes=["429"],
            ),
            _THROTTLED_EXAMPLE,
        ],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # authenticate() with the DRF request: django-axes checks and records the attempt on
        # it and flags a lockout there (request.axes_locked_out) instead of raising.
        user = authenticate(
            request=request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return self._locked_out(request)
        if user is None:
            return Response(
                {"detail": _("Unable to log in with the given credentials."), "code": "invalid"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        label = serializer.validated_data.get("label") or request.META.get("HTTP_USER_AGENT", "")
        token, key = api_token_create(user=user, label=label)
        return Response(
            TokenSerializer({"token": key, "id": token.pk, "expires_at": token.expires_at}).data
        )

    def throttled(self, request: Request, wait: float | None) -> None:
        raise sign_in_throttled(max(1, math.ceil(wait or 1)))

    def _locked_out(self, request: Request) -> Response:
        # Our JSON answer replaces axes' HTML lockout page: make sure its middleware, which
        # reads the flag from the Django request, leaves this response alone.
        request._request.axes_locked_out = False
        cool_off = get_cool_off(request)
        if cool_off:
            minutes = max(1, round(cool_off.total_seconds() / 60))
            detail = ngettext(
                "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        else:
            detail = _("Too many failed sign-in attempts. Ask an administrator to unlock you.")
        response = Response(
            {"detail": detail, "code": "locked_out"}, status=status.HTTP_429_TOO_MANY_REQUESTS
        )
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response


class LogoutView(APIView):
    """Revoke the token this request was sent with (or end the session that sent it)."""

    @extend_schema(
        operation_id="auth_logout",
        summary=gettext_lazy("Log out: revoke this token"),
        description=gettext_lazy(
            "Revokes the token the request is sent with; it stops working at once. Sent with a "
            "session instead, ends the session."
        ),
        request=None,
        responses={204: OpenApiResponse(description=gettext_lazy("Done.")), 401: _UNAUTHENTICATED},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            api_token_revoke(user=request.user, token_id=request.auth.pk)
        else:
            session_logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(generics.ListAPIView):
    """The caller's API tokens that still work, newest first."""

    serializer_class = ApiTokenSerializer

    @extend_schema(
        operation_id="auth_tokens_list",
        summary=gettext_lazy("Your API tokens"),
        description=gettext_lazy(
            "Every token of yours that still works, newest first, without keys: keys are shown "
            "only once, at sign-in."
        ),
        responses={
            200: ApiTokenSerializer(many=True),
            401: _UNAUTHENTICATED,
            404: PAGE_NOT_FOUND,
        },
        tags=["auth"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ApiToken]:
        return api_token_list(user=self.request.user, now=timezone.now())

    def get_serializer_context(self) -> dict[str, Any]:
        auth = self.request.auth
        current = auth.pk if isinstance(auth, ApiToken) else None
        return {**super().get_serializer_context(), "current_token_id": current}


class TokenDetailView(APIView):
    """Revoke one of the caller's tokens."""

    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary=gettext_lazy("Revoke one of your API tokens"),
        responses={
            204: OpenApiResponse(description=gettext_lazy("Revoked: it stops working at once.")),
            401: _UNAUTHENTICATED,
            404: OpenApiResponse(_ERROR, description=gettext_lazy("No such token of yours.")),
        },
        tags=["auth"],
    )
    def delete(self, request: Request, token_id: int) -> Response:
        api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The caller -----------------------------------------------------------------------------


class MeView(APIView):
    """The signed-in person."""

    serializer_class = MeSerializer

    @extend_schema(
        operation_id="me_retrieve",
        summary=gettext_lazy("The signed-in person"),
        responses={200: MeSerializer, 401: OpenApiResponse(_ERROR)},
        tags=["auth"],
    )
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(user_profile(user=request.user)).data)


# --- Grid lists and details -----------------------------------------------------------------


class _ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List (filtered, paginated) and detail of a grid model, always scoped to the caller."""

    filter_serializer_class: type = RegionFilterSerializer
    lookup_value_converter = "int"  # a non-numeric id never reaches the view: JSON 404

    def select(self, filters: dict[str, Any]) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        filters: dict[str, Any] = {}
        if self.action == "list":
            params = self.filter_serializer_class(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            filters = params.validated_data
        return self.select(filters)

    def get_object(self):
        # One answer for "does not exist" and "outside your jurisdiction", in the user's
        # language, naming no model.
        try:
            return super().get_object()
        except (Http404, NotFound):
            raise NotFound(_("Not found.")) from None


_LIST_ERRORS = {
    400: OpenApiResponse(_ERROR, description=gettext_lazy("A filter value is invalid.")),
    404: PAGE_NOT_FOUND,
}
_DETAIL_ERRORS = {
    404: OpenApiResponse(_ERROR, description=gettext_lazy("No such object in your jurisdiction.")),
}


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Regions in your jurisdiction"),
        parameters=[RegionFilterSerializer],
        responses={200: RegionSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One region"), responses={200: RegionSerializer, **_DETAIL_ERRORS}
    ),
)
class RegionViewSet(_ScopedReadOnlyViewSet):
    """Regions of the grid, ordered by path (a parent comes before its children)."""

    serializer_class = RegionSerializer
    filter_serializer_class = RegionFilterSerializer
    queryset = Region.objects.none()  # for the schema; get_queryset() scopes every request

    def select(self, filters: dict[str, Any]) -> QuerySet:
        return region_list(user=self.request.user, filters=filters)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Grid points in your jurisdiction"),
        parameters=[GridPointFilterSerializer],
        responses={200: GridPointSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One grid point"),
        responses={200: GridPointSerializer, **_DETAIL_ERRORS},
    ),
)
class GridPointViewSet(_ScopedReadOnlyViewSet):
    """Grid information points."""

    serializer_class = GridPointSerializer
    filter_serializer_class = GridPointFilterSerializer
    queryset = GridPoint.objects.none()

    def select(self, filters: dict[str, Any]) -> QuerySet:
        return grid_point_list(user=self.request.user, filters=filters)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Handling units in your jurisdiction"),
        parameters=[UnitFilterSerializer],
        responses={200: UnitSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One handling unit"), responses={200: UnitSerializer, **_DETAIL_ERRORS}
    ),
)
class UnitViewSet(_ScopedReadOnlyViewSet):
    """Handling units."""

    serializer_class = UnitSerializer
    filter_serializer_class = UnitFilterSerializer
    queryset = Unit.objects.none()

    def select(self, filters: dict[str, Any]) -> QuerySet:
        return unit_list(user=self.request.user, filters=filters)
