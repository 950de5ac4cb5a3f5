"""What the numbers page and the annual report show, ready for their templates.

The view renders these contexts, and ``services.annual_report_html`` renders the same report
context into the PDF's document: one place computes the charts of each.
"""

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

from members.enums import MemberType
from members.selectors import directory_version
from wego_portal.worldmap import world_map_svg

from . import charts, selectors

#: The page's figures also come from events and awards, which do not bump the directory
#: version: a short lifetime bounds how stale those can be.
NUMBERS_CACHE_SECONDS = 300


def _chart_label(line: dict) -> str:
    """A region's label under its bar: short enough for six bars side by side."""
    return str(line["label"]) if line["region"] else _("Not recorded")


def numbers_cache_key() -> str:
    figures = selectors.FIGURES_VERSION.current()
    return f"reports:numbers:v{directory_version()}.{figures}:{get_language()}"


def _member_charts(growth, overview: dict, *, words: bool = True) -> dict:
    """The two membership charts: members at each year's end, and by region and type."""
    regions = [line for line in overview["lines"] if line["total"]]
    return {
        "growth_chart": charts.growth_chart(
            growth, title=_("Members at the end of each year"), series=_("Members"), words=words
        ).data_uri
        if growth
        else "",
        "region_chart": charts.stacked_chart(
            [_chart_label(line) for line in regions],
            {
                label: [line["counts"][index] for line in regions]
                for index, label in enumerate(overview["types"])
            },
            title=_("Members by region and type"),
            words=words,
        ).data_uri
        if regions
        else "",
    }


def numbers_context() -> dict:
    """The figures and charts of the numbers page, cached (a few aggregate queries when not)."""
    key = numbers_cache_key()
    context = cache.get(key)
    if context is not None:
        return context
    data = selectors.numbers_page()
    overview = data["overview"]
    data["published"] = selectors.numbers_published(selectors.records_of({"overview": overview}))
    context = {
        **data,
        **_member_charts(data["growth"], overview),
        "quarters_chart": charts.bar_chart(
            [row["label"] for row in data["quarters"]],
            [row["events"] for row in data["quarters"]],
            title=_("Events per quarter"),
            series=_("Events"),
        ).data_uri
        if data["quarters"]
        else "",
        "awards_chart": charts.stacked_chart(
            [row["label"] for row in data["awards"]],
            {
                _("Winners"): [row["winners"] for row in data["awards"]],
                _("Special mentions"): [row["special_mentions"] for row in data["awards"]],
            },
            title=_("Award winners and special mentions by region"),
        ).data_uri
        if data["awards"]
        else "",
        "map": str(
            world_map_svg(
                data["country_counts"],
                title=_("Map of WeGO members by country"),
                noun=_("members"),
            )
        ),
        "type_totals": [
            (str(selectors.TYPE_PLURALS[MemberType(value)]).lower(), count)
            for value, count in zip(MemberType.values, overview["type_totals"], strict=True)
        ],
    }
    cache.set(key, context, NUMBERS_CACHE_SECONDS)
    return context


def report_context(data: dict) -> dict:
    """Template context of the annual report (HTML page and PDF share it)."""
    words = not get_language_bidi()  # see charts.stacked_chart
    return {
        **data,
        "member_types": MemberType,
        **_member_charts(data["growth_points"], data["overview"], words=words),
        "generated_at": timezone.now(),
    }
