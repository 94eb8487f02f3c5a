"""Pages of the grid app: the role-aware home page, the grid browser and the import page."""

from django.urls import path

from grid.views import browser, home, importer

urlpatterns = [
    path("", home.home, name="home"),
    path("grid/", browser.browser_root, name="grid-browser"),
    path("grid/regions/<str:code>/", browser.region_detail, name="grid-region"),
    path(
        "grid/regions/<str:code>/children/",
        browser.region_children_partial,
        name="grid-region-children",
    ),
    path("grid/points/<str:code>/", browser.grid_point_detail, name="grid-point"),
    path("grid/import/", importer.import_page, name="grid-import"),
]
