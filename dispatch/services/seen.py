"""A dispatch action as decided on a page: refused if someone acted on the case meanwhile.

A form on the case page was filled in against the case as it stood when the page was drawn:
the reply it reviews, the extension request it decides. If another person took a step on the
case since (approved that reply, sent it back, decided the request), applying the form could
decide something its author never saw; so, under the case's row lock, the latest person's step
must still be the one the page was drawn after (:func:`dispatch.selectors.case_last_step_for`).
The API's callers act on what they read a moment ago and need no such check.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from dispatch.selectors import case_last_step_for
from dispatch.services.actions import dispatch_act
from grid.models import User
from reports.models import Report


def dispatch_act_as_seen(
    *,
    report_id: int,
    by: User,
    name: str,
    seen_step: int | None,
    data: Mapping | None = None,
    prefix: str | None = None,
    now: datetime | None = None,
):
    """:func:`dispatch.services.dispatch_act`, first refusing (409, "changed meanwhile") when
    a person's step newer than ``seen_step`` (the id the page was drawn after; None: the case
    had none) is on the case. 404 outside the jurisdiction comes first, as always."""
    with transaction.atomic():
        locked = (
            Report.objects.visible_to(by)
            .select_for_update(of=("self",))
            .filter(pk=report_id)
            .values_list("pk", flat=True)
            .first()
        )
        if locked is None:
            raise Report.DoesNotExist(_("No such case in your jurisdiction."))
        if case_last_step_for(report_id=report_id) != seen_step:
            raise ConcurrentTransition(_("Someone acted on this case meanwhile."))
        return dispatch_act(
            report_id=report_id, by=by, name=name, data=data, prefix=prefix, now=now
        )
