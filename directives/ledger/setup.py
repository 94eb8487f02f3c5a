"""What the ledger registers with the apps below, from DirectivesConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reports import hooks


def register() -> None:
    from directives.ledger import panels, services

    hooks.register_after_submit(services.link_new_report)
    hooks.register_after(services.link_duplicate, names=["reject"])
    hooks.register_step(services.PUT_ON, done=_("Put on the key-matter ledger"))
    hooks.register_step(services.LINKED, done=_("Linked to a key matter"))
    hooks.register_step(services.FOLLOWED_UP, done=_("Key matter followed up"))
    hooks.register_step(services.TAKEN_OFF, done=_("Taken off the key-matter ledger"))
    panels.register()
