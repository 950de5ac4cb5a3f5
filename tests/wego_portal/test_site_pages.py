"""Pages around the portal: errors, the status page, the favicon, the API index and docs."""

import json

import pytest
from django.test import override_settings
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db


def test_unknown_address_gets_the_styled_404_page(client):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert f'href="{reverse("members:directory")}"' in html


def test_403_page_asks_a_visitor_to_sign_in(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/portal/secret/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied())

    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in html
    assert f"{reverse('account_login')}?next=/portal/secret/" in html


def test_500_page_renders_without_a_request_or_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in html
    assert "/static/css/portal.css" in html


def test_429_page_is_the_portals_own(client):
    from allauth.core.internal.ratelimit import handler429

    response = handler429(client.get("/").wsgi_request)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert reverse("account_reset_password") in response.content.decode()


def test_status_page_says_in_words_what_healthz_says_in_json(client):
    page = client.get(reverse("status"))
    data = json.loads(client.get(reverse("healthz")).content)

    html = page.content.decode()
    assert page.status_code == 200
    assert data["status"] == "ok"
    assert "The portal is working normally." in html
    assert 'href="/healthz"' in html


def test_status_page_says_a_cache_outage_but_answers_200_as_the_portal_still_serves(client):
    unreachable = {
        "default": {
            "BACKEND": "wego_portal.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get(reverse("status"))

    # Degraded, not down: 503 is kept for a database outage (as /healthz).
    assert response.status_code == 200
    assert "Part of the portal is not working" in response.content.decode()


def test_footer_links_the_status_page_not_the_json(client):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("status")}"' in html
    assert 'href="/healthz"' not in html


def test_favicon_ico_redirects_to_the_svg_mark(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url == "/static/img/favicon.svg"


def test_api_root_lists_every_list_endpoint_and_the_docs(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")

    body = response.json()
    assert response.status_code == 200
    assert body["endpoints"]["organizations"] == "http://testserver/api/v1/organizations/"
    assert body["endpoints"]["me/applications"] == "http://testserver/api/v1/me/applications/"
    assert body["documentation"] == "http://testserver/api/v1/redoc/"
    for url in body["endpoints"].values():
        assert resolve(url.removeprefix("http://testserver")).namespace == "api"


def test_redoc_page_loads_static_scripts_and_allows_only_its_nonce_for_styles(client):
    response = client.get(reverse("api:redoc"))

    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    nonce = html.split('data-nonce="', 1)[1].split('"', 1)[0]
    assert "<script>" not in html and "<style" not in html
    assert "/static/js/redoc-init.js" in html
    assert "fonts.googleapis.com" not in html
    assert f"'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy
    assert "script-src 'self';" in policy


def test_swagger_page_has_no_inline_script_or_style(client):
    html = client.get(reverse("api:docs")).content.decode()

    assert "<script>" not in html and "<style" not in html
    assert "unsafe-inline" not in client.get(reverse("api:docs"))["Content-Security-Policy"]
