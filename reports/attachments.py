"""Attachment checks: by content (magic bytes), never by the name or the browser's claim."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ATTACHMENTS = 9


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what we learnt from its bytes."""

    upload: UploadedFile
    content_type: str
    size: int
    sha256: str
    name: str


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes prove, or None if not one we accept."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def check_attachments(files: list[UploadedFile]) -> list[CheckedFile]:
    """Validate a report's uploads; raise one ValidationError listing every bad file."""
    max_each = settings.REPORT_ATTACHMENT_MAX_BYTES
    max_total = settings.REPORT_ATTACHMENTS_MAX_TOTAL_BYTES
    errors: list[str] = []
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(n)d attachments per report.") % {"n": MAX_ATTACHMENTS}, code="too_many"
        )
    checked: list[CheckedFile] = []
    for upload in files:
        name = (upload.name or "file").rsplit("/", 1)[-1][:200]
        if upload.size > max_each:
            errors.append(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(max_each)}
            )
            continue
        upload.seek(0)
        content_type = sniff_content_type(upload.read(16))
        if content_type is None:
            errors.append(
                _("%(name)s is not a JPEG, PNG, WebP image or a PDF document.") % {"name": name}
            )
            continue
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append(CheckedFile(upload, content_type, upload.size, digest.hexdigest(), name))
    if sum(f.size for f in checked) > max_total:
        errors.append(
            _("Attachments together are larger than %(limit)s.")
            % {"limit": filesizeformat(max_total)}
        )
    if errors:
        raise ValidationError(errors, code="bad_attachment")
    return checked
