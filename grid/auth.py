"""Who is asking: the session backend and API token authentication, each in one query.

Every scoped read starts from the person's home node (``user.region``, see
:func:`grid.scoping.jurisdiction_of`). Loading it with the person saves one query on every
page and API request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from grid.models import User


class GridModelBackend(ModelBackend):
    """Django's model backend; a signed-in person comes with their home node."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's person comes with their home node."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__region").get(key=key)
        except model.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
