"""Duty's pages, mounted under /duty/: the filings and their overview, then the rosters,
duty days, swaps and the leaders' watch."""

from django.urls import path

from duty import views
from duty.rosters.views import day, lists, roster

urlpatterns = [
    path("daily-report/", views.daily_report_page, name="duty-daily-report"),
    path("risk-points/", views.risk_points_page, name="duty-risk-points"),
    path("overview/", views.overview_page, name="duty-overview"),
    path("overview/remind/", views.overview_remind, name="duty-overview-remind"),
    path("", lists.mine, name="duty-mine"),
    path("watch/", lists.watch, name="duty-watch"),
    path("swaps/", lists.swaps, name="duty-swaps"),
    path("swaps/<int:swap_id>/decide/", lists.swap_decide, name="duty-swap-decide"),
    path("swaps/<int:swap_id>/withdraw/", lists.swap_withdraw, name="duty-swap-withdraw"),
    path("roster/<slug:kind>/<int:pk>/", roster.roster, name="duty-roster"),
    path("days/<int:day_id>/", day.day_page, name="duty-day"),
    path("days/<int:day_id>/shifts/<int:shift_id>/clock-in/", day.clock_in, name="duty-clock-in"),
    path(
        "days/<int:day_id>/shifts/<int:shift_id>/absence/", day.absence_declare, name="duty-absence"
    ),
    path(
        "days/<int:day_id>/absences/<int:absence_id>/end/", day.absence_end, name="duty-absence-end"
    ),
    path(
        "days/<int:day_id>/shifts/<int:shift_id>/swap/", day.swap_request, name="duty-swap-request"
    ),
    path("days/<int:day_id>/log/", day.log_append, name="duty-log"),
    path("days/<int:day_id>/handover/", day.handover_submit_view, name="duty-handover"),
    path(
        "days/<int:day_id>/handovers/<int:handover_id>/acknowledge/",
        day.handover_acknowledge_view,
        name="duty-handover-ack",
    ),
]
