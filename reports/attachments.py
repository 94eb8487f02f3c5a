"""Attachment checks: by content, never by the name or the browser's claim.

An image is decoded in full, under a pixel limit, before it is stored: its type is the format
the decoder found, and only such a verified image is ever shown inline. A PDF must begin and
end as a PDF does; it is only ever served as a download. Anything else is refused, with a
message naming the file.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

MAX_ATTACHMENTS = 9

# Pillow's format -> the content type we store and serve. MPO is how Pillow names the JPEGs
# many phone cameras write (a JPEG with a second, preview picture).
IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
}
PDF = "application/pdf"
ATTACHMENT_TYPES = ["image/jpeg", "image/png", "image/webp", PDF]
# The extension a download carries for each type; the first is the one we give.
EXTENSIONS = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    PDF: (".pdf",),
}
# How far from the end a PDF's ``%%EOF`` may stand (trailing whitespace, an editor's junk).
PDF_EOF_WINDOW = 1024


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what we learnt from its bytes.

    ``width`` and ``height`` are set only for an image that decoded in full.
    """

    upload: UploadedFile
    content_type: str
    size: int
    sha256: str
    name: str
    width: int | None = None
    height: int | None = None


class Refused(Exception):
    """The bytes are not an attachment we accept; ``args[0]`` says why (see ``_messages``)."""


# Why a file was refused -> what the person reads (the file's name first).
def _messages() -> dict[str, str]:
    return {
        "type": _("%(name)s is not a JPEG, PNG, WebP image or a PDF document."),
        "pixels": _("%(name)s has more than %(n)s million pixels."),
        "image": _("%(name)s is not an image that can be opened (damaged or incomplete)."),
        "pdf": _("%(name)s is not a complete PDF document."),
    }


def sniff_content_type(head: bytes) -> str | None:
    """The content type the first bytes claim, or None if not one we accept.

    Only a first sieve: an image claim is then proven by decoding (:func:`decode_image`).
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def decode_image(upload: UploadedFile, *, max_pixels: int) -> tuple[str, int, int]:
    """Decode the whole image; return its content type, width and height, or raise Refused.

    Twice, as Pillow asks: ``verify()`` checks the structure (chunks, checksums) and leaves the
    image unusable, then a second open decodes every pixel with ``load()``, which finds a
    truncated or corrupt stream. Both opens refuse more than ``max_pixels`` before any pixel
    is decoded (a 20,000 × 20,000 PNG is a few hundred bytes: a decompression bomb).
    """
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice the limit: refuse there too. (The
            # explicit check below holds whatever another thread does to the warning filters.)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=["JPEG", "PNG", "WEBP"]) as image:
                content_type = IMAGE_FORMATS.get(image.format or "")
                width, height = image.size
                if content_type is None:
                    raise Refused("type")
                if width * height > max_pixels:
                    raise Refused("pixels")
                image.verify()
            upload.seek(0)
            with Image.open(upload, formats=["JPEG", "PNG", "WEBP"]) as image:
                if image.format == "JPEG" or image.format == "MPO":
                    # Decode at 1/8 scale: every byte of the stream is still read and
                    # checked, with a 64th of the memory.
                    image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Refused("pixels") from exc
    except Exception as exc:
        # Pillow reports broken data as UnidentifiedImageError, OSError, SyntaxError (a broken
        # PNG chunk), ValueError, EOFError, and a crafted file as struct.error or IndexError:
        # whatever it is, the file did not decode, and no upload may answer 500.
        raise Refused("image") from exc
    finally:
        upload.seek(0)
    return content_type, width, height


def check_pdf(upload: UploadedFile) -> None:
    """A PDF starts with ``%PDF-`` and ends with ``%%EOF`` (give or take trailing bytes)."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, upload.size - PDF_EOF_WINDOW))
    tail = upload.read(PDF_EOF_WINDOW)
    upload.seek(0)
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise Refused("pdf")


def served_name(name: str, content_type: str) -> str:
    """The person's file name with the extension of what the file really is.

    ``screenshot.JPEG`` stays; ``post.html`` that is a JPEG becomes ``post.jpg``.
    """
    extensions = EXTENSIONS.get(content_type)
    if not extensions:
        return name
    path = PurePosixPath(name)
    if path.suffix.lower() in extensions:
        return name
    stem = path.stem if path.suffix else name
    return f"{stem or 'attachment'}{extensions[0]}"


def check_attachments(files: list[UploadedFile]) -> list[CheckedFile]:
    """Validate a report's uploads; raise one ValidationError listing every bad file."""
    max_each = settings.REPORT_ATTACHMENT_MAX_BYTES
    max_total = settings.REPORT_ATTACHMENTS_MAX_TOTAL_BYTES
    max_pixels = settings.REPORT_IMAGE_MAX_PIXELS
    errors: list[str] = []
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(n)d attachments per report.") % {"n": MAX_ATTACHMENTS}, code="too_many"
        )
    checked: list[CheckedFile] = []
    for upload in files:
        name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
        if upload.size > max_each:
            errors.append(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(max_each)}
            )
            continue
        upload.seek(0)
        content_type = sniff_content_type(upload.read(16))
        width = height = None
        try:
            if content_type is None:
                raise Refused("type")
            if content_type == PDF:
                check_pdf(upload)
            else:
                content_type, width, height = decode_image(upload, max_pixels=max_pixels)
        except Refused as exc:
            errors.append(
                _messages()[exc.args[0]] % {"name": name, "n": f"{max_pixels / 1_000_000:g}"}
            )
            continue
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append(
            CheckedFile(upload, content_type, upload.size, digest.hexdigest(), name, width, height)
        )
    if sum(f.size for f in checked) > max_total:
        errors.append(
            _("Attachments together are larger than %(limit)s.")
            % {"limit": filesizeformat(max_total)}
        )
    if errors:
        raise ValidationError(errors, code="bad_attachment")
    return checked


# Whatever a stored file holds, a browser never runs it: no scripts, no plugins, no same
# origin (sandbox), no content sniffing, no caching on shared machines.
DOWNLOAD_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}


def attachment_response(attachment, handle, *, inline_images: bool) -> FileResponse:
    """Stream a stored attachment: inline only an image verified when it was stored (and only
    if ``inline_images``), anything else as a download, under the stored content type."""
    inline = inline_images and attachment.is_verified_image
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response
