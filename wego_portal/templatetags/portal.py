from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def elided_range(paginator, number):
    """Page numbers around ``number`` with ellipses: 1 2 … 7 8 9 … 40 41."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


STATUS_TAGS = {
    # status value -> tag colour class; the tag always carries the status in words too.
    "active": "tag--green",
    "approved": "tag--green",
    "sent": "tag--green",
    "pending": "tag--amber",
    "applicant": "tag--amber",
    "queued": "tag--amber",
    "suspended": "tag--red",
    "rejected": "tag--red",
    "failed": "tag--red",
    "former": "tag--grey",
    "draft": "tag--grey",
}


@register.inclusion_tag("includes/tag.html")
def status_tag(value, label=None):
    return {
        "css": STATUS_TAGS.get(str(value), ""),
        "label": label or _(str(value).replace("_", " ")),
    }


@register.inclusion_tag("admin/includes/dashboard.html")
def back_office_dashboard(user):
    """What needs attention today: the same lines as the daily staff digest."""
    from notifications.digest import digest_items_for

    return {"items": digest_items_for(user)}


@register.filter(expects_localtime=True, is_safe=False)
def datetime_tz(value):
    """A date and time in the language's own style, with the time zone: "5 August 2020, 14:00
    KST" in English, "2020년 8월 5일 14:00 KST" in Korean."""
    from wego_portal.i18n import datetime_with_zone

    return datetime_with_zone(value) if value else ""


@register.simple_tag
def admin_sections(app_list, user):
    """The admin index's apps regrouped by the Secretariat's work (see admin_sections.py)."""
    from wego_portal.admin_sections import grouped_app_list

    return grouped_app_list(app_list, user)


@register.simple_tag
def safe_static(path: str) -> str:
    """``{% static %}`` that never raises: the 500 page must render even on a broken deploy
    (a missing manifest entry falls back to the file's plain name, which is also served)."""
    from django.conf import settings
    from django.templatetags.static import static

    try:
        return static(path)
    except ValueError:
        return settings.STATIC_URL + path


@register.filter
def shown_facets(items, selected):
    """A facet's options worth offering: those with results, and any already chosen (so a
    filter that leads nowhere can still be unticked). A list's filter never shows a "(0)"."""
    chosen = {str(value) for value in (selected or [])}
    return [item for item in items or [] if item["count"] or str(item["value"]) in chosen]
