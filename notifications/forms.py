"""The preferences page's form: the model's fields and rules (the service validates again)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from notifications.models import Preference
from notifications.services import PREFERENCE_FIELDS


def _formfield(field: models.Field, **kwargs) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # robots are on https (Django 6's default)
    return field.formfield(**kwargs)


class PreferenceForm(forms.ModelForm):
    """A person's channels, addresses, digest and language."""

    class Meta:
        model = Preference
        fields = PREFERENCE_FIELDS
        formfield_callback = _formfield
        widgets = {
            "wecom_url": forms.URLInput(attrs={"placeholder": "https://qyapi.weixin.qq.com/…"}),
            "dingtalk_url": forms.URLInput(attrs={"placeholder": "https://oapi.dingtalk.com/…"}),
            "feishu_url": forms.URLInput(attrs={"placeholder": "https://open.feishu.cn/…"}),
            "dingtalk_secret": forms.TextInput(attrs={"autocomplete": "off"}),
            "feishu_secret": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = settings.LANGUAGE_CODE
        default = dict(settings.LANGUAGES).get(code, code)
        self.fields["language"].choices = [
            ("", _("The site's language (%(name)s)") % {"name": default}),
            *settings.LANGUAGES,
        ]
