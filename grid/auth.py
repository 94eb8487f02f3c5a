"""Who is asking: the session backend and API token authentication.

Every scoped read starts from the person's home node (``user.region``, see
:func:`grid.scoping.jurisdiction_of`), so a person is always loaded with it, in one query, on
every request. Nothing about people is kept between requests: a change to a person, a token or
a region is seen by the very next request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.db.models import Expression
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from grid.models import ApiToken, User, password_stamps

# ``last_used_at`` is written when it is older than this: at most one write a minute a token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# What higher apps read of the signed-in person on every page, in the query that loads them
# (name -> a function making the expression, e.g. a count of the person's unread notifications).
_annotations: dict[str, Callable[[], Expression]] = {}


def register_signed_in_annotation(name: str, expression: Callable[[], Expression]) -> None:
    """Load every person signed in with a session with ``name``, computed by ``expression()``
    in the same query (no query of its own on each page). Called in ``AppConfig.ready()``;
    registering a name again replaces it. Keep it cheap: it runs on every such request."""
    _annotations[name] = expression


class GridModelBackend(ModelBackend):
    """Django's model backend; a signed-in person comes with their home node (and with what
    other apps registered, see :func:`register_signed_in_annotation`)."""

    def get_user(self, user_id):
        people = User._default_manager.select_related("region")
        if _annotations:
            people = people.annotate(**{name: make() for name, make in _annotations.items()})
        user = people.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: one of our :class:`~grid.models.ApiToken`, by key hash.

    The token, its person and their home node are read in one query. A token is refused
    (401) when unknown or revoked, expired, made before its person's password last changed,
    or its person is inactive. ``last_used_at`` is written at most once a minute.
    """

    model = ApiToken

    def authenticate_credentials(self, key):
        token = (
            ApiToken.objects.select_related("user", "user__region")
            .filter(key_hash=ApiToken.hash_key(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("This token has expired. Sign in again for a new one."), code="token_expired"
            )
        user = token.user
        if not any(constant_time_compare(token.user_hash, s) for s in password_stamps(user)):
            raise exceptions.AuthenticationFailed(
                _("This token ended when the password changed. Sign in again for a new one."),
                code="token_revoked",
            )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return (user, token)
