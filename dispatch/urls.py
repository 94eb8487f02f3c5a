"""Dispatch pages: the city duty console, a unit's inbox, actions on a case, the
acknowledgement of a major case and the printable supervision notice (thin views)."""

from django.urls import path

from dispatch.views import case, console, inbox

urlpatterns = [
    path("console/", console.console, name="dispatch-console"),
    path("inbox/", inbox.inbox, name="dispatch-inbox"),
    path("cases/<int:pk>/actions/<slug:name>/", case.case_action, name="dispatch-case-action"),
    path("cases/<int:pk>/acknowledge/", case.acknowledge_major, name="dispatch-acknowledge"),
    path("notices/<int:notice_id>/", case.notice_detail, name="dispatch-notice"),
]
