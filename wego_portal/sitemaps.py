"""``sitemap.xml``: every public page, one sitemap per section, each with ``lastmod`` where
the object records its last change. Each section lists what its detail page would show (the
apps' public selectors), so the sitemap never names a page that answers 404.

Addresses use ``SITE_URL`` (like the canonical links), not the host of the request. Pages in
the other seven languages are announced by each page's ``hreflang`` alternates.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from .seo import absolute_uri


class PortalSitemap(sitemaps.Sitemap):
    limit = 10_000
    #: The field that records an item's last change (``lastmod``), if it has one.
    lastmod_field: str | None = None

    def lastmod(self, item):
        return getattr(item, self.lastmod_field) if self.lastmod_field else None

    def get_latest_lastmod(self):
        """The section's latest change, asked of the database (not by loading every item)."""
        items = self.items()
        if not self.lastmod_field:
            return None
        if isinstance(items, QuerySet):
            return items.aggregate(latest=Max(self.lastmod_field))["latest"]
        return max((self.lastmod(item) for item in items), default=None)

    def get_urls(self, page=1, site=None, protocol=None):
        parts = urlsplit(settings.SITE_URL)
        return super().get_urls(page=page, site=_SiteUrl(parts.netloc), protocol=parts.scheme)


class _SiteUrl:
    """What ``Sitemap.get_urls`` reads of a site: its domain."""

    def __init__(self, domain: str):
        self.domain = domain


class PagesSitemap(PortalSitemap):
    changefreq = "weekly"
    #: The public pages that are not an object's page (a name that no longer resolves is left out).
    names = (
        "home",
        "news:list",
        "publications:library",
        "members:directory",
        "members:overview",
        "members:partners",
        "members:offices",
        "members:join",
        "events:list",
        "programs:list",
        "awards:list",
        "catalog:list",
        "health:index",
        "health:initiatives",
        "health:knowledge_hub",
        "health:materials",
        "health:suppliers",
        "reports:numbers",
        "governance:index",
        "privacy:notice",
    )

    def items(self):
        found = []
        for name in self.names:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item):
        return reverse(item)

    def priority(self, item):
        return 1.0 if item == "home" else 0.6


class MembersSitemap(PortalSitemap):
    changefreq = "monthly"
    lastmod_field = "updated_at"

    def items(self):
        from members.selectors import public_organizations

        return (
            public_organizations()
            .select_related(None)
            .order_by("id")
            .only("id", "slug", "updated_at")
        )


class OfficesSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        from members.models import Office

        return Office.objects.order_by("id").only("id", "slug")


class EventsSitemap(PortalSitemap):
    changefreq = "weekly"

    lastmod_field = "updated_at"

    def items(self):
        from events.selectors import public_events

        return public_events().order_by("id").only("id", "slug", "updated_at")


class ProgramsSitemap(PortalSitemap):
    changefreq = "monthly"

    def items(self):
        from programs.models import Program

        return Program.objects.filter(is_published=True).order_by("id").only("id", "slug")


class CallsSitemap(PortalSitemap):
    changefreq = "weekly"

    def items(self):
        from programs.selectors import published_calls

        return published_calls().select_related("program").order_by("id")


class AwardsSitemap(PortalSitemap):
    changefreq = "monthly"

    lastmod_field = "updated_at"

    def items(self):
        from awards.models import Edition

        return (
            Edition.objects.filter(is_public=True).order_by("year").only("id", "year", "updated_at")
        )


class AwardWinnersSitemap(PortalSitemap):
    changefreq = "yearly"

    lastmod_field = "updated_at"

    def items(self):
        from awards.selectors import public_awarded_entries

        return public_awarded_entries().select_related("edition").order_by("id")


class ProjectsSitemap(PortalSitemap):
    changefreq = "monthly"

    lastmod_field = "updated_at"

    def items(self):
        from catalog.enums import ProjectStatus
        from catalog.models import Project

        return (
            Project.objects.filter(status=ProjectStatus.PUBLISHED)
            .order_by("id")
            .only("id", "slug", "updated_at")
        )


class HealthSitemap(PortalSitemap):
    """Smart Health Responder: Data Portal initiatives and assistance suppliers."""

    changefreq = "monthly"

    lastmod_field = "updated_at"

    def items(self):
        from health.selectors import published_initiatives, published_suppliers

        return [
            *published_initiatives().select_related(None).order_by("id"),
            *published_suppliers().select_related(None).prefetch_related(None).order_by("id"),
        ]


class NewsSitemap(PortalSitemap):
    changefreq = "monthly"
    lastmod_field = "updated_at"

    def items(self):
        from news.selectors import public_articles

        return public_articles().only("id", "slug", "updated_at")


class PublicationsSitemap(PortalSitemap):
    changefreq = "yearly"
    lastmod_field = "updated_at"

    def items(self):
        from publications.selectors import public_publications

        return public_publications().select_related(None).only("id", "slug", "updated_at")


def portal_sitemaps() -> dict[str, type[sitemaps.Sitemap]]:
    """The sections of ``sitemap.xml`` (each ``sitemap-<section>.xml``). Other apps add theirs
    here."""
    return {
        "pages": PagesSitemap,
        "news": NewsSitemap,
        "publications": PublicationsSitemap,
        "members": MembersSitemap,
        "offices": OfficesSitemap,
        "events": EventsSitemap,
        "programs": ProgramsSitemap,
        "calls": CallsSitemap,
        "awards": AwardsSitemap,
        "award-winners": AwardWinnersSitemap,
        "projects": ProjectsSitemap,
        "smart-health": HealthSitemap,
    }


def sitemap_index(request: HttpRequest) -> TemplateResponse:
    """``sitemap.xml``: the index of the sections (and their pages past the first), on
    ``SITE_URL`` like every address in them. Each entry's ``lastmod`` is its section's latest."""
    entries = []
    for section, sitemap_class in portal_sitemaps().items():
        sitemap = sitemap_class()
        path = reverse("sitemap_section", kwargs={"section": section})
        for page in range(1, sitemap.paginator.num_pages + 1):
            location = absolute_uri(path + (f"?p={page}" if page > 1 else ""))
            entry: dict[str, object] = {"location": location, "last_mod": None}
            if page == 1:
                latest = sitemap.get_latest_lastmod()
                if latest is not None:
                    entry["last_mod"] = latest
            entries.append(entry)
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )
