"""The consultation's part of the case page and its steps (under /directives/)."""

from django.urls import path

from directives.consultations import views

urlpatterns = [
    path(
        "cases/<int:pk>/consultations/",
        views.consultation_part,
        name="consultation-part",
    ),
    path(
        "cases/<int:pk>/consultations/<str:step>/",
        views.consultation_step,
        name="consultation-step",
    ),
]
