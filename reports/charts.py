"""Charts drawn on the server as SVG with pygal, in the portal's palette, without JavaScript.

Each chart is a complete SVG document (pygal puts its styles in a ``<style>`` element inside
it). Pages show it through ``<img src="data:image/svg+xml;base64,…">``: an SVG loaded as an
image is its own document, so the page's Content-Security-Policy (``style-src 'self'``, no
inline script) does not apply to its internal styles, and it can run no script at all. The
same ``<img>`` works in the PDF (WeasyPrint renders SVG images). Every chart sits beside a
data table, its text alternative.
"""

import base64
from dataclasses import dataclass
from xml.etree import ElementTree

import pygal
from pygal.etree import etree as pygal_etree
from pygal.style import Style

# pygal builds its SVG with lxml when lxml is installed (python-docx brings it); the charts are
# serialised with the standard library's ElementTree below, so pygal must build with it too.
pygal_etree.to_etree()

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif'

# portal.css tokens: blue-700, green-700, amber-800, a mid blue, grey-700.
PORTAL_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f2933",
    foreground_strong="#06305a",
    foreground_subtle="#d5dadd",
    opacity="1",
    opacity_hover="1",
    transition="none",
    colors=("#0a4b8c", "#00703c", "#7a4b00", "#3182bd", "#505a5f", "#b3261e"),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=16,
    legend_font_size=13,
)


@dataclass(frozen=True)
class Chart:
    """A rendered chart: its accessible title and the ``<img>`` source of its SVG."""

    title: str
    svg: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


def _config(chart_class, *, title: str, width: int = 720, height: int = 360, **options):
    settings = {
        "title": str(title),
        "style": PORTAL_STYLE,
        "width": width,
        "height": height,
        "js": [],  # no script: pygal's tooltips need its JavaScript; the table gives the values
        "disable_xml_declaration": False,
        "explicit_size": True,
        "print_values": True,
        "print_values_position": "top",
        "show_y_guides": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_legend": -1,
        "truncate_label": -1,
        "margin": 16,
    }
    return chart_class(**{**settings, **options})


def _render(chart, title: str) -> Chart:
    """Serialize the chart without the ``<script>`` pygal always adds (its tooltip config)."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag == "script":
                parent.remove(child)
    svg = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Chart(title=str(title), svg=svg)


def growth_chart(points: list[dict], *, title: str, series: str, words: bool = True) -> Chart:
    """Members at the end of each year (a bar per year). ``words=False``: no title (see
    ``stacked_chart``); the years and figures stay."""
    chart = _config(
        pygal.Bar, title=title if words else "", show_legend=False, min_scale=4, max_scale=8
    )
    chart.x_labels = [str(point["year"]) for point in points]
    chart.add(str(series), [point["members"] for point in points])
    return _render(chart, title)


def stacked_chart(
    labels: list[str], series: dict[str, list[int]], *, title: str, words: bool = True
) -> Chart:
    """One bar per label, stacked by series (e.g. members per region, by type).

    ``words=False`` draws the bars without title, legend or labels: the PDF renderer lays SVG
    text out letter by letter, which breaks the joined letters of Arabic, so the Arabic PDF's
    charts leave the words to the table printed beside them.
    """
    chart = _config(
        pygal.StackedBar,
        title=title if words else "",
        print_values=False,
        min_scale=4,
        max_scale=8,
        show_legend=words,
        show_x_labels=words,
    )
    chart.x_labels = [str(label) for label in labels]
    for name, values in series.items():
        chart.add(str(name), values)
    return _render(chart, title)


def bar_chart(labels: list[str], values: list[int], *, title: str, series: str) -> Chart:
    chart = _config(
        pygal.Bar, title=title, show_legend=False, x_label_rotation=0, min_scale=4, max_scale=8
    )
    chart.x_labels = [str(label) for label in labels]
    chart.add(str(series), values)
    return _render(chart, title)
