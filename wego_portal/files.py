"""Uploaded files: validation by content, image normalisation, and private file responses.

Shared by every app that accepts uploads (logos, supporting letters, attachments, award images).
Nothing here trusts a file name or a browser's content type: a file is what its bytes say.
"""

import io
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from storages.backends.s3 import S3Storage

ALLOWED_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


class PrivateFileSystemStorage(FileSystemStorage):
    """Files with no public URL: ``url()`` refuses, so no template can ever link to one."""

    def url(self, name):
        raise ValueError("Private files have no public URL; stream them through a checked view.")


class PrivateS3Storage(S3Storage):
    """The private bucket: no public URL either; views stream the object after their check.

    Streaming rather than redirecting to a presigned URL: a presigned URL is a bearer link that
    works for anyone holding it until it expires (browser history, a forwarded e-mail, proxy
    logs), while a streamed download is checked on every request and keeps the portal's
    download headers (attachment, nosniff, sandbox CSP). The files are small (10 MB at most),
    so passing them through a web node costs little.
    """

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL; stream them through a checked view.")


class _PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up again whenever the STORAGES setting changes."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs) -> None:
    if setting == "STORAGES":
        _private._wrapped = empty


def private_storage():
    """``STORAGES["private"]``: outside MEDIA_ROOT, no URL, streamed by permission-checked views.

    A callable, so migrations record a reference to it rather than a concrete path; it returns
    a lazy proxy, so the folder or bucket follows the STORAGES setting (local disk by default,
    the private bucket when object storage is configured).
    """
    return _private


def _human_size(num_bytes: int) -> str:
    return f"{num_bytes / (1024 * 1024):.0f} MB"


def _check_size(upload, limit: int) -> None:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The maximum is %(limit)s."),
            code="file_too_large",
            params={"size": _human_size(upload.size), "limit": _human_size(limit)},
        )


def _head(upload, length: int = 2048) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


@deconstructible
class PdfValidator:
    """A PDF by its content (``%PDF-`` header, ``%%EOF`` trailer), no larger than the cap."""

    def __init__(self, max_bytes: int | None = None):
        self.max_bytes = max_bytes

    def __call__(self, upload) -> None:
        _check_size(upload, self.max_bytes or settings.MAX_DOCUMENT_UPLOAD_BYTES)
        if not _head(upload, 1024).lstrip()[:5] == b"%PDF-":
            raise ValidationError(
                _("The file must be a PDF document. This file is not a PDF, whatever its name."),
                code="not_pdf",
            )
        upload.seek(max(0, (upload.size or 0) - 2048))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(
                _("The PDF seems incomplete or damaged. Please export it again."), code="bad_pdf"
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, PdfValidator) and self.max_bytes == other.max_bytes


validate_pdf = PdfValidator()


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    size = f" ({width} × {height})" if width and height else ""
    return ValidationError(
        _("The image has too many pixels%(size)s. The maximum is %(max)s pixels."),
        code="image_too_many_pixels",
        params={"size": size, "max": f"{settings.MAX_IMAGE_PIXELS:,}"},
    )


def open_checked_image(upload) -> Image.Image:
    """Open ``upload`` as an image, refusing non-images and decompression bombs.

    Only the header is read before the pixel-count check, so a 20,000 × 20,000 PNG of a few
    kilobytes is refused without ever being decoded into memory.
    """
    _check_size(upload, settings.MAX_IMAGE_UPLOAD_BYTES)
    upload.seek(0)
    try:
        image = Image.open(upload)
    except Image.DecompressionBombError as exc:  # Pillow's own, far higher, header-time cap
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(
            _("The file must be an image (PNG, JPEG, WebP or GIF)."), code="not_image"
        ) from exc
    if image.format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be PNG, JPEG, WebP or GIF; this one is %(format)s."),
            code="image_format",
            params={"format": image.format},
        )
    width, height = image.size
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise _too_many_pixels(width, height)
    try:
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError(
            _("The image could not be read. It may be damaged; please save it again."),
            code="bad_image",
        ) from exc
    upload.seek(0)
    return image


def validate_image(upload) -> None:
    open_checked_image(upload)


def normalised_image(upload, *, max_side: int, name: str) -> ContentFile:
    """Re-encode an upload as a PNG no larger than ``max_side``.

    Re-encoding drops anything riding along in the original bytes (metadata, an HTML or
    script payload of a polyglot file), so what we serve is only pixels.
    """
    image = ImageOps.exif_transpose(open_checked_image(upload))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{PurePath(name).stem[:60] or 'image'}.png")


def private_file_response(field_file, *, download_name: str | None = None) -> FileResponse:
    """Stream a private file as an attachment that browsers will neither sniff nor render."""
    field_file.open("rb")
    response = FileResponse(
        field_file,
        as_attachment=True,
        filename=download_name or PurePath(field_file.name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
