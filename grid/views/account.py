"""A person's own account: log in (throttled), log out, and the list of their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from grid.selectors import api_token_list
from grid.services import ApiTokenNotFound, api_token_revoke, api_tokens_revoke_all
from grid.throttling import SignInThrottle, sign_in_throttled_message
from grid.views.errors import page_refusal


class LoginView(auth_views.LoginView):
    """Django's log-in page, counting attempts per address with the API's sign-in throttle.

    Over the limit, the page answers 429 with the form and a message, before any password
    is checked (the cost the throttle is there to bound).
    """

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = SignInThrottle()
        if not throttle.allow_request(request, self):
            seconds = throttle.wait_seconds()
            form = self.get_form_class()(
                request, initial={"username": request.POST.get("username", "")}
            )
            context = self.get_context_data(
                form=form, throttled_message=sign_in_throttled_message(seconds)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Django's log-out, which also revokes every API token of the person logging out."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            api_tokens_revoke_all(user=request.user)
        return super().post(request, *args, **kwargs)


@login_required
def token_list(request):
    """The person's API tokens that still work, each with a button to revoke it."""
    tokens = api_token_list(user=request.user, now=timezone.now())
    return render(
        request,
        "grid/account_tokens.html",
        {"tokens": tokens, "token_days": settings.GRID_TOKEN_DAYS},
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    """Revoke one of the person's own tokens (another person's is a 404)."""
    try:
        api_token_revoke(user=request.user, token_id=token_id)
    except ApiTokenNotFound as exc:
        page_refusal(exc)  # raises: the product's 404 page
    messages.success(request, _("The token was revoked. Programs using it are signed out."))
    return redirect("account-tokens")
