"""What search engines and social networks read: absolute addresses, the share image and
schema.org structured data (JSON-LD) for WeGO, its members and events.

Addresses are built from ``SITE_URL`` (never the request's host), so cached pages carry the
same links whoever asked first.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

#: The share image of pages that have none of their own (1200 × 630, generated, in static/).
DEFAULT_SHARE_IMAGE = "img/share-default.png"
SITE_NAME = "WeGO Portal"
#: OpenGraph's locale for each of the portal's languages.
OG_LOCALES = {
    "en": "en_US",
    "ko": "ko_KR",
    "zh-hans": "zh_CN",
    "ru": "ru_RU",
    "es": "es_ES",
    "fr": "fr_FR",
    "ar": "ar_AR",
    "tr": "tr_TR",
}
WEGO_NAME = "World Smart Sustainable Cities Organization"

# JSON inside <script> must not close the element or open a comment: escape <, > and &.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute_uri(path_or_url: str) -> str:
    """``path_or_url`` as an absolute address on ``SITE_URL`` (absolute ones are kept)."""
    if not path_or_url:
        return ""
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    if path_or_url.startswith("//"):
        return settings.SITE_URL.split("//", 1)[0] + path_or_url
    return settings.SITE_URL.rstrip("/") + "/" + path_or_url.lstrip("/")


def default_share_image() -> str:
    return absolute_uri(static(DEFAULT_SHARE_IMAGE))


def json_ld_script(data: dict) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` data block (not executed, so the
    Content-Security-Policy does not apply to it)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        # <, > and & are \u-escaped: the JSON cannot close the script element.
        SafeString(text.translate(_JSON_ESCAPES)),  # nosec B703
    )


def wego_organization() -> dict:
    """WeGO itself (home page, and the organizer or publisher of everything else)."""
    return {
        "@type": "Organization",
        "@id": absolute_uri("/#wego"),
        "name": WEGO_NAME,
        "alternateName": "WeGO",
        "url": absolute_uri("/"),
        "logo": absolute_uri(static("img/wego-mark.svg")),
        "foundingDate": "2010",
        "email": "secretariat@wego-cities.org",
        "address": {"@type": "PostalAddress", "addressLocality": "Seoul", "addressCountry": "KR"},
    }


def _with_context(data: dict) -> dict:
    return {"@context": "https://schema.org", **data}


def wego_json_ld() -> dict:
    return _with_context(wego_organization())


def organization_json_ld(organization) -> dict:
    """A member or partner: a ``GovernmentOrganization`` for local governments, else an
    ``Organization``; members are ``memberOf`` WeGO."""
    from members.enums import MemberType, Relationship

    data = {
        "@type": (
            "GovernmentOrganization"
            if organization.member_type == MemberType.LOCAL_GOVERNMENT
            else "Organization"
        ),
        "name": organization.name,
        "url": absolute_uri(organization.get_absolute_url()),
    }
    if organization.native_name and organization.native_name != organization.name:
        data["alternateName"] = organization.native_name
    if organization.description:
        data["description"] = organization.description
    if organization.logo:
        data["logo"] = absolute_uri(organization.logo.url)
    if organization.website:
        data["sameAs"] = [organization.website]
    if organization.country or organization.city:
        address = {"@type": "PostalAddress"}
        if organization.city:
            address["addressLocality"] = organization.city
        if organization.country:
            address["addressCountry"] = organization.country.code
        data["address"] = address
    if organization.relationship == Relationship.MEMBER:
        data["memberOf"] = {"@id": absolute_uri("/#wego"), "@type": "Organization"}
    return _with_context(data)


def event_dates(event) -> tuple[str | None, str | None]:
    """``startDate`` and ``endDate`` at the event's real precision (ISO 8601 reduced precision:
    a month is "2021-07", a year "2021"); a quarter is the span of its months ("Q3 2021" is
    2021-07 to 2021-09), never an invented day."""
    from events import dates
    from events.enums import DatePrecision

    precision = event.date_precision
    if precision == DatePrecision.EXACT:
        zone = dates.zone_for(event.timezone)
        start = event.starts_at.astimezone(zone).isoformat()
        end = event.ends_at.astimezone(zone).isoformat() if event.ends_at else None
        return start, end
    if precision == DatePrecision.DAY:
        return event.start_date.isoformat(), (
            event.end_date.isoformat() if event.end_date else None
        )
    if precision == DatePrecision.MONTH:
        start = event.start_date.strftime("%Y-%m")
        end = event.end_date.strftime("%Y-%m") if event.end_date else None
        return start, (end if end != start else None)
    if precision in (DatePrecision.QUARTER, DatePrecision.QUARTER_SPAN):
        last_quarter = event.quarter_end or event.quarter
        first_month = 3 * (event.quarter - 1) + 1
        last_month = 3 * last_quarter
        return f"{event.year:04d}-{first_month:02d}", f"{event.year:04d}-{last_month:02d}"
    return f"{event.year:04d}", None  # year-round, or to be decided within the year


def event_json_ld(event) -> dict:
    """A schema.org ``Event``. The online meeting link is never in it (registrants only)."""
    from events.enums import Attendance, EventStatus

    start, end = event_dates(event)
    mode = {
        Attendance.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        Attendance.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        Attendance.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }.get(event.attendance)
    url = absolute_uri(event.get_absolute_url())
    data = {
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": start,
        "eventStatus": (
            "https://schema.org/EventCancelled"
            if event.status == EventStatus.CANCELLED
            else "https://schema.org/EventScheduled"
        ),
        "image": [default_share_image()],
    }
    # WeGO organizes what one of its offices runs; an outside event names its host as announced.
    if event.office_id:
        data["organizer"] = {"@id": absolute_uri("/#wego"), "@type": "Organization", "name": "WeGO"}
    elif event.host_text:
        data["organizer"] = {"@type": "Organization", "name": event.host_text}
    if end:
        data["endDate"] = end
    if mode:
        data["eventAttendanceMode"] = mode
    if event.summary or event.description:
        data["description"] = event.summary or event.description[:500]
    locations = []
    if event.attendance in (Attendance.IN_PERSON, Attendance.HYBRID) or event.city:
        place = {"@type": "Place", "name": event.venue or event.city or str(event.country.name)}
        address = {"@type": "PostalAddress"}
        if event.city:
            address["addressLocality"] = event.city
        if event.country:
            address["addressCountry"] = event.country.code
        if len(address) > 1:
            place["address"] = address
        if place["name"]:
            locations.append(place)
    if event.attendance in (Attendance.ONLINE, Attendance.HYBRID):
        locations.append({"@type": "VirtualLocation", "url": url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    return _with_context(data)


def article_json_ld(article) -> dict:
    """A schema.org ``NewsArticle``, published by WeGO."""
    image = absolute_uri(article.lead_image.url) if article.lead_image else default_share_image()
    data = {
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.summary,
        "url": absolute_uri(article.get_absolute_url()),
        "mainEntityOfPage": absolute_uri(article.get_absolute_url()),
        "image": [image],
        "datePublished": article.date_iso,
        "dateModified": max(article.updated_at, article.published_at).isoformat(),
        "author": {"@type": "Organization", "name": article.office.name, "url": absolute_uri("/")},
        "publisher": {
            "@type": "Organization",
            "@id": absolute_uri("/#wego"),
            "name": WEGO_NAME,
            "logo": {"@type": "ImageObject", "url": absolute_uri(static("img/share-default.png"))},
        },
    }
    return _with_context(data)


def publication_json_ld(publication) -> dict:
    """A schema.org ``Report`` (a document of WeGO's library)."""
    data = {
        "@type": "Report",
        "name": publication.title,
        "headline": publication.title[:110],
        "url": absolute_uri(publication.get_absolute_url()),
        "datePublished": f"{publication.year:04d}",
        "inLanguage": list(publication.languages),
        "encoding": {
            "@type": "MediaObject",
            "contentUrl": absolute_uri(publication.get_download_url()),
            "encodingFormat": "application/pdf",
        },
        "publisher": {"@type": "Organization", "@id": absolute_uri("/#wego"), "name": WEGO_NAME},
        "image": [
            absolute_uri(publication.cover.url) if publication.cover else default_share_image()
        ],
    }
    if publication.summary:
        data["description"] = publication.summary
    return _with_context(data)
