"""Scorecard pages under /scorecards/."""

from django.urls import path

from scorecards.digests import views as digests
from scorecards.exports import views as exports
from scorecards.views import dashboard, table

urlpatterns = [
    path("", table.scorecard_table, name="scorecards-table"),
    path("dashboard/", dashboard.dashboard, name="scorecards-dashboard"),
    path("screen/", dashboard.screen, name="scorecards-screen"),
    path("screen/data/", dashboard.screen_data, name="scorecards-screen-data"),
    path("digest/", digests.digest_page, name="scorecards-digest"),
    path("exports/", exports.export_list, name="scorecards-exports"),
    path("exports/<int:pk>/", exports.export_progress, name="scorecards-export-progress"),
    path("exports/<int:pk>/download/", exports.export_download, name="scorecards-export-download"),
    path("quarter/<str:quarter>/", exports.quarter_page, name="scorecards-quarter"),
    path("quarter/<str:quarter>.xlsx", exports.quarter_xlsx, name="scorecards-quarter-xlsx"),
    path(
        "<str:month>/<str:level>/<int:node_id>/<str:figure>/",
        table.scorecard_drill,
        name="scorecards-drill",
    ),
    path("<str:month>/bulletin/", table.scorecard_bulletin, name="scorecards-bulletin"),
    path(
        "<str:month>/bulletin.xlsx", table.scorecard_bulletin_xlsx, name="scorecards-bulletin-xlsx"
    ),
    path("<str:month>/recompute/", table.scorecard_recompute, name="scorecards-recompute"),
    path("<str:month>/publish/", table.scorecard_publish, name="scorecards-publish"),
]
