"""Upload fixtures built in memory: real images, PDFs, and the hostile files we must refuse."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(width: int = 64, height: int = 64, colour=(10, 75, 140)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "logo.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def image_bomb_upload() -> SimpleUploadedFile:
    """A valid PNG header claiming 20,000 × 20,000 pixels, with a tiny compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * 20000
    body = zlib.compress(row * 200, 9)  # far fewer rows than declared: decoding would fail late
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def renamed_executable_upload(name: str = "logo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name,
        b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run in DOS mode",
        content_type="image/png",
    )


def polyglot_upload() -> SimpleUploadedFile:
    """A real PNG followed by an HTML/script payload: valid as an image, dangerous if served raw."""
    payload = b"<html><script>alert(document.cookie)</script></html>"
    return SimpleUploadedFile("poly.png", png_bytes() + payload, content_type="image/png")


def pdf_bytes(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + extra
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_upload(name: str = "letter.pdf", size: int = 0) -> SimpleUploadedFile:
    padding = b"%" + b"x" * max(0, size - 200) + b"\n" if size else b""
    return SimpleUploadedFile(name, pdf_bytes(padding), content_type="application/pdf")
