"""Scorecard API, mounted under /api/v1/ (names: ``scorecards_api:…``)."""

from django.urls import path

from scorecards.api import views
from scorecards.exports import api as exports

app_name = "scorecards_api"

urlpatterns = [
    path("scorecards/", views.ScorecardListView.as_view(), name="list"),
    path("scorecards/exports/", exports.CaseExportListView.as_view(), name="exports"),
    path("scorecards/exports/<int:pk>/", exports.CaseExportDetailView.as_view(), name="export"),
]
