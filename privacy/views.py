"""The privacy pages: the notice and cookie statement (public), and the account's own data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wego_portal.files import private_file_response

from . import inventory, services
from .enums import ErasureState
from .forms import ConfirmErasureForm
from .models import ConsentRecord, DataExport, ErasureRequest


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What the portal holds, why, for how long and who sees it: generated from the inventory."""
    return render(
        request,
        "privacy/notice.html",
        {"entries": inventory.notice_rows(), "policy": services.retention_policy()},
    )


def cookie_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/cookies.html", {"cookies": inventory.COOKIES})


def _open_request(user) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(
        user=user, state__in=[ErasureState.REQUESTED, ErasureState.CONFIRMED]
    ).first()


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The account's privacy page: exports (with progress and expiry) and account deletion."""
    exports = DataExport.objects.filter(user=request.user)[:10]
    running = any(not export.is_finished for export in exports)
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": [(e, services.data_export_is_available(e)) for e in exports],
            "running": running,
            "erasure": _open_request(request.user),
            "form": ConfirmErasureForm(),
            "consents": services.consents_of(user=request.user),
        },
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    services.data_export_request(by=request.user)
    messages.success(
        request, _("Your data export is being prepared; this page shows its progress.")
    )
    return redirect("privacy:my_data")


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The archive, to its own person only, until the link expires (then 404)."""
    export = get_object_or_404(DataExport, pk=pk, user=request.user)
    if not services.data_export_is_available(export):
        raise Http404
    return private_file_response(export.archive, download_name="wego-portal-my-data.zip")


@login_required
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    services.erasure_request(user=request.user)
    return redirect("privacy:my_data")


@login_required
@require_http_methods(["POST"])
def erasure_confirm(request: HttpRequest) -> HttpResponse:
    pending = _open_request(request.user)
    if pending is None:
        raise Http404
    form = ConfirmErasureForm(request.POST)
    if form.is_valid():
        try:
            services.erasure_confirm(
                request=pending, by=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("Your account will be deleted after the grace period."))
            return redirect("privacy:my_data")
    exports = DataExport.objects.filter(user=request.user)[:10]
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": [(e, services.data_export_is_available(e)) for e in exports],
            "erasure": pending,
            "form": form,
            "consents": services.consents_of(user=request.user),
        },
        status=400,
    )


@login_required
@require_POST
def erasure_cancel(request: HttpRequest) -> HttpResponse:
    pending = _open_request(request.user)
    if pending is None:
        raise Http404
    services.erasure_cancel(request=pending, by=request.user)
    messages.success(request, _("Your account will not be deleted."))
    return redirect("privacy:my_data")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one of my consents (sharing a registration with an event's hosts…)."""
    try:
        services.consent_withdraw_record(record_id=pk, by=request.user)
    except ConsentRecord.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Your consent is withdrawn. It is recorded, and it applies now."))
    return redirect(reverse("privacy:my_data") + "#consents")
