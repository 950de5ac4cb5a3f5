"""Run by bench/run.py under the benchmark's settings before each size: gives the signed-in
user a fresh password (BENCH_PASSWORD) and prints, as JSON, the pages to measure.

Every page is a real address from the database of that size (a profile, an event, an article
in the middle of the data, a cursor half-way through the API's organization list).

The "uncached searches" rows are lists of addresses (``paths``), one per request
(BENCH_REQUESTS of them: the warm-up and the measured requests), each a directory search
nobody asked before: its list fragment and facet counts are not in the cache, so every
request queries and renders the results, as the first visitor of a new search gets them.
"""

import base64
import csv
import itertools
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

# Run as a script, sys.path[0] is bench/, whose modules would shadow others.
sys.path[0] = str(Path(__file__).resolve().parent.parent)


ROOT = Path(__file__).resolve().parent.parent
#: After the plain queries have been used once, the same queries with a filter: still a search
#: someone might make, and a new address (and new facet counts) for the cache.
VARIATIONS = ({}, {"type": "local_government"}, {"type": "institution"}, {"type": "corporation"})


def member_names() -> list[dict]:
    """The WeGO data set's members with their standard names in other languages."""
    with (ROOT / "members" / "data" / "names.csv").open(encoding="utf-8") as names:
        return list(csv.DictReader(names))


def misspelt(name: str, number: int) -> str:
    """A typing mistake in ``name`` (lower case): a letter left out, two letters swapped or
    one doubled, in turn; "Seoul" -> "seul", "Moscow" -> "mosocw", "Chengdu" -> "chenngdu"."""
    word = name.lower()
    middle = len(word) // 2
    if len(word) < 4:
        return word + word[-1]
    kind = number % 3
    if kind == 0:
        return word[:middle] + word[middle + 1 :]
    if kind == 1:
        return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return word[:middle] + word[middle] + word[middle:]


def search_queries() -> dict[str, list[str]]:
    """Distinct directory searches per kind, in the order they are sent."""
    from django.utils import translation
    from django_countries import countries

    from members.selectors import directory_queryset

    names = member_names()
    english = [row["name"] for row in names]
    typos = [misspelt(name, number) for number, name in enumerate(english)]
    # Seoul first in each script (서울, Сеул, 首尔, سيول), then the other members in turn.
    scripts = [
        row[code] for row in names for code in ("ko", "ru", "zh_hans", "ar") if row[code].strip()
    ]
    codes = sorted(set(directory_queryset().exclude(country="").values_list("country", flat=True)))
    languages = ["en", "ko", "ru", "zh-hans", "ar", "es", "fr", "tr"]
    country_names = []
    for code, language in zip(codes, itertools.cycle(languages)):
        with translation.override(language):
            country_names.append(str(countries.name(code)))
    return {
        "city names": english,
        "misspelt names": typos,
        "Korean, Russian, Chinese, Arabic names": scripts,
        "country names, many matches": country_names,
    }


def distinct_paths(queries: list[str], count: int, base: str = "/members/") -> list[str]:
    """``count`` different directory (or API) addresses: each query once, then again with a
    filter."""
    unique = list(dict.fromkeys(query for query in queries if query.strip()))
    paths = []
    for variation in VARIATIONS:
        for query in unique:
            paths.append(f"{base}?" + urlencode({"q": query, **variation}))
            if len(paths) == count:
                return paths
    raise ValueError(f"only {len(paths)} distinct searches for {count} requests")


def uncached_searches(count: int) -> list[dict]:
    return [
        {
            "label": f"Directory, uncached searches, {kind} (signed in)",
            "path": paths[0],
            "paths": paths,
            "signed_in": True,
            "kind": "public",
            "uncached": True,
        }
        for kind, queries in search_queries().items()
        for paths in [distinct_paths(queries, count)]
    ]


def uncached_api_searches(count: int) -> list[dict]:
    """The API's organization list searched for names nobody asked for before: each answer is
    queried and serialized, none comes from the shared cache of anonymous answers."""
    paths = distinct_paths(search_queries()["city names"], count, "/api/v1/organizations/")
    return [
        {
            "label": "API organizations, uncached searches, city names",
            "path": paths[0],
            "paths": paths,
            "signed_in": False,
            "kind": "api",
            "uncached": True,
        }
    ]


