"""Dispatch API, mounted under /api/v1/ (names: ``dispatch_api:…``)."""

from django.urls import path

from dispatch.api import views

app_name = "dispatch_api"

urlpatterns = [
    path("dispatch/console/", views.ConsoleView.as_view(), name="console"),
    path("dispatch/inbox/", views.InboxView.as_view(), name="inbox"),
    path("dispatch/major-cases/", views.MajorCasesView.as_view(), name="major-cases"),
    path("dispatch/notices/", views.NoticeListView.as_view(), name="notice-list"),
    path(
        "dispatch/notices/<int:notice_id>/", views.NoticeDetailView.as_view(), name="notice-detail"
    ),
    path("reports/<int:pk>/dispatch/", views.CaseDispatchView.as_view(), name="case"),
    path(
        "reports/<int:pk>/route-suggestions/",
        views.RouteSuggestionsView.as_view(),
        name="route-suggestions",
    ),
    *[
        path(f"reports/<int:pk>/dispatch/{name}/", view.as_view(), name=f"action-{name}")
        for name, view in views.ACTION_VIEWS.items()
    ],
    path(
        "reports/<int:pk>/dispatch/<str:name>/",
        views.UnknownActionView.as_view(),
        name="action",
    ),
]
