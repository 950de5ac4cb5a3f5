"""Languages: prefixed URLs, the switcher keeping the page, Accept-Language on a first visit,
<html lang dir>, hreflang alternates, the preferred language of a signed-in user, the API."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
CODES = [code for code, _name in settings.LANGUAGES]


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_english_pages_keep_their_unprefixed_addresses(client):
    response = client.get("/members/")

    assert response.status_code == 200
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("ko", '<html lang="ko" dir="ltr">'),
        ("zh-hans", '<html lang="zh-Hans" dir="ltr">'),
        ("ar", '<html lang="ar" dir="rtl">'),
        ("tr", '<html lang="tr" dir="ltr">'),
    ],
)
def test_prefixed_pages_declare_their_language_and_direction(client, code, tag):
    response = client.get(f"/{code}/members/")

    assert response.status_code == 200
    assert html_tag(response) == tag
    assert response["Content-Language"] == code


def test_first_visit_follows_accept_language(client):
    response = client.get("/members/?q=seoul", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")

    assert response.status_code == 302
    assert response["Location"] == "/ko/members/?q=seoul"
    assert "Accept-Language" in response["Vary"]


def test_unsupported_accept_language_gets_english(client):
    response = client.get("/members/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_form_posted_to_an_english_address_is_never_redirected(client):
    response = client.post("/join/", {}, HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code != 302 or not response["Location"].startswith("/ko/")


def test_every_public_page_links_its_versions_in_all_languages(client):
    response = client.get("/members/?region=africa")

    links = re.findall(
        r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', response.content.decode()
    )
    assert links == [
        *[
            (code, f"http://testserver{'' if code == 'en' else '/' + code}/members/?region=africa")
            for code in CODES[:1]
        ],
        ("x-default", "http://testserver/members/?region=africa"),
        *[(code, f"http://testserver/{code}/members/?region=africa") for code in CODES[1:]],
    ]


@pytest.mark.parametrize(
    "path",
    ["/ko/members/?q=%EC%84%9C%EC%9A%B8&page=2", "/fr/events/?when=past", "/members/nowhere/?x=1"],
)
def test_language_links_are_the_path_in_each_language_with_the_query_kept(rf, path):
    """The links reuse each path's translations (cached per path) for every query string."""
    from wego_portal.i18n import _alternates, path_in_language

    request = rf.get(path)
    first, again = _alternates(request), _alternates(rf.get(path.replace("=", "=0")))

    assert [link["path"] for link in first] == [path_in_language(path, code) for code in CODES]
    assert [link["path"] for link in again] == [
        path_in_language(path.replace("=", "=0"), code) for code in CODES
    ]


def test_the_language_switcher_offers_languages_only_where_the_page_has_them(client):
    switcher = re.compile(r'<select id="language-switcher-select"[^>]*>(.*?)</select>', re.S)
    directory = client.get("/members/?q=one").content.decode()
    elsewhere = client.get("/members/?q=two").content.decode()
    unprefixed = client.get("/static/nowhere.css").content.decode()  # its 404 page

    assert 'name="next" value="/members/?q=two"' in elsewhere
    assert switcher.search(directory).group(1).count("<option") == len(CODES)
    assert switcher.search(elsewhere).group(1) == switcher.search(directory).group(1)
    assert switcher.search(unprefixed).group(1).strip() == ""


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "members:directory",
        "members:offices",
        "members:join",
        "events:list",
        "programs:list",
        "awards:list",
        "catalog:list",
        "health:index",
        "reports:numbers",
    ],
)
def test_switching_language_keeps_the_page(client, url_name):
    with translation.override("en"):
        page = reverse(url_name)
    assert client.get(page).status_code == 200

    to_spanish = client.post(reverse("set_language"), {"language": "es", "next": page + "?x=1"})

    assert to_spanish.status_code == 302
    assert to_spanish["Location"] == f"/es{page}?x=1"
    assert to_spanish.cookies[COOKIE].value == "es"
    assert client.get(to_spanish["Location"]).status_code == 200

    back = client.post(reverse("set_language"), {"language": "en", "next": f"/es{page}?x=1"})
    assert back["Location"] == f"{page}?x=1"
    assert back.cookies[COOKIE].value == "en"


def test_the_chosen_language_wins_over_accept_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/ko/members/"})

    response = client.get("/members/", HTTP_ACCEPT_LANGUAGE="ko")

    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_the_chosen_language_is_remembered_on_english_addresses(client):
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})

    assert client.get("/events/")["Location"] == "/ar/events/"


def test_switcher_refuses_unknown_languages_and_foreign_next_addresses(client):
    assert client.post(reverse("set_language"), {"language": "xx", "next": "/"}).status_code == 400
    assert client.get(reverse("set_language")).status_code == 405

    away = client.post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/members/"}
    )
    assert away["Location"] == "/fr/"


def test_switcher_lists_every_language_by_its_own_name(client):
    content = client.get("/ko/members/").content.decode()

    for native in [
        "English",
        "한국어",
        "简体中文",
        "Русский",
        "español",
        "français",
        "العربيّة",
        "Türkçe",
    ]:
        assert native in content
    assert 'value="ko" lang="ko" selected' in content
    assert 'value="ar" lang="ar" dir="rtl"' in content


def test_switching_stores_a_signed_in_users_preferred_language(client, user):
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "ru", "next": "/members/"})

    user.refresh_from_db()
    assert user.preferred_language == "ru"
    assert client.get("/members/")["Location"] == "/ru/members/"


