"""Writes to the library: storing a publication's files, counting downloads."""

from django.db.models import F

from wego_portal.files import normalised_image

from .models import Publication

COVER_MAX_SIDE = 800


def publication_cover_set(*, publication: Publication, upload) -> None:
    """Store ``upload`` (checked by ``validate_image``) as the cover, re-encoded as a PNG of at
    most 800 px: only its pixels are kept."""
    publication.cover = normalised_image(upload, max_side=COVER_MAX_SIDE, name=publication.slug)


def publication_download_count(*, publication: Publication) -> None:
    """Count one download (one UPDATE, safe under concurrent downloads)."""
    Publication.objects.filter(pk=publication.pk).update(download_count=F("download_count") + 1)
