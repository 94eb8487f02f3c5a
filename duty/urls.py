"""Duty's pages, mounted under /duty/."""

from django.urls import path

from duty import views

urlpatterns = [
    path("daily-report/", views.daily_report_page, name="duty-daily-report"),
    path("risk-points/", views.risk_points_page, name="duty-risk-points"),
    path("overview/", views.overview_page, name="duty-overview"),
    path("overview/remind/", views.overview_remind, name="duty-overview-remind"),
]