def test_switching_as_a_visitor_stores_nothing(client, user):
    client.post(reverse("set_language"), {"language": "ru", "next": "/members/"})

    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_signing_in_switches_to_the_preferred_language(client):
    UserFactory(email="kim@seoul.test", preferred_language="ko")

    response = client.post(
        reverse("account_login"), {"login": "kim@seoul.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/ko/")
    assert response.cookies[COOKIE].value == "ko"


def test_preferred_language_service_refuses_unknown_codes(user):
    from accounts.services import user_set_preferred_language

    with pytest.raises(ValueError):
        user_set_preferred_language(user=user, language="xx")
    assert User.objects.get(pk=user.pk).preferred_language == "en"


def test_api_error_texts_follow_accept_language(client):
    english = client.get("/api/v1/organizations/nowhere/")
    french = client.get("/api/v1/organizations/nowhere/", HTTP_ACCEPT_LANGUAGE="fr")

    assert english.status_code == french.status_code == 404
    assert french["Content-Language"] == "fr"
    with translation.override("fr"):
        from rest_framework.exceptions import NotFound

        expected = str(NotFound.default_detail)
    assert french.json()["error"]["detail"] == expected
    assert expected != english.json()["error"]["detail"]


def test_profile_says_when_a_text_is_not_yet_translated(client):
    OrganizationFactory(slug="rabat", name="Rabat", description="A royal city.", country="MA")

    korean = client.get("/ko/members/rabat/").content.decode()
    english = client.get("/members/rabat/").content.decode()

    assert "A royal city." in korean
    assert 'class="untranslated-note"' in korean
    assert 'class="untranslated-note"' not in english


def test_profile_shows_the_translation_when_there_is_one(client):
    org = OrganizationFactory(slug="rabat", name="Rabat", description="A royal city.", country="MA")
    org.name_ar = "الرباط"
    org.description_ar = "مدينة ملكية."
    org.native_name = "الرباط"
    org.save()

    arabic = client.get("/ar/members/rabat/").content.decode()

    assert '<h1 lang="ar">الرباط</h1>' in arabic
    assert "مدينة ملكية." in arabic
    assert 'class="untranslated-note"' not in arabic
    assert "A royal city." not in arabic


def test_visitors_switch_without_a_csrf_token_so_cached_pages_carry_none():
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/members/").content.decode()

    assert "csrfmiddlewaretoken" not in page
    response = visitor.post(reverse("set_language"), {"language": "ko", "next": "/members/"})
    assert response.status_code == 302
    assert response["Location"] == "/ko/members/"


def test_a_signed_in_users_preference_needs_the_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    forged = client.post(reverse("set_language"), {"language": "ko", "next": "/"})

    assert forged.status_code == 403
    user.refresh_from_db()
    assert user.preferred_language == "en"

    page = client.get("/members/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    genuine = client.post(
        reverse("set_language"), {"language": "ko", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert genuine.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "ko"


def _page_names(patterns, namespace=""):
    """Every named URL pattern of the site, namespaced (``members:directory``)."""
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _page_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def _switch(client, page: str, code: str) -> str:
    """Use the switcher of ``page`` (its own form and hidden ``next``) to choose ``code``."""
    html = client.get(page).content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', html, re.S).group(0)
    hidden = re.search(r'name="next" value="([^"]*)"', form).group(1).replace("&amp;", "&")
    response = client.post(reverse("set_language"), {"language": code, "next": hidden})
    assert response.status_code == 302, page
    return response["Location"]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_the_switcher_on_every_page_leads_to_the_same_page_in_the_chosen_language(
    client, signed_in
):
    """Every page the switcher appears on: each page without arguments, and a member's
    profile and an office (pages with a slug), with a query string. Switching to Arabic,
    then to Korean, then back to English returns the same page each time."""
    from django.urls import NoReverseMatch, get_resolver, resolve

    from tests.factories.members import OfficeFactory

    organization = OrganizationFactory(name="Seoul", slug="seoul")
    office = OfficeFactory()
    if signed_in:
        from tests.factories.members import OrganizationUserFactory

        user = UserFactory(preferred_language="en")
        OrganizationUserFactory(organization=organization, user=user)
        client.force_login(user)
    pages = [f"{organization.get_absolute_url()}?tab=1", office.get_absolute_url()]
    with translation.override("en"):
        for name in sorted(set(_page_names(get_resolver().url_patterns))):
            if name.startswith(("admin:", "api", "djdt")):
                continue
            try:
                pages.append(reverse(name))
            except NoReverseMatch:
                continue

    def resolve_path(path):
        path = path.split("?")[0]
        with translation.override(translation.get_language_from_path(path) or "en"):
            return resolve(path)

    checked = []
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or b'class="language-switcher"' not in response.content:
            continue
        view = resolve_path(page)
        query = page.partition("?")[2]
        current = page
        for code in ("ar", "ko", "en"):
            current = _switch(client, current, code)
            target = resolve_path(current)
            assert (target.view_name, target.kwargs) == (view.view_name, view.kwargs), (page, code)
            assert current.partition("?")[2] == query, (page, code)
            prefix = "" if code == "en" else f"/{code}/"
            assert current.startswith(prefix or "/") and not (
                code == "en" and re.match(r"^/(ar|ko)/", current)
            ), (page, code, current)
            assert client.get(current).status_code == 200, (page, code, current)
        checked.append(page)

    # The list pages, the member's profile and the office page are among them.
    assert len(checked) >= 15, checked
    assert {"/", "/members/", pages[0], pages[1]} <= set(checked)
    if signed_in:
        assert reverse("notifications:inbox") in checked
