from allauth.account.views import LoginView, PasswordResetView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from knox.models import AuthToken

from wego_portal.i18n import path_in_language, set_language_cookie
from wego_portal.ratelimits import limit, too_many_requests

from . import services
from .forms import ApiTokenForm, ApiTokenRevokeForm


class RateLimitedLoginView(LoginView):
    """allauth's login, answering 429 (with Retry-After) once failed attempts hit the limit.

    allauth itself re-renders the form with a 200; a 429 tells scripts and monitoring what
    happened, while a person still sees the explanation on the page.
    """

    retry_after_seconds = 300

    def form_valid(self, form) -> HttpResponse:
        """Signing in switches to the user's preferred language (remembered in the cookie)."""
        response = super().form_valid(form)
        user = self.request.user
        if user.is_authenticated and response.status_code in (301, 302):
            language = user.preferred_language
            response["Location"] = path_in_language(response["Location"], language)
            set_language_cookie(response, language)
        return response

    def form_invalid(self, form) -> HttpResponse:
        response = super().form_invalid(form)
        rate_limited = any(
            error.code == "too_many_login_attempts"
            for error in form.errors.as_data().get("__all__", [])
        )
        if rate_limited:
            response.status_code = 429
            response["Retry-After"] = str(self.retry_after_seconds)
        return response


class RateLimitedPasswordResetView(PasswordResetView):
    """allauth's password reset, limited per client address and per e-mail address typed
    (``reset_password`` in ``ACCOUNT_RATE_LIMITS``) with the portal's 429 page and an exact
    ``Retry-After``."""

    def form_valid(self, form) -> HttpResponse:
        refusal = limit(self.request, action="reset_password", key=form.cleaned_data["email"])
        if refusal:
            return too_many_requests(self.request, retry_after=refusal.retry_after)
        form.save(self.request)
        # PasswordResetView.form_valid would count the same attempt a second time.
        return super(PasswordResetView, self).form_valid(form)


@login_required
def account_overview(request: HttpRequest) -> HttpResponse:
    """The account area's first page: every section with its state and a link to manage it."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from notifications.selectors import email_preferences_for
    from privacy.services import consents_of

    user = request.user
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=user)}
    recovery = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    context = {
        "addresses": list(EmailAddress.objects.filter(user=user).order_by("-primary", "email")),
        "totp_active": Authenticator.Type.TOTP in authenticators,
        "recovery_unused": len(recovery.wrap().get_unused_codes()) if recovery else None,
        "sessions": list(UserSession.objects.filter(user=user).order_by("-last_seen_at")[:3]),
        "session_count": UserSession.objects.filter(user=user).count(),
        "current_session_key": request.session.session_key,
        "token_count": AuthToken.objects.filter(user=user).count(),
        "emails_off": sum(1 for on in email_preferences_for(user).values() if not on),
        "consent_count": len(consents_of(user=user)),
    }
    return render(request, "account/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The caller's personal API tokens: create (secret shown once) and revoke."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    new_secret = None
    if request.method == "POST" and "revoke" in request.POST:
        revoke = ApiTokenRevokeForm(request.POST)
        if not revoke.is_valid():
            return HttpResponseBadRequest(_("This is not one of your tokens."))
        if services.api_token_revoke(user=request.user, token_key=revoke.cleaned_data["revoke"]):
            messages.success(request, _("The token was revoked; it no longer works."))
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in_days"]
        try:
            _token, new_secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=int(days) if days else None,
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            form = ApiTokenForm(user=request.user)
    tokens = (
        AuthToken.objects.filter(user=request.user)
        .select_related("name_record")
        .order_by("-created")
    )
    return render(
        request,
        "account/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret, "now": timezone.now()},
        status=400 if form.errors else 200,
    )
