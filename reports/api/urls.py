"""Report API, mounted under /api/v1/ (names: ``reports_api:…``)."""

from django.urls import path

from reports.api import views

app_name = "reports_api"

urlpatterns = [
    path("reports/", views.ReportListCreateView.as_view(), name="report-list"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    *[
        path(f"reports/<int:pk>/transitions/{name}/", view.as_view(), name=f"report-{name}")
        for name, view in views.TRANSITION_VIEWS.items()
    ],
    # Same URL shape for any name; the ones above match first, this one answers 404.
    path(
        "reports/<int:pk>/transitions/<str:name>/",
        views.UnknownTransitionView.as_view(),
        name="report-transition",
    ),
    path(
        "reports/<int:pk>/attachments/<int:number>/",
        views.ReportAttachmentView.as_view(),
        name="report-attachment",
    ),
]
