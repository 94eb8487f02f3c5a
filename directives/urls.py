"""Notice pages: the list, issuing one, reading and answering it, following it (thin views)."""

from django.urls import include, path

from directives import views

urlpatterns = [
    path("notices/", views.notice_list, name="directives-notices"),
    path("notices/new/", views.notice_new, name="directives-notice-new"),
    path("notices/<int:pk>/", views.notice_detail, name="directives-notice"),
    path("notices/<int:pk>/acknowledge/", views.notice_ack, name="directives-notice-ack"),
    path("notices/<int:pk>/report/", views.notice_report_view, name="directives-notice-report"),
    path("notices/<int:pk>/forward/", views.notice_forward_view, name="directives-notice-forward"),
    path("notices/<int:pk>/tracking/", views.notice_tracking_view, name="directives-tracking"),
    path("notices/<int:pk>/remind/", views.notice_remind_view, name="directives-remind"),
    path(
        "notices/<int:pk>/files/<int:file_id>/",
        views.notice_file,
        name="directives-notice-file",
    ),
    path(
        "notices/<int:pk>/nodes/<int:recipient_id>/files/<int:file_id>/",
        views.report_file,
        name="directives-report-file",
    ),
    path(
        "notices/<int:pk>/nodes/<int:recipient_id>/screenshot/",
        views.forward_screenshot,
        name="directives-forward-screenshot",
    ),
    path("", include("directives.consultations.urls")),
    path("", include("directives.ledger.urls")),
]
