"""Duty API, mounted under /api/v1/ (names: ``duty_api:…``)."""

from django.urls import path

from duty.api import views

app_name = "duty_api"

urlpatterns = [
    path("duty/days/", views.DayListView.as_view(), name="days"),
    path("duty/days/<int:pk>/", views.DayDetailView.as_view(), name="day"),
    path("duty/days/<int:pk>/log/", views.LogView.as_view(), name="log"),
    path(
        "duty/days/<int:pk>/handover/", views.HandoverSubmitView.as_view(), name="handover-submit"
    ),
    path("duty/rosters/generate/", views.GenerateView.as_view(), name="generate"),
    path("duty/shifts/<int:pk>/clock-in/", views.ClockInView.as_view(), name="clock-in"),
    path("duty/shifts/<int:pk>/absences/", views.AbsenceCreateView.as_view(), name="absence"),
    path("duty/absences/<int:pk>/end/", views.AbsenceEndView.as_view(), name="absence-end"),
    path("duty/swaps/", views.SwapListView.as_view(), name="swaps"),
    path("duty/swaps/<int:pk>/decide/", views.SwapDecideView.as_view(), name="swap-decide"),
    path("duty/swaps/<int:pk>/withdraw/", views.SwapWithdrawView.as_view(), name="swap-withdraw"),
    path("duty/handovers/", views.HandoverListView.as_view(), name="handovers"),
    path(
        "duty/handovers/<int:pk>/acknowledge/",
        views.HandoverAcknowledgeView.as_view(),
        name="handover-ack",
    ),
]
