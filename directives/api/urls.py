"""Directives API, mounted under /api/v1/ (names: ``directives_api:…``)."""

from django.urls import include, path

from directives.api import views

app_name = "directives_api"

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<int:pk>/nodes/", views.NoticeNodesView.as_view(), name="notice-nodes"),
    path(
        "notices/<int:pk>/acknowledge/",
        views.NoticeAcknowledgeView.as_view(),
        name="notice-acknowledge",
    ),
    path("notices/<int:pk>/report/", views.NoticeReportView.as_view(), name="notice-report"),
    path("notices/<int:pk>/forward/", views.NoticeForwardView.as_view(), name="notice-forward"),
    path("notices/<int:pk>/coverage/", views.NoticeCoverageView.as_view(), name="notice-coverage"),
    path("", include("directives.consultations.api")),
    path("", include("directives.ledger.api")),
]
