from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridConfig(AppConfig):
    """The four-tier grid: regions, grid information points, handling units and people."""

    name = "grid"
    verbose_name = _("Grid")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from rest_framework.authtoken.models import Token

        from grid.auth import forget_people
        from grid.models import Region, User

        def changed(sender, update_fields=None, **kwargs) -> None:
            # Signing in stamps last_login on every log-in; nothing kept depends on it.
            if update_fields is not None and set(update_fields) == {"last_login"}:
                return
            forget_people()

        # People are kept with their home node and tokens with their person (grid.auth).
        for model in (User, Region, Token):
            post_save.connect(changed, sender=model, dispatch_uid=f"forget-people-save-{model}")
            post_delete.connect(changed, sender=model, dispatch_uid=f"forget-people-del-{model}")
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(changed, sender=through, dispatch_uid=f"forget-people-{through}")
