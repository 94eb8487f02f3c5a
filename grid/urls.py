"""Pages of the grid app: the home page, the grid browser, the import page, one's API tokens."""

from django.urls import path

from grid.views import account, browser, home, importer

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
    path("accounts/tokens/", account.token_list, name="account-tokens"),
    path(
        "accounts/tokens/<int:token_id>/revoke/", account.token_revoke, name="account-token-revoke"
    ),
]
