"""The newsletter's public pages: sign up, confirm, preferences and one-click unsubscribe.

The confirmation, preferences and unsubscribe pages are reached by signed links, without an
account. Confirming and unsubscribing happen on POST only (a link checker that opens every
link of a message must not subscribe or unsubscribe anyone); the unsubscribe POST needs no
session and no CSRF token (RFC 8058: the mail client posts ``List-Unsubscribe=One-Click``).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wego_portal.ratelimits import limit

from . import services, tokens
from .enums import SubscriberState
from .forms import PreferencesForm, SubscribeForm
from .selectors import offered_topics


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/invalid_link.html", status=404)


@require_http_methods(["GET", "POST"])
def subscribe_view(request: HttpRequest) -> HttpResponse:
    refusal = None
    if request.method == "POST":
        form = SubscribeForm(request.POST)
        if form.is_valid():
            refusal = limit(request, action="newsletter", key=form.cleaned_data["email"])
            if refusal:
                form.add_error(None, refusal.message)
        if form.is_valid():
            services.subscribe(
                email=form.cleaned_data["email"],
                topics=form.cleaned_data["topics"],
                language=form.cleaned_data["language"],
                user=request.user if request.user.is_authenticated else None,
            )
            return redirect("newsletter:check_email")
    else:
        email = request.GET.get("email", "")[:254]
        if not email and request.user.is_authenticated:
            email = request.user.email
        form = SubscribeForm(
            initial={
                "email": email,
                "language": get_language(),
                "topics": list(offered_topics()),
            }
        )
    response = render(
        request,
        "newsletter/subscribe.html",
        {"form": form, "valid_days": tokens.confirm_validity().days},
    )
    return refusal.apply(response) if refusal else response


def check_email(request: HttpRequest) -> HttpResponse:
    return render(
        request, "newsletter/check_email.html", {"valid_days": tokens.confirm_validity().days}
    )


@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        tokens.key_from_confirm_token(token)
    except tokens.ExpiredToken:
        return render(
            request,
            "newsletter/expired.html",
            {"valid_days": tokens.confirm_validity().days},
            status=410,
        )
    except tokens.BadToken:
        return _invalid(request)
    if request.method == "GET":
        return render(request, "newsletter/confirm.html", {"token": token})
    try:
        subscriber = services.confirm(token=token)
    except tokens.ExpiredToken:
        return render(request, "newsletter/expired.html", status=410)
    except tokens.BadToken:
        return _invalid(request)
    return render(
        request,
        "newsletter/confirmed.html",
        {"subscriber": subscriber, "manage_url": services.manage_url(subscriber)},
    )


@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.subscriber_for_manage_token(token)
    except tokens.BadToken:
        return _invalid(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.update_preferences(
                subscriber=subscriber,
                topics=form.cleaned_data["topics"],
                language=form.cleaned_data["language"],
            )
            messages.success(request, _("Your choices are saved."))
            return redirect("newsletter:preferences", token=token)
    else:
        form = PreferencesForm(
            initial={"topics": list(subscriber.topics.all()), "language": subscriber.language}
        )
    return render(
        request,
        "newsletter/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "token": token,
            "subscribed": subscriber.state == SubscriberState.CONFIRMED,
        },
    )


@csrf_exempt  # RFC 8058: mail clients post without a session; the signed link is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriber = services.subscriber_for_manage_token(token)
    except tokens.BadToken:
        return _invalid(request)
    if request.method == "GET":
        return render(
            request, "newsletter/unsubscribe.html", {"subscriber": subscriber, "token": token}
        )
    services.unsubscribe(subscriber=subscriber)
    return render(request, "newsletter/unsubscribed.html", {"token": token})
