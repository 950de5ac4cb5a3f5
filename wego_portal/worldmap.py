"""World maps rendered as SVG on the server, from a shipped TopoJSON (no tile server, no CDN).

``world_map_svg(counts)`` shades each country by a count (members, winners…) and returns an
accessible inline SVG: a title and description, one ``<path>`` per country with a ``<title>``
tooltip. Pages put a data table beside it as the text alternative.
"""

import json
import re
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

TOPOLOGY = Path(__file__).resolve().parent / "geo" / "countries-110m.json"
WIDTH, HEIGHT = 960, 480
# A sequential blue scale; the lightest step still differs from "no members" (grey).
SCALE = ["#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b"]
EMPTY = "#e5e8ea"


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equirectangular projection of the whole world onto WIDTH × HEIGHT."""
    return (lon + 180.0) * WIDTH / 360.0, (90.0 - lat) * HEIGHT / 180.0


@lru_cache(maxsize=1)
def country_paths() -> dict[str, str]:
    """SVG path data per ISO alpha-2 code, decoded once per process from the TopoJSON arcs."""
    topology = json.loads(TOPOLOGY.read_text(encoding="utf-8"))
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized positions
            x += dx
            y += dy
            points.append(_project(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            points.extend(arc if not points else arc[1:])
        # A ring crossing the antimeridian (Russia, Fiji) would streak across the whole map:
        # keep it continuous by shifting the far side one map-width over; the SVG's viewBox
        # clips what then lies beyond the edge.
        shifted: list[tuple[float, float]] = []
        offset = 0.0
        for i, (x, y) in enumerate(points):
            if i and abs(x + offset - shifted[-1][0]) > WIDTH / 2:
                offset += WIDTH if shifted[-1][0] > x + offset else -WIDTH
            shifted.append((x + offset, y))
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in shifted) + "Z"

    paths: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = countries.alpha2(int(geometry["id"])) if geometry.get("id", "").isdigit() else ""
        if not code:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        paths[code] = paths.get(code, "") + "".join(
            ring(r) for polygon in polygons for r in polygon
        )
    return paths


def _bin(count: int, highest: int) -> int:
    if highest <= 1:
        return len(SCALE) - 1
    return min(len(SCALE) - 1, int((count - 1) * len(SCALE) / highest))


def world_map_svg(counts: dict[str, int], *, title: str, noun: str) -> SafeString:
    """An SVG choropleth of ``counts`` (ISO alpha-2 → number of ``noun``)."""
    highest = max(counts.values(), default=0)
    shapes = []
    for code, path in sorted(country_paths().items()):
        count = counts.get(code, 0)
        fill = SCALE[_bin(count, highest)] if count else EMPTY
        label = f"{countries.name(code)}: {count} {noun}" if count else countries.name(code)
        shapes.append(
            format_html('<path d="{}" fill="{}"><title>{}</title></path>', path, fill, label)
        )
    shown = sum(1 for code in counts if code in country_paths())
    description = _("%(shown)s of %(total)s countries shaded; the table lists every country.") % {
        "shown": shown,
        "total": len(counts),
    }
    legend = _legend(highest, noun)
    # Every dynamic part above is escaped by format_html/escape.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<figure class="world-map"><svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="map-title map-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">{escape(title)}</title><desc id="map-desc">{escape(description)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f4f8fb"/>'
        f'<g stroke="#ffffff" stroke-width="0.5">{"".join(shapes)}</g></svg>'
        f"<figcaption>{legend}</figcaption></figure>"
    )


def _legend(highest: int, noun: str) -> str:
    if not highest:
        return escape(_("No data yet."))
    steps = []
    for index in range(len(SCALE)):
        low = index * highest // len(SCALE) + 1
        high = (index + 1) * highest // len(SCALE)
        if high < low:
            continue
        steps.append(
            format_html(
                '<li><span class="world-map__swatch world-map__swatch--{}" aria-hidden="true"></span>{}</li>',
                index,
                f"{low}–{high}" if high > low else f"{low}",
            )
        )
    return format_html(
        '<span class="world-map__legend-title">{}</span><ul class="world-map__legend">{}</ul>',
        _("Number of %(noun)s per country") % {"noun": noun},
        mark_safe("".join(steps)),  # noqa: S308  # nosec B308 B703
    )


#: The part of the world a location map shows around its point: 72° of longitude by 36° of latitude.
LOCATION_SPAN = (192.0, 96.0)
_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def _country_centre(code: str) -> tuple[float, float] | None:
    """The middle of a country's outline on the map (its bounding box's centre)."""
    path = country_paths().get(code)
    if not path:
        return None
    values = [float(v) for v in _NUMBERS.findall(path)]
    xs, ys = values[0::2], values[1::2]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def location_map_svg(
    *, country: str, latitude: float | None, longitude: float | None, title: str
) -> SafeString:
    """A small offline map of where a member is: its country shaded and, when its coordinates
    are known, a marker. Nothing is fetched from a tile server. Empty when neither the country
    nor the coordinates are on the map."""
    marker = None
    if latitude is not None and longitude is not None:
        marker = _project(float(longitude), float(latitude))
    centre = marker or (_country_centre(country) if country else None)
    if centre is None:
        return mark_safe("")  # nosec B308 B703 (nothing to show)
    width, height = LOCATION_SPAN
    left = min(max(centre[0] - width / 2, 0.0), WIDTH - width)
    top = min(max(centre[1] - height / 2, 0.0), HEIGHT - height)
    shapes = []
    for code, path in country_paths().items():
        fill = "#3182bd" if code == country else EMPTY
        shapes.append(format_html('<path d="{}" fill="{}"/>', path, fill))
    pin = ""
    if marker:
        pin = format_html(
            '<circle cx="{}" cy="{}" r="3.2" fill="#c0392b" stroke="#ffffff" stroke-width="1.2"/>',
            f"{marker[0]:.1f}",
            f"{marker[1]:.1f}",
        )
    description = (
        _("A map of the region with %(country)s shaded and the member's location marked.")
        if marker
        else _("A map of the region with %(country)s shaded.")
    ) % {"country": countries.name(country) if country else ""}
    # Every dynamic part above is escaped by format_html/escape.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<figure class="location-map"><svg viewBox="{left:.1f} {top:.1f} {width:.0f} '
        f'{height:.0f}" role="img" aria-labelledby="location-title location-desc" '
        f'xmlns="http://www.w3.org/2000/svg" width="100%">'
        f'<title id="location-title">{escape(title)}</title>'
        f'<desc id="location-desc">{escape(description)}</desc>'
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.0f}" height="{height:.0f}" '
        f'fill="#f4f8fb"/><g stroke="#ffffff" stroke-width="0.3">{"".join(shapes)}</g>{pin}'
        f"</svg></figure>"
    )
