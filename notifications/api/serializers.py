"""Serializers of the notifications API: one's notifications and one's preferences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from notifications.models import Preference
from notifications.rendering import kind_of
from notifications.services import PREFERENCE_FIELDS


class NotificationSerializer(serializers.Serializer):
    """One notification of the caller's, as the list page shows it."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(read_only=True, help_text=_("What happened, for programs."))
    label = serializers.SerializerMethodField(help_text=_("What happened, for people."))
    subject = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text=_("Where to look (a path of the site)."))
    urgent = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    unread = serializers.SerializerMethodField()

    def get_label(self, notification) -> str:
        return str(kind_of(notification).label)

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


class MarkedSerializer(serializers.Serializer):
    """How many notifications were unread and are now read."""

    marked = serializers.IntegerField()


class PreferenceSerializer(serializers.ModelSerializer):
    """The caller's channels, addresses, digest and language (the model's own rules apply:
    webhooks only on the allowed robot hosts; a channel turned on needs its address)."""

    class Meta:
        model = Preference
        fields = PREFERENCE_FIELDS
