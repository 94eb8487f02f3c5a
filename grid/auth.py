"""Who is asking: the session backend and API token authentication.

Every scoped read starts from the person's home node (``user.region``, see
:func:`grid.scoping.jurisdiction_of`), so a person is always loaded with it, in one query, on
every request. Nothing about people is kept between requests: a change to a person, a token or
a region is seen by the very next request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from grid.models import User


class GridModelBackend(ModelBackend):
    """Django's model backend; a signed-in person comes with their home node."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("region").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication; the token's person comes with their home node."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        token = model.objects.select_related("user", "user__region").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
