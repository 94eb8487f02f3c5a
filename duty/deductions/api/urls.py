"""Deductions API, mounted under /api/v1/ (names: ``deductions_api:…``)."""

from django.urls import path

from duty.deductions.api import views

app_name = "deductions_api"

urlpatterns = [
    path("deductions/", views.DeductionListCreateView.as_view(), name="list"),
    path("deductions/<int:pk>/", views.DeductionDetailView.as_view(), name="detail"),
    path("deductions/<int:pk>/appeal/", views.DeductionAppealView.as_view(), name="appeal"),
    path("deductions/<int:pk>/decide/", views.DeductionDecideView.as_view(), name="decide"),
]
