"""Notifications API: the caller's own notifications (list, mark read) and preferences.

Nobody reads or marks another person's notifications: another's id answers 404 like one that
does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from grid.api.pagination import CappedPagination
from grid.api.serializers import PAGE_NOT_FOUND, ErrorSerializer
from notifications.api.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferenceSerializer,
)
from notifications.filters import NotificationFilter
from notifications.models import Notification
from notifications.selectors import notification_list_for, preference_for
from notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    preference_update,
)

_UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description=gettext_lazy("Not signed in."))
_NOT_YOURS = OpenApiResponse(
    ErrorSerializer, description=gettext_lazy("No such notification of yours.")
)


class NotificationListView(generics.ListAPIView):
    """The caller's notifications, newest first; ``unread=true`` for the unread ones only."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset() is the caller's
    filter_backends = [DjangoFilterBackend]
    filterset_class = NotificationFilter
    pagination_class = CappedPagination

    @extend_schema(
        operation_id="notifications_list",
        summary=gettext_lazy("Your notifications"),
        responses={
            200: NotificationSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("A bad filter.")),
            401: _UNAUTHENTICATED,
            404: PAGE_NOT_FOUND,
        },
        tags=["notifications"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list_for(user=self.request.user)


class NotificationReadView(APIView):
    """Mark one of the caller's notifications read."""

    @extend_schema(
        operation_id="notifications_read",
        summary=gettext_lazy("Mark a notification read"),
        description=gettext_lazy("Again: nothing changes (it keeps its first reading time)."),
        request=None,
        responses={200: NotificationSerializer, 401: _UNAUTHENTICATED, 404: _NOT_YOURS},
        tags=["notifications"],
    )
    def post(self, request: Request, notification_id: int) -> Response:
        notification = notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark every notification of the caller's read."""

    @extend_schema(
        operation_id="notifications_read_all",
        summary=gettext_lazy("Mark all your notifications read"),
        request=None,
        responses={200: MarkedSerializer, 401: _UNAUTHENTICATED},
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": notifications_mark_all_read(user=request.user)})


class PreferenceView(APIView):
    """The caller's notification preferences: where they are told besides the bell."""

    @extend_schema(
        operation_id="notifications_preferences_retrieve",
        summary=gettext_lazy("Your notification preferences"),
        description=gettext_lazy(
            "Without saved preferences: the defaults (in the product only, instant)."
        ),
        responses={200: PreferenceSerializer, 401: _UNAUTHENTICATED},
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(preference_for(user=request.user)).data)

    @extend_schema(
        operation_id="notifications_preferences_update",
        summary=gettext_lazy("Set your notification preferences"),
        description=gettext_lazy(
            "Fields left out keep their value. Webhooks must be on the robot hosts the site "
            "allows (WeCom, DingTalk, Feishu by default), over https; a channel turned on "
            "needs its address."
        ),
        request=PreferenceSerializer,
        responses={
            200: PreferenceSerializer,
            400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("Invalid input.")),
            401: _UNAUTHENTICATED,
        },
        tags=["notifications"],
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceSerializer(
            preference_for(user=request.user), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        preference = preference_update(user=request.user, **serializer.validated_data)
        return Response(PreferenceSerializer(preference).data)
