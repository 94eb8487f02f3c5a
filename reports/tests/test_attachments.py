"""Uploads are what their bytes are: images decoded in full under a pixel limit, PDFs checked
for their two ends, everything else refused by name; only verified images are shown inline."""

from __future__ import annotations

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reports.attachments import check_attachments, served_name
from reports.models import Report, ReportAttachment
from reports.tests import files
from reports.tests.factories import submit
from reports.tests.test_api import LIST_URL, api
from reports.tests.test_views import intake_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as exc:
        check_attachments([upload(name, data)])
    (message,) = exc.value.messages
    return message


# --- the checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "size"),
    [
        (files.png((5, 4)), "image/png", (5, 4)),
        (files.jpeg((7, 3)), "image/jpeg", (7, 3)),
        (files.webp((6, 2)), "image/webp", (6, 2)),
        (files.pdf(), "application/pdf", (None, None)),
    ],
)
def test_good_files_pass_with_their_type_and_size_from_their_bytes(data, content_type, size):
    # The client says "text/plain" and names it .txt: neither is believed.
    (checked,) = check_attachments([upload("x.txt", data, "text/plain")])
    assert checked.content_type == content_type
    assert (checked.width, checked.height) == size
    assert checked.name == "x.txt"


def test_a_phone_cameras_jpeg_with_a_preview_picture_is_a_jpeg():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (8, 6), "red"), Image.new("RGB", (8, 6), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    (checked,) = check_attachments([upload("IMG_0001.JPG", buffer.getvalue())])
    assert (checked.content_type, checked.width, checked.height) == ("image/jpeg", 8, 6)


def test_a_decompression_bomb_is_refused_without_decoding_it():
    bomb = files.bomb_png()
    assert len(bomb) < 200  # a few bytes claiming 400 million pixels
    assert refusal("bomb.png", bomb) == "bomb.png has more than 40 million pixels."


def test_the_pixel_limit_is_a_setting_and_holds_below_twice_the_limit(settings):
    # Pillow itself only warns between the limit and twice the limit: refused all the same.
    settings.REPORT_IMAGE_MAX_PIXELS = 10
    assert refusal("s.png", files.png((4, 3))).startswith("s.png has more than")
    settings.REPORT_IMAGE_MAX_PIXELS = 12
    assert check_attachments([upload("s.png", files.png((4, 3)))])


def test_a_truncated_jpeg_is_refused():
    data = files.truncated_jpeg()
    assert data.startswith(b"\xff\xd8\xff")  # the old magic-byte check let it in
    assert refusal("cut.jpg", data) == (
        "cut.jpg is not an image that can be opened (damaged or incomplete)."
    )


def test_a_png_with_a_broken_checksum_is_refused():
    data = bytearray(files.png((4, 3)))
    data[29] ^= 0xFF  # inside the IHDR chunk's checksum
    assert "damaged or incomplete" in refusal("bad.png", bytes(data))


def test_html_behind_a_jpeg_signature_is_refused():
    assert "damaged or incomplete" in refusal("page.html", files.html_with_jpeg_magic())


def test_a_jpeg_html_polyglot_is_stored_as_the_jpeg_it_is(city):
    """It decodes in full, so it is an image: stored byte for byte (the evidence), typed and
    named as a JPEG, and served so that no browser ever treats it as a page."""
    report = submit(city.informant(0), attachments=[upload("x.html", files.polyglot_jpeg_html())])
    attachment = report.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert attachment.original_name == "x.html"  # what the person called it, on record
    assert attachment.download_name == "x.jpg"
    assert attachment.file.read() == files.polyglot_jpeg_html()


def test_a_pdf_must_begin_and_end_as_a_pdf():
    assert refusal("cut.pdf", files.truncated_pdf()) == "cut.pdf is not a complete PDF document."
    assert check_attachments([upload("ok.pdf", files.pdf() + b"\n" * 100)])


def test_a_mangled_image_is_decoded_or_refused_never_an_error():
    """Flipped, cut and spliced bytes of real images (seeded): no upload may answer 500."""
    rng = random.Random(9)
    seeds = [files.png((30, 20)), files.noisy_jpeg(), files.webp((20, 20)), files.bomb_png()]
    outcomes = set()
    for _i in range(300):
        data = bytearray(rng.choice(seeds))
        for _j in range(rng.randint(1, 6)):
            at = rng.randrange(len(data))
            if rng.random() < 0.6 or len(data) < 20:
                data[at] = rng.randrange(256)
            elif rng.random() < 0.5:
                del data[max(at, 8) :]
            else:
                data[at : at + rng.randint(0, 10)] = rng.randbytes(rng.randint(0, 20))
        try:
            check_attachments([upload("x.png", bytes(data))])
        except ValidationError:
            outcomes.add("refused")
        else:
            outcomes.add("decoded")
    assert outcomes == {"refused", "decoded"}


def test_other_formats_are_refused_by_name():
    gif = files.image_bytes("GIF")
    assert refusal("a.png", gif) == "a.png is not a JPEG, PNG, WebP image or a PDF document."


def test_every_bad_file_is_named_at_once():
    with pytest.raises(ValidationError) as exc:
        check_attachments(
            [
                upload("ok.png", files.png()),
                upload("bomb.png", files.bomb_png()),
                upload("cut.jpg", files.truncated_jpeg()),
            ]
        )
    assert [m.split(" ")[0] for m in exc.value.messages] == ["bomb.png", "cut.jpg"]


@pytest.mark.parametrize(
    ("name", "content_type", "served"),
    [
        ("shot.JPEG", "image/jpeg", "shot.JPEG"),
        ("shot.jpg", "image/jpeg", "shot.jpg"),
        ("post.html", "image/jpeg", "post.jpg"),
        ("screenshot", "image/png", "screenshot.png"),
        (".htaccess", "image/webp", ".htaccess.webp"),
        ("notice.pdf.exe", "application/pdf", "notice.pdf.pdf"),
        ("通知.PDF", "application/pdf", "通知.PDF"),
    ],
)
def test_the_served_name_carries_the_real_types_extension(name, content_type, served):
    assert served_name(name, content_type) == served


# --- the case page and downloads --------------------------------------------------------------


def test_only_verified_images_are_shown_inline(client, city):
    informant = city.informant(0)
    report = submit(
        informant,
        attachments=[
            upload("shot.png", files.png((5, 4))),
            upload("notice.pdf", files.pdf()),
            upload("x.html", files.polyglot_jpeg_html()),
        ],
    )
    # A file stored before images were decoded: its type was guessed from magic bytes only.
    ReportAttachment.objects.filter(report=report, number=1).update(width=None, height=None)
    client.force_login(informant)
    html = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    url = reverse("report-attachment", args=[report.pk, 3])
    assert html.count("<img ") == 1
    assert f'<img src="{url}" alt="x.jpg" width="8" height="8"' in html
    assert "x.html" not in html
    assert 'download="shot.png"' in html
    assert 'download="notice.pdf"' in html

    unverified = client.get(reverse("report-attachment", args=[report.pk, 1]))
    assert unverified["Content-Disposition"].startswith("attachment")
    image = client.get(url)
    assert image["Content-Disposition"] == 'inline; filename="x.jpg"'
    assert image["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("where", ["page", "api"])
def test_downloads_are_sandboxed_and_never_sniffed(client, city, where):
    informant = city.informant(0)
    report = submit(
        informant,
        attachments=[upload("notice", files.pdf()), upload("x.html", files.polyglot_jpeg_html())],
    )
    if where == "page":
        client.force_login(informant)
        name = "report-attachment"
    else:
        client = api(informant)
        name = "reports_api:report-attachment"
    pdf = client.get(reverse(name, args=[report.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="notice.pdf"'
    for response in (pdf, client.get(reverse(name, args=[report.pk, 2]))):
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"


def test_the_intake_page_names_each_refused_file(client, city):
    informant = city.informant(0)
    client.force_login(informant)
    data = intake_data(
        region=informant.region_id,
        attachments=[
            upload("bomb.png", files.bomb_png()),
            upload("cut.jpg", files.truncated_jpeg()),
        ],
    )
    response = client.post(reverse("report-new"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "bomb.png has more than 40 million pixels." in html
    assert "cut.jpg is not an image that can be opened (damaged or incomplete)." in html
    assert not Report.objects.exists()


# --- the API -----------------------------------------------------------------------------------


def _file(client, attachments) -> dict:
    response = client.post(
        LIST_URL,
        {
            "title": "截图",
            "body": "见附件。",
            "category": "other",
            "source_platform": "other",
            "attachments": attachments,
        },
        format="multipart",
    )
    return response.status_code, response.json()


def test_api_names_each_refused_file_in_a_list(city):
    status, body = _file(
        api(city.informant(0)),
        [upload("bomb.png", files.bomb_png()), upload("page.html", files.html_with_jpeg_magic())],
    )
    assert status == 400
    assert body["errors"] == {
        "attachments": [
            "bomb.png has more than 40 million pixels.",
            "page.html is not an image that can be opened (damaged or incomplete).",
        ]
    }
    assert body["detail"] == "bomb.png has more than 40 million pixels."


def test_api_answers_a_non_file_in_the_same_list_shape(city):
    """DRF's list field said ``{"0": [...]}``; the schema says a list of strings."""
    status, body = _file(api(city.informant(0)), ["not a file"])
    assert status == 400
    (message,) = body["errors"]["attachments"]
    assert message.startswith("Item 1: The submitted data was not a file.")


def test_api_tells_the_real_type_name_and_size(city):
    status, body = _file(api(city.informant(0)), [upload("x.html", files.polyglot_jpeg_html())])
    assert status == 201, body
    (attachment,) = body["attachments"]
    assert attachment["name"] == "x.jpg"
    assert attachment["content_type"] == "image/jpeg"
    assert (attachment["width"], attachment["height"]) == (8, 8)


def test_schema_documents_attachment_errors_as_lists_of_messages(city):
    schema = api(city.county_admin(0)).get(reverse("api-schema"), {"format": "json"}).json()
    errors = schema["components"]["schemas"]["Error"]["properties"]["errors"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    attachment = schema["components"]["schemas"]["Attachment"]["properties"]
    assert attachment["width"]["nullable"] is True