def pages(total: int, requests: int = 33) -> list[dict]:
    from django.urls import reverse

    from events.models import Event
    from members.models import Organization
    from members.selectors import directory_queryset
    from news.models import Article

    def middle(queryset):
        count = queryset.count()
        return queryset[count // 2] if count else None

    profile = Organization.objects.filter(slug="seoul").first() or middle(directory_queryset())
    event = middle(Event.objects.filter(status="published").order_by("pk"))
    article = middle(Article.objects.filter(status="published").order_by("pk"))
    position = directory_queryset().values_list("sort_name", flat=True)[total // 2]
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    deep_page = max(1, (total // 24) // 2)
    search = reverse("search:search")
    # (label, path, signed in, kind): kind "public" pages and "api" lists have the 50 ms
    # target, "search" the site search's 100 ms, "admin" the changelists' target. Searches
    # are measured signed in: a visitor's repeated search is a page-cache hit.
    rows = [
        ("Directory, page 1 (visitor, page cache)", "/members/", False, "public"),
        ("Directory, page 1 (signed in, rendered)", "/members/", True, "public"),
        ("Directory, search with a typo `seol` (signed in)", "/members/?q=seol", True, "public"),
        ("Directory, search `서울` (signed in)", "/members/?q=서울", True, "public"),
        ("Directory, search `Сеул` (signed in)", "/members/?q=Сеул", True, "public"),
        ("Directory, search `首尔` (signed in)", "/members/?q=首尔", True, "public"),
        ("Directory, search `سيول` (signed in)", "/members/?q=سيول", True, "public"),
        (
            "Directory, region and type filters (signed in)",
            "/members/?region=africa&type=local_government",
            True,
            "public",
        ),
        ("Directory, deep page (signed in)", f"/members/?page={deep_page}", True, "public"),
        ("Member profile (visitor)", profile.get_absolute_url(), False, "public"),
        ("Member profile (signed in)", profile.get_absolute_url(), True, "public"),
        ("Events, past (visitor)", "/events/?when=past", False, "public"),
        ("Events, past (signed in)", "/events/?when=past", True, "public"),
        ("Event page (visitor)", event.get_absolute_url(), False, "public"),
        ("Awards (visitor)", reverse("awards:list"), False, "public"),
        ("News list (visitor)", reverse("news:list"), False, "public"),
        ("News article (visitor)", article.get_absolute_url(), False, "public"),
        ("Publications (visitor)", reverse("publications:library"), False, "public"),
        ("Site search, a typo `seol` (visitor)", f"{search}?q=seol", False, "search"),
        ("Site search, a name `Seoul` (visitor)", f"{search}?q=Seoul", False, "search"),
        # A word in most events and news: the ranking window's worst case.
        ("Site search, a common word `city` (visitor)", f"{search}?q=city", False, "search"),
        ("API organizations, first page", "/api/v1/organizations/", False, "api"),
        (
            "API organizations, filtered",
            "/api/v1/organizations/?region=africa&type=local_government",
            False,
            "api",
        ),
        ("API organizations, deep cursor", f"/api/v1/organizations/?cursor={cursor}", False, "api"),
        ("API events", "/api/v1/events/", False, "api"),
        ("API news", "/api/v1/news/", False, "api"),
        ("Admin organizations", "/admin/members/organization/", True, "admin"),
        ("Admin organizations, search", "/admin/members/organization/?q=seoul", True, "admin"),
        ("Admin events", "/admin/events/event/", True, "admin"),
        ("Admin applications", "/admin/programs/application/", True, "admin"),
        ("Admin event registrations", "/admin/events/eventregistration/", True, "admin"),
        ("Admin notifications", "/admin/notifications/notification/", True, "admin"),
    ]
    listed = [
        {"label": label, "path": path, "signed_in": signed_in, "kind": kind}
        for label, path, signed_in, kind in rows
    ]
    # After the directory's own rows (which repeat one address: its cached list).
    after = 1 + max(i for i, page in enumerate(listed) if page["label"].startswith("Directory"))
    api = 1 + max(i for i, page in enumerate(listed) if page["label"].startswith("API organ"))
    return [
        *listed[:after],
        *uncached_searches(requests),
        *listed[after:api],
        *uncached_api_searches(requests),
        *listed[api:],
    ]


def main() -> None:
    import django

    django.setup()
    from accounts.models import User
    from members.models import Organization

    user = User.objects.filter(email=os.environ["BENCH_EMAIL"]).first()
    if user is None:  # a database built before the benchmark's user existed
        user = User.objects.create_superuser(
            email=os.environ["BENCH_EMAIL"], password=os.environ["BENCH_PASSWORD"]
        )
    user.set_password(os.environ["BENCH_PASSWORD"])
    user.save(update_fields=["password"])
    # A verified address, as every staff member has: signing in goes straight to the portal.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    total = Organization.objects.count()
    requests = int(os.environ.get("BENCH_REQUESTS", "33"))
    json.dump({"organizations": total, "pages": pages(total, requests)}, sys.stdout)


if __name__ == "__main__":
    main()
