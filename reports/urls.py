"""Report pages: intake, my reports, the county queue and the case page."""

from django.urls import path

from reports.views import case, intake, lists

urlpatterns = [
    path("new/", intake.report_new, name="report-new"),
    path("mine/", lists.report_mine, name="report-mine"),
    path("queue/", lists.report_queue, name="report-queue"),
    path("queue/bulk/", lists.report_queue_bulk, name="report-queue-bulk"),
    path("<int:pk>/", case.report_detail, name="report-detail"),
    path("<int:pk>/transitions/<slug:name>/", case.report_transition, name="report-transition"),
    path("<int:pk>/attachments/<int:number>/", case.report_attachment, name="report-attachment"),
]
