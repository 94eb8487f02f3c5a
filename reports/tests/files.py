"""Real files for upload tests, made in the test: good ones, and the lying ones of issue 9."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def image_bytes(fmt: str, size: tuple[int, int] = (4, 3), color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def png(size: tuple[int, int] = (4, 3), color=(200, 30, 30)) -> bytes:
    return image_bytes("PNG", size, color)


def jpeg(size: tuple[int, int] = (4, 3), color=(30, 30, 200)) -> bytes:
    return image_bytes("JPEG", size, color)


def webp(size: tuple[int, int] = (4, 3)) -> bytes:
    return image_bytes("WEBP", size)


def noisy_jpeg(size: tuple[int, int] = (64, 64)) -> bytes:
    """A JPEG with enough entropy-coded data that cutting it loses pixels."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    """The first half of a JPEG: its header is fine, half of its pixels are missing."""
    data = noisy_jpeg()
    return data[: len(data) // 2]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` pixels.

    Nothing of that size is allocated here: the IHDR chunk is written by hand, with a valid
    checksum, followed by a token IDAT. Decoding it would inflate to 1.2 GB of pixels.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def polyglot_jpeg_html() -> bytes:
    """A real JPEG with an HTML page after its end: a browser sniffing it may run the script."""
    return jpeg((8, 8)) + HTML


def html_with_jpeg_magic() -> bytes:
    """An HTML page behind a JPEG's first three bytes: the old magic-byte check let it in."""
    return b"\xff\xd8\xff" + HTML


def pdf() -> bytes:
    """A minimal complete PDF (one empty page)."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >> endobj\n"
        b"trailer << /Root 1 0 R >>\n"
        b"%%EOF\n"
    )


def truncated_pdf() -> bytes:
    """A PDF cut short: no ``%%EOF`` at its end."""
    return pdf()[:40] + b"0" * 2000
