"""Writes of authoritative pushes (辟谣·权威信息推送) and relayed instructions (上级指令):
what they need when issued, a node's forwarding (once, with where and perhaps a screenshot),
and the relay's entry in the issuer's duty log (duty owns the log; directives sits above it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.errors import NoticeConflict
from directives.models import (
    PUSH_KINDS,
    ForwardPlatform,
    ForwardScreenshot,
    Notice,
    NoticeForward,
    NoticeRecipient,
)
from directives.selectors import recipient_for
from duty.models import LogKind
from duty.services.logs import record_on_duty
from grid.models import User
from reports.attachments import IMAGE_FORMATS, check_attachments
from reports.models import Report

MAX_PLACE = 200


def check_push_and_relay(
    *,
    by: User,
    now: datetime,
    kind: str,
    share_text: str,
    share_link: str,
    reports: Sequence[Report],
    relayed_from: str,
    relayed_received_at: datetime | None,
) -> None:
    """What a push and a relay need, checked before anything is written."""
    errors: dict[str, str] = {}
    if kind in PUSH_KINDS and not share_text and not share_link:
        errors["share_text"] = _("Give the text or the link to forward.")
    if kind not in PUSH_KINDS and (share_text or share_link or reports):
        errors["kind"] = _("Only a rumour refutation or an authoritative statement is forwarded.")
    if reports:
        ids = {report.pk for report in reports}
        if Report.objects.visible_to(by).filter(pk__in=ids).count() != len(ids):
            errors["reports"] = _("Link only reports you may see.")
    if relayed_received_at is not None and not relayed_from:
        errors["relayed_from"] = _("Say from whom the instruction was received.")
    elif relayed_received_at is not None and relayed_received_at > now:
        errors["relayed_received_at"] = _("The time it was received cannot be in the future.")
    if len(relayed_from) > MAX_PLACE:
        errors["relayed_from"] = _("At most %(n)d characters.") % {"n": MAX_PLACE}
    if errors:
        raise ValidationError(errors)


def log_relay(notice: Notice, *, by: User, now: datetime) -> None:
    """The relay in the log of the duty the issuer is on now (none if they are not)."""
    received = notice.relayed_received_at
    text = _("Relayed %(kind)s 「%(title)s」 from %(source)s to %(n)d nodes.") % {
        "kind": notice.get_kind_display(),
        "title": notice.title,
        "source": notice.relayed_from,
        "n": notice.recipient_count,
    }
    if received is not None:
        text += " " + _("Received %(at)s.") % {
            "at": timezone.localtime(received).strftime("%Y-%m-%d %H:%M")
        }
    record_on_duty(by=by, kind=LogKind.RELAYED, text=text, now=now)


def _check_screenshot(screenshot):
    """The one picture a forwarding may show, checked like every upload, a picture only."""
    if screenshot is None:
        return None
    try:
        (checked,) = check_attachments([screenshot])
    except ValidationError as exc:
        raise ValidationError({"screenshot": exc.messages}) from exc
    if checked.content_type not in IMAGE_FORMATS.values() or checked.width is None:
        raise ValidationError(
            {"screenshot": _("The screenshot must be a picture (JPEG, PNG or WebP).")}
        )
    return checked


@transaction.atomic
def notice_forward(
    *,
    notice_id: int,
    by: User,
    now: datetime,
    platform: str,
    place: str,
    screenshot=None,
) -> NoticeForward:
    """Mark a push forwarded by the person's node, with where (platform and group) and
    perhaps a screenshot: once per node (the second answers 409, whoever sends it)."""
    recipient = recipient_for(user=by, notice_id=notice_id)
    recipient = (
        NoticeRecipient.objects.select_for_update().select_related("notice").get(pk=recipient.pk)
    )
    if not recipient.notice.is_push:
        raise NoticeConflict(_("This notice is not one to forward."))
    if NoticeForward.objects.filter(recipient=recipient).exists():
        raise NoticeConflict(_("Your node has already marked this forwarded."))
    place = (place or "").strip()
    errors = {}
    if platform not in ForwardPlatform.values:
        errors["platform"] = _("Choose where it was forwarded.")
    if not place:
        errors["place"] = _("Name the group or account it was forwarded to.")
    elif len(place) > MAX_PLACE:
        errors["place"] = _("At most %(n)d characters.") % {"n": MAX_PLACE}
    if errors:
        raise ValidationError(errors)
    checked = _check_screenshot(screenshot)
    try:
        with transaction.atomic():
            forward = NoticeForward.objects.create(
                recipient=recipient,
                forwarded_by=by,
                forwarded_at=now,
                platform=platform,
                place=place,
            )
    except IntegrityError as exc:  # another person of the node, at the same moment
        raise NoticeConflict(_("Your node has already marked this forwarded.")) from exc
    if checked is not None:
        row = ForwardScreenshot(
            forward=forward,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            width=checked.width,
            height=checked.height,
        )
        row.file.save(checked.name, checked.upload, save=False)
        row.save()
    return forward
