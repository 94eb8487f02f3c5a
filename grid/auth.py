"""Who is asking: the session backend and API token authentication.

Every scoped read starts from the person's home node (``user.region``, see
:func:`grid.scoping.jurisdiction_of`), so a person is always loaded with it, in one query.

Where the cache is shared by every process (Redis, ``GRID_AUTH_CACHE_SECONDS`` > 0), that
person is also kept there: a request then spends one cache read on who is asking instead of a
database query. Kept copies carry a generation; any change to people, tokens or regions starts
a new generation (:func:`forget_people`, wired to model signals in :mod:`grid.apps`, called
directly by bulk writers), so the next request reads the database again. The generation changes
when the write happens and again when it commits, so a copy read meanwhile is not kept either.
``GRID_AUTH_CACHE_SECONDS`` bounds how long any copy lives in any case.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from config.kept import kept, new_versions
from grid.models import User

GENERATION_KEY = "grid:people:generation"


def forget_people() -> None:
    """Drop every kept person and token now, and again once the current transaction commits."""
    if settings.GRID_AUTH_CACHE_SECONDS > 0:
        new_versions(GENERATION_KEY)


def _kept(key: str, load):
    """``load()``'s answer, kept in the shared cache for this generation of people."""
    return kept(key, [GENERATION_KEY], load, seconds=settings.GRID_AUTH_CACHE_SECONDS)


class GridModelBackend(ModelBackend):
    """Django's model backend; a signed-in person comes with their home node."""

    def get_user(self, user_id):
        def load() -> User | None:
            return User._default_manager.select_related("region").filter(pk=user_id).first()

        user = _kept(f"grid:people:user:{user_id}", load)
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's person comes with their home node."""

    def authenticate_credentials(self, key):
        model = self.get_model()

        def load():
            return model.objects.select_related("user", "user__region").filter(key=key).first()

        # The key itself is a credential: the cache is told only its digest.
        digest = hashlib.sha256(key.encode()).hexdigest()
        token = _kept(f"grid:people:token:{digest}", load)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
