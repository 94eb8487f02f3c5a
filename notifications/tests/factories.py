"""Preferences for tests: a person told on the channels named, at the addresses given."""

from __future__ import annotations

from notifications.models import Preference


def prefer(user, **values) -> Preference:
    """Save ``user``'s preferences with ``values`` (a channel's ``*_url``/``email`` given turns
    it on)."""
    for channel in ("email", "wecom", "dingtalk", "feishu"):
        address = "email" if channel == "email" else f"{channel}_url"
        if values.get(address) and f"{channel}_on" not in values:
            values[f"{channel}_on"] = True
    preference, _created = Preference.objects.update_or_create(user=user, defaults=values)
    return preference
