"""Deduction pages, mounted under /duty/deductions/."""

from django.urls import path

from duty.deductions import views

urlpatterns = [
    path("", views.deduction_list, name="deduction-list"),
    path("new/", views.deduction_new, name="deduction-new"),
    path("<int:pk>/", views.deduction_detail, name="deduction-detail"),
    path("<int:pk>/appeal/", views.deduction_appeal_view, name="deduction-appeal"),
    path("<int:pk>/decide/", views.deduction_decide_view, name="deduction-decide"),
    path("<int:pk>/evidence/", views.deduction_evidence, name="deduction-evidence"),
]
