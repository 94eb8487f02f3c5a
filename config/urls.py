"""Root URL configuration: pages, the admin, the versioned API and its OpenAPI schema."""

from django.contrib import admin
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.cache import cache_control
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.csp import content_security_policy
from grid.api import errors as api_errors
from grid.errors import Refusal, refusal_for
from grid.views import account


@cache_control(max_age=86400)
def favicon(request):
    """``/favicon.ico``, which browsers ask for on pages without an icon link: our SVG icon."""
    return redirect(static("favicon.svg"))


# Swagger UI from our static files, its start-up script a separate request (no inline
# script); only its page's inline <style> needs a looser style-src.
api_docs = content_security_policy(style_src=["'self'", "'unsafe-inline'"])(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

urlpatterns = [
    path("favicon.ico", favicon),
    # Django's log-in and log-out, throttled and revoking API tokens (grid.views.account).
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", account.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("api/v1/", include("grid.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("api/v1/", include("dispatch.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("api/v1/", include("duty.api.urls")),
    path("api/v1/", include("duty.deductions.api.urls")),
    path("api/v1/", include("directives.api.urls")),
    path("api/v1/", include("scorecards.api.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("dispatch/", include("dispatch.urls")),
    path("duty/deductions/", include("duty.deductions.urls")),
    path("duty/", include("duty.urls")),
    path("directives/", include("directives.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("", include("grid.urls")),
]


def handler400(request, exception):
    """A request Django or a view refused (too large, too many fields, a NUL in an address):
    JSON under /api/, else the product's page, saying what is wrong (``grid.errors``)."""
    refusal = refusal_for(exception) or Refusal(400, "bad_request", gettext("Bad request."))
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": refusal.message, "code": refusal.code}, status=400)
    return render(request, "400.html", {"message": refusal.message}, status=400)


def handler404(request, exception):
    if request.path.startswith("/api/"):
        return api_errors.not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if request.path.startswith("/api/"):
        return api_errors.server_error(request)
    return defaults.server_error(request)


admin.site.site_header = _("Sentiment grid administration")
admin.site.site_title = _("Sentiment grid")
