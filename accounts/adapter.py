from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse

from wego_portal.client import client_address

from . import services


def site_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``), whatever Host a request named."""
    return settings.SITE_URL.rstrip("/") + path


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation or by an approved membership application only.

    Links in account e-mails are built from ``SITE_URL``, never from the request's Host
    header; the client address comes from ``wego_portal.client`` (``TRUSTED_PROXY_COUNT``).
    """

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per client address *and account*, not per account
        alone: five wrong passwords from one address lock that address out of that account,
        while the account's owner, signing in from anywhere else, is not affected. (The
        ``login_failed`` rate's per-address part limits guessing across accounts.)"""
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{self.get_client_ip(request)}:{login}"

    def set_password(self, user, password: str) -> None:
        """A password changed (or reset) ends every personal API token of the account."""
        super().set_password(user, password)
        services.api_tokens_revoke_all(user=user)

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name="WeGO Portal", domain=urlsplit(settings.SITE_URL).netloc)
        super().send_mail(template_prefix, email, {"current_site": site, **context})
