"""Duty's API, mounted under /api/v1/ (names: ``duty_api:…``): the filings and expected
submissions, then the rosters, clock-ins, swaps, absences, duty log and handovers."""

from django.urls import path

from duty.api import views
from duty.rosters.api import views as roster_views

app_name = "duty_api"

urlpatterns = [
    path("daily-reports/", views.DailyReportListCreateView.as_view(), name="daily-report-list"),
    path("risk-points/", views.RiskPointListCreateView.as_view(), name="risk-point-list"),
    path(
        "expected-submissions/",
        views.ExpectedSubmissionListView.as_view(),
        name="expected-submission-list",
    ),
    path("duty/days/", roster_views.DayListView.as_view(), name="days"),
    path("duty/days/<int:pk>/", roster_views.DayDetailView.as_view(), name="day"),
    path("duty/days/<int:pk>/log/", roster_views.LogView.as_view(), name="log"),
    path(
        "duty/days/<int:pk>/handover/",
        roster_views.HandoverSubmitView.as_view(),
        name="handover-submit",
    ),
    path("duty/rosters/generate/", roster_views.GenerateView.as_view(), name="generate"),
    path("duty/shifts/<int:pk>/clock-in/", roster_views.ClockInView.as_view(), name="clock-in"),
    path(
        "duty/shifts/<int:pk>/absences/", roster_views.AbsenceCreateView.as_view(), name="absence"
    ),
    path("duty/absences/<int:pk>/end/", roster_views.AbsenceEndView.as_view(), name="absence-end"),
    path("duty/swaps/", roster_views.SwapListView.as_view(), name="swaps"),
    path("duty/swaps/<int:pk>/decide/", roster_views.SwapDecideView.as_view(), name="swap-decide"),
    path(
        "duty/swaps/<int:pk>/withdraw/",
        roster_views.SwapWithdrawView.as_view(),
        name="swap-withdraw",
    ),
    path("duty/handovers/", roster_views.HandoverListView.as_view(), name="handovers"),
    path(
        "duty/handovers/<int:pk>/acknowledge/",
        roster_views.HandoverAcknowledgeView.as_view(),
        name="handover-ack",
    ),
]
