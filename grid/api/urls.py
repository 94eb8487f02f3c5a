"""Version 1 of the API: sign-in and tokens, the caller, and the read-only grid."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from grid.api import views

router = SimpleRouter(use_regex_path=False)
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("grid-points", views.GridPointViewSet, basename="api-grid-point")
router.register("units", views.UnitViewSet, basename="api-unit")

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="api-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="api-logout"),
    path("auth/tokens/", views.TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<int:token_id>/", views.TokenDetailView.as_view(), name="api-token-detail"),
    path("me/", views.MeView.as_view(), name="api-me"),
    *router.urls,
]
