"""Duty's API, mounted under /api/v1/ (names: ``duty_api:…``)."""

from django.urls import path

from duty.api import views

app_name = "duty_api"

urlpatterns = [
    path("daily-reports/", views.DailyReportListCreateView.as_view(), name="daily-report-list"),
    path("risk-points/", views.RiskPointListCreateView.as_view(), name="risk-point-list"),
    path(
        "expected-submissions/",
        views.ExpectedSubmissionListView.as_view(),
        name="expected-submission-list",
    ),
]
