from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html_join
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


# A facet's options are rendered here rather than by a loop in includes/facet_group.html: a
# directory search can offer 150 countries, and the template engine spends some 40 µs on each
# option (its lookups, the "selected" test, intcomma) where these spend a tenth of that.


def _facet_rows(items, selected):
    """(value, label, count, chosen) of each item, as includes/facet_group.html shows them."""
    chosen = {str(value) for value in (selected or [])}
    for item in items:
        value = str(item["value"])
        yield value, item["label"], _grouped(item["count"]), value in chosen


def _grouped(count) -> str:
    """``intcomma``: below 1,000 a count has no separator in any language, so it is its digits
    (the common case, without intcomma's locale lookups)."""
    if isinstance(count, int) and 0 <= count < 1000:
        return str(count)
    return intcomma(count)


@register.simple_tag
def facet_options(items, selected):
    """The ``<option>`` of each item of a drop-down facet (``selected``: the chosen values)."""
    return format_html_join(
        "",
        '<option value="{}" {}>{} ({})</option>',
        (
            (value, "selected" if chosen else "", label, count)
            for value, label, count, chosen in _facet_rows(items, selected)
        ),
    )


@register.simple_tag
def facet_checkboxes(name, items, selected):
    """A labelled checkbox for each item of facet ``name`` (``selected``: the chosen values)."""
    return format_html_join(
        "",
        '<div class="choice-item"><input type="checkbox" name="{}" value="{}" id="{}-{}" {}> '
        '<label for="{}-{}">{} ({})</label></div>',
        (
            (name, value, name, value, "checked" if chosen else "", name, value, label, count)
            for value, label, count, chosen in _facet_rows(items, selected)
        ),
    )
