"""The shared pieces every app builds on: links, cache versions, people, facets, moderation."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings

from catalog.models import Project
from health.models import Initiative
from members.enums import Region
from members.rules import SECRETARIAT_GROUP
from members.selectors import organization_people, secretariat_users
from tests.factories.accounts import UserFactory
from tests.factories.catalog import ProjectFactory
from tests.factories.members import (
    OfficeFactory,
    OrganizationFactory,
    OrganizationUserFactory,
)
from wego_portal.caching import CacheVersion
from wego_portal.facets import (
    cached_grouped_counts,
    choice_items,
    country_items,
    facet_context,
    filter_chips,
    grouped_counts,
    value_counts,
    year_items,
)
from wego_portal.links import absolute_url
from wego_portal.moderation.models import Moderated


@override_settings(SITE_URL="https://portal.example.org/")
def test_absolute_url_prefixes_site_paths_only():
    assert absolute_url("/en/events/") == "https://portal.example.org/en/events/"
    assert absolute_url("https://other.example/x") == "https://other.example/x"
    assert absolute_url("//cdn.example/x") == "//cdn.example/x"


def test_cache_version_starts_at_one_and_bumps():
    version = CacheVersion("test:shared-version")
    assert version.current() == 1
    version.bump()
    assert version.current() == 2
    cache.delete("test:shared-version")
    version.bump()  # evicted meanwhile: starts past the first version, never back at 1
    assert version.current() == 2


def test_secretariat_users_are_active_staff_of_the_group_or_superusers(db):
    officer = UserFactory(is_staff=True)
    officer.groups.add(Group.objects.create(name=SECRETARIAT_GROUP))
    superuser = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(is_staff=True)  # staff of a regional office
    gone = UserFactory(is_staff=True, is_superuser=True, is_active=False)
    assert list(secretariat_users()) == sorted([officer, superuser], key=lambda u: u.pk)
    assert gone not in secretariat_users()


def test_organization_people_are_the_active_people_of_that_organization(db):
    seoul, busan = OrganizationFactory(), OrganizationFactory()
    editor = OrganizationUserFactory(organization=seoul).user
    left = OrganizationUserFactory(organization=seoul, user=UserFactory(is_active=False)).user
    OrganizationUserFactory(organization=busan)
    assert list(organization_people(seoul)) == [editor]
    assert list(organization_people(seoul.pk)) == [editor]
    assert left not in organization_people(seoul)
    assert not organization_people(None).exists()


def test_facet_items_count_every_choice_and_sort_countries_and_years(db):
    OrganizationFactory(region=Region.ASIA_PACIFIC, country="KR")
    OrganizationFactory(region=Region.ASIA_PACIFIC, country="FR")
    OrganizationFactory(region=Region.EUROPE, country="FR")
    from members.models import Organization

    regions = choice_items(Region.choices, value_counts(Organization.objects.all(), "region"))
    assert [item["value"] for item in regions] == list(Region.values)
    assert {item["value"]: item["count"] for item in regions}[Region.ASIA_PACIFIC] == 2
    countries = country_items(value_counts(Organization.objects.all(), "country"))
    assert [(c["value"], c["count"]) for c in countries] == [("FR", 2), ("KR", 1)]
    assert [y["value"] for y in year_items({2019: 1, 2024: 3})] == [2024, 2019]


def test_grouped_counts_count_every_facet_in_one_query(db, django_assert_num_queries):
    from members.models import Organization

    OrganizationFactory(region=Region.AFRICA, country="NG")
    OrganizationFactory(region=Region.AFRICA, country="KE")
    OrganizationFactory(region=Region.EUROPE, country="KE")
    columns = {"region": "region", "country": "country"}

    with django_assert_num_queries(1):
        total, counts = grouped_counts(Organization.objects.all(), columns)

    assert total == 3
    assert counts == {
        "region": {Region.AFRICA.value: 2, Region.EUROPE.value: 1},
        "country": {"NG": 1, "KE": 2},
    }


def test_grouped_counts_of_a_filter_that_can_match_nothing_is_zero(db, django_assert_num_queries):
    from members.models import Organization

    OrganizationFactory()
    with django_assert_num_queries(0):
        assert grouped_counts(Organization.objects.filter(pk__in=[]), {"region": "region"}) == (
            0,
            {"region": {}},
        )


def test_cached_grouped_counts_under_a_cache_version_last_until_it_is_bumped(
    db, django_assert_num_queries
):
    from members.models import Organization

    version = CacheVersion("test:facets-version")
    OrganizationFactory(region=Region.AFRICA)

    def counted():
        return cached_grouped_counts(
            Organization.objects.all(),
            {"region": "region"},
            cache_key="region=africa",
            prefix="test",
            version=version,
            timeout=60,
        )

    assert counted() == (1, {"region": {Region.AFRICA.value: 1}})
    OrganizationFactory(region=Region.EUROPE)
    with django_assert_num_queries(0):
        assert counted() == (1, {"region": {Region.AFRICA.value: 1}})  # kept
    version.bump()
    with django_assert_num_queries(1):
        assert counted()[0] == 2


def test_filter_chips_link_to_the_list_without_that_value():
    request = RequestFactory().get("/x/", {"q": "smart", "region": ["europe", "africa"], "page": 3})
    facets = {"region": [{"value": "europe", "label": "Europe", "count": 1}]}
    chips = filter_chips(request, facets, ["q", "region"])
    assert [chip["label"] for chip in chips] == ["“smart”", "Europe", "africa"]
    assert chips[1]["url"] == "?q=smart&region=africa"  # the page is dropped too
    context = facet_context(request, facets, ["q", "region"])
    assert context["selected_values"] == {"region": ["europe", "africa"]}
    assert context["query"] == "smart"


def test_facet_group_marks_chosen_values_also_for_numbers():
    items = [
        {"value": 2024, "label": "2024", "count": 2},
        {"value": 2023, "label": "2023", "count": 1},
    ]
    html = render_to_string(
        "includes/facet_group.html",
        {"name": "year", "legend": "Year", "items": items, "selected": ["2023"], "select": True},
    )
    assert '<option value="2023" selected>' in html
    assert '<option value="2024" >' in html
    boxes = render_to_string(
        "includes/facet_group.html",
        {"name": "year", "legend": "Year", "items": items, "selected": ["2024"]},
    )
    assert 'id="year-2024" checked' in boxes
    assert "<legend" in boxes


def test_facet_group_escapes_labels_and_groups_thousands_as_intcomma():
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.utils import translation

    items = [
        {"value": "CI", "label": "Côte d'Ivoire <&>", "count": 1234567},
        {"value": "KR", "label": "Korea", "count": 999},
    ]
    with translation.override("fr"):
        grouped = intcomma(1234567)
        html = render_to_string(
            "includes/facet_group.html",
            {"name": "country", "legend": "C", "items": items, "selected": ["KR"], "select": True},
        )
        boxes = render_to_string(
            "includes/facet_group.html",
            {"name": "country", "legend": "C", "items": items, "selected": []},
        )

    assert grouped != "1234567"  # French groups the digits
    assert (
        f'<option value="CI" >Côte d&#x27;Ivoire &lt;&amp;&gt; ({grouped})</option>'
        '<option value="KR" selected>Korea (999)</option>'
    ) in html
    assert (
        '<div class="choice-item"><input type="checkbox" name="country" value="KR" '
        'id="country-KR" > <label for="country-KR">Korea (999)</label></div>'
    ) in boxes


@pytest.mark.parametrize("language", ["en", "ko", "ar"])
def test_country_items_are_named_in_the_active_language(language):
    from django.utils import translation
    from django_countries import countries

    with translation.override(language):
        items = country_items({"KR": 2, "FR": 1, "XX": 1})
        expected = sorted(
            [(countries.name("KR"), 2), (countries.name("FR"), 1), ("XX", 1)],
            key=lambda pair: pair[0],
        )

    assert [(item["label"], item["count"]) for item in items] == expected


def test_deferred_join_paginator_loads_the_rows_as_the_list_does(db, django_assert_num_queries):
    from members.models import Organization
    from wego_portal.pagination import DeferredJoinPaginator

    office = OfficeFactory()
    for _ in range(3):
        OrganizationFactory(office=office)
    listed = Organization.objects.order_by("pk").select_related("office").only("name", "office")

    paginator = DeferredJoinPaginator(listed, 2)
    paginator.count = 3
    with django_assert_num_queries(1):  # a first page: its rows, straight
        first = list(paginator.page(1).object_list)
        assert [row.office for row in first] == [office, office]  # joined: no query each
    paginator.direct_below = 0  # as on a deep page
    with django_assert_num_queries(2):  # the page's ids, its rows
        deep = list(paginator.page(1).object_list)
        assert [row.office for row in deep] == [office, office]

    assert [row.pk for row in deep] == [row.pk for row in first]
    for row in (first[0], deep[0]):
        assert {"description", "slug"} <= row.get_deferred_fields()
        assert "name" not in row.get_deferred_fields()


def test_catalog_and_health_share_the_moderation_model():
    for model in (Project, Initiative):
        assert issubclass(model, Moderated)
        names = {c.name for c in model._meta.constraints}
        label = f"{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{label}_status_valid", f"{label}_published_has_date"} <= names


@pytest.mark.django_db
def test_a_published_contribution_needs_its_date():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status="published", published_at=None)


@pytest.mark.parametrize("language", ["en", "ko", "ar", "zh-hans"])
@pytest.mark.parametrize(
    ("name", "slug"),
    [("members:profile", "seoul"), ("events:detail", "wego-ga-2024"), ("news:detail", "a_b-1")],
)
def test_slug_url_is_what_reverse_gives_in_every_language(name, slug, language):
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from wego_portal.links import slug_url

    def outcome(build, value):
        try:
            return build(value)
        except NoReverseMatch:  # a pattern that takes ASCII slugs only refuses it, both ways
            return NoReverseMatch

    with translation.override(language):
        assert slug_url(name, slug) == reverse(name, kwargs={"slug": slug})
        assert outcome(lambda v: slug_url(name, v), "서울") == outcome(
            lambda v: reverse(name, kwargs={"slug": v}), "서울"
        )
