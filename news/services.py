"""Every write to news: saving, sending for review, publishing (now or at a set moment),
returning, and loading the WeGO data set. The moderation steps go through the shared
workflow (``wego_portal.moderation``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wego_portal.files import normalised_image
from wego_portal.moderation.enums import ModerationStatus
from wego_portal.moderation.services import (
    Moderation,
    ModerationError,
    moderation_mark_published,
    moderation_publish,
    moderation_return,
    moderation_submit,
)
from wego_portal.permissions import require

from .models import Article

NEWS_MODERATION = Moderation(
    model=Article,
    permission="news.publish_article",
    notifications="news.article",
    context_name="article",
    manage_url="admin:news_article_change",
    messages={
        "already_published": _("This article is already published."),
        "incomplete": _("Complete these parts of the article first: %(parts)s."),
    },
)
LEAD_IMAGE_MAX_SIDE = 1600


class NewsError(ModerationError):
    """A move the article's status does not allow; the message is shown to the person."""


def lead_image_set(*, article: Article, upload, alt: str) -> None:
    """Store ``upload`` (already checked by ``wego_portal.files.validate_image``) as the lead
    image, re-encoded as a PNG of at most 1600 px (nothing else of the file is kept), with its
    description. Refuses (``ValidationError``) an image without a description."""
    if not alt.strip():
        raise ValidationError(
            {"lead_image_alt": _("Describe the image for people who cannot see it.")}
        )
    article.lead_image = normalised_image(upload, max_side=LEAD_IMAGE_MAX_SIDE, name=article.slug)
    article.lead_image_alt = alt.strip()


@transaction.atomic
def article_submit(*, article: Article, submitted_by) -> Article:
    """Send a draft for review. Side effects: a notice and e-mail to the Secretariat."""
    require(submitted_by, "news.change_article", article)
    return moderation_submit(moderation=NEWS_MODERATION, obj=article, submitted_by=submitted_by)


@transaction.atomic
def article_publish(*, article: Article, published_by, now: datetime.datetime | None = None):
    """Publish ``article``: at once, or, when its ``publish_at`` is still ahead, approve it so
    that Celery beat publishes it then (``articles_publish_due``).

    Refuses (``PermissionDenied``) users without ``news.publish_article`` on it (office staff
    publish their own office's articles; the Secretariat any), and (``NewsError``) one already
    published. Side effects: none beyond the article (no organization to tell).
    """
    require(published_by, "news.publish_article", article)
    now = now or timezone.now()
    if article.publish_at and article.publish_at > now:
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if locked.status == ModerationStatus.PUBLISHED:
            raise NEWS_MODERATION.refuse("already_published")
        missing = locked.missing_for_submission()
        if missing:
            raise NEWS_MODERATION.refuse("incomplete", parts=", ".join(missing))
        locked.status = ModerationStatus.SUBMITTED
        locked.submitted_at = locked.submitted_at or now
        locked.submitted_by = locked.submitted_by or published_by
        locked.decided_at, locked.decided_by = now, published_by
        locked.save()
        return locked
    return moderation_publish(moderation=NEWS_MODERATION, obj=article, published_by=published_by)


@transaction.atomic
def article_return(*, article: Article, returned_by, note: str) -> Article:
    """Return an article to its writers with a note (a published one leaves the site)."""
    return moderation_return(
        moderation=NEWS_MODERATION, obj=article, returned_by=returned_by, note=note
    )


def articles_publish_due(*, now: datetime.datetime | None = None) -> int:
    """Publish every approved article whose ``publish_at`` has come (Celery beat, each
    minute). Each article in its own transaction on its locked row, skipped if another worker
    took it. Returns how many were published."""
    now = now or timezone.now()
    due = Article.objects.filter(
        status=ModerationStatus.SUBMITTED,
        decided_at__isnull=False,
        publish_at__lte=now,
    ).values_list("pk", flat=True)
    published = 0
    for pk in list(due):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=ModerationStatus.SUBMITTED)
                .first()
            )
            if article is None:
                continue
            moderation_mark_published(
                moderation=NEWS_MODERATION, obj=article, published_by=article.decided_by
            )
            article.published_at = article.publish_at
            article.save(update_fields=["published_at"])
            published += 1
    return published


@transaction.atomic
def article_load(*, import_key: str, published_at: datetime.datetime, categories=(), **fields):
    """Create or update an article of the WeGO data set (idempotent on ``import_key``),
    published at its historical date. Returns the article and whether it was created."""
    from .models import Category

    relations = {
        name: fields.pop(name, [])
        for name in ("organizations", "events", "programs", "award_editions", "projects")
    }
    article, created = Article.objects.update_or_create(
        import_key=import_key,
        defaults={
            **fields,
            "status": ModerationStatus.PUBLISHED,
            "published_at": published_at,
            "decided_at": published_at,
        },
    )
    article.categories.set(
        [
            Category.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in categories
        ]
    )
    for name, values in relations.items():
        getattr(article, name).set(values)
    return article, created
