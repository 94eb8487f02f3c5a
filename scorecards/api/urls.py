"""Scorecard API, mounted under /api/v1/ (names: ``scorecards_api:…``)."""

from django.urls import path

from scorecards.api import views

app_name = "scorecards_api"

urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="list"),
]
