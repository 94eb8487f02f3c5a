from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    """Monthly assessment, rankings and leadership views (later issues)."""

    name = "scorecards"
    verbose_name = _("Scorecards")
