"""Run by bench/run.py under the benchmark's settings before each size: gives the signed-in
user a fresh password (BENCH_PASSWORD) and prints, as JSON, the pages to measure.

Every page is a real address from the database of that size (a profile, an event, an article
in the middle of the data, a cursor half-way through the API's organization list).
"""

import base64
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

# Run as a script, sys.path[0] is bench/, whose modules would shadow others.
sys.path[0] = str(Path(__file__).resolve().parent.parent)


def pages(total: int) -> list[dict]:
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
    return [
        {"label": label, "path": path, "signed_in": signed_in, "kind": kind}
        for label, path, signed_in, kind in rows
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
    json.dump({"organizations": total, "pages": pages(total)}, sys.stdout)


if __name__ == "__main__":
    main()
