"""Smart Health Responder pages: public (Data Portal, Knowledge Hub, Smart Health Assistance)
and the member portal's initiatives. Views check permission, validate, call one service."""

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wego_portal.facets import facet_context
from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404
from wego_portal.ratelimits import limit

from . import docx, selectors, services
from .enums import InitiativeFileKind, InquiryTopic
from .filters import InitiativeFilter, MaterialFilter, SupplierFilter
from .forms import InitiativeFileForm, InitiativeForm, InquiryForm, TemplateUploadForm
from .models import Initiative, InitiativeFile, Inquiry, Supplier

PAGE_SIZE = 20
TEMPLATE_FILE_NAME = "wego-data-portal-initiative-template.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- The section's home ------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    webinars = selectors.shr_webinars(limit=3)
    return render(
        request,
        "health/index.html",
        {
            "figures": selectors.health_figures(),
            "latest": list(selectors.published_initiatives()[:3]),
            "webinars": webinars,
        },
    )


# --- Data Portal -------------------------------------------------------------------------------


def initiative_list(request: HttpRequest) -> HttpResponse:
    filterset = InitiativeFilter(request.GET or None, queryset=selectors.published_initiatives())
    results = filterset.qs
    facets = selectors.initiative_facets(results)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/initiative_list.html",
        {
            "page": page,
            **facet_context(request, facets, ["q", "topic", "region", "country", "year", "member"]),
        },
    )


def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        initiative = selectors.initiative_for_page(pk)
    except Initiative.DoesNotExist:
        raise Http404 from None
    return render(request, "health/initiative_detail.html", {"initiative": initiative})


def initiative_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A file of a published initiative, or of a draft the reader may see (city, secretariat)."""
    initiative = get_permitted_object_or_404(
        request.user,
        "health.view_initiative",
        Initiative.objects.select_related("organization"),
        pk=pk,
    )
    record = get_object_or_404(InitiativeFile, initiative=initiative, pk=file_pk)
    return private_file_response(record.file, download_name=record.download_name)


@cache
def _template_bytes() -> bytes:
    return docx.build_template()


def initiative_template(request: HttpRequest) -> HttpResponse:
    """The downloadable template (a .docx built by ``health.docx``)."""
    response = HttpResponse(_template_bytes(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILE_NAME}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Knowledge Hub -----------------------------------------------------------------------------


def knowledge_hub(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "health/knowledge_hub.html",
        {
            "webinars": selectors.shr_webinars(),
            "materials": list(selectors.public_materials()[:6]),
            "material_count": selectors.public_materials().count(),
            "cities": selectors.cities_sharing_initiatives(),
        },
    )


def material_list(request: HttpRequest) -> HttpResponse:
    filterset = MaterialFilter(request.GET or None, queryset=selectors.public_materials())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/material_list.html",
        {
            "page": page,
            "filter": filterset,
            "topics": selectors.material_topic_counts(),
            "topic": request.GET.get("topic", ""),
        },
    )


def material_file(request: HttpRequest, pk: int) -> HttpResponse:
    material = get_object_or_404(selectors.public_materials(), pk=pk)
    if not material.file:
        raise Http404
    return private_file_response(material.file, download_name=f"{material.title[:80]}.pdf")


# --- Smart Health Assistance -------------------------------------------------------------------


def supplier_list(request: HttpRequest) -> HttpResponse:
    filterset = SupplierFilter(request.GET or None, queryset=selectors.published_suppliers())
    results = filterset.qs
    facets = selectors.supplier_facets(results)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "health/supplier_list.html",
        {
            "page": page,
            **facet_context(request, facets, ["q", "category", "country"]),
        },
    )


def supplier_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        supplier = selectors.supplier_for_page(slug)
    except Supplier.DoesNotExist:
        raise Http404 from None
    return render(request, "health/supplier_detail.html", {"supplier": supplier})


INQUIRY_SESSION_KEY = "health_inquiry_id"


@require_http_methods(["GET", "POST"])
def inquiry(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """The public inquiry form, to a supplier (``slug``) or to WeGO.

    Each valid inquiry counts against the client's address and the sender's e-mail address
    (``inquiry`` in ``ACCOUNT_RATE_LIMITS``); over the limit the form comes back with what was
    typed, an explanation, a 429 and ``Retry-After``. A filled honeypot looks like success to
    the robot that filled it, and nothing is stored or sent.
    """
    supplier = None
    if slug is not None:
        supplier = get_object_or_404(selectors.published_suppliers(), slug=slug)
    initial = {}
    if request.GET.get("topic") in InquiryTopic.values:  # e.g. "ask to be listed" links
        initial["topic"] = request.GET["topic"]
    form = InquiryForm(request.POST or None, initial=initial)
    refusal = None
    if request.method == "POST":
        if form.is_spam:
            request.session.pop(INQUIRY_SESSION_KEY, None)
            return redirect("health:inquiry_sent")
        if form.is_valid():
            refusal = limit(request, action="inquiry", key=form.cleaned_data["email"])
            if refusal:
                form.add_error(None, refusal.message)
        if form.is_valid():
            data = {name: form.cleaned_data.get(name) for name in services.INQUIRY_FIELDS}
            created = services.inquiry_submit(data=data, supplier=supplier)
            request.session[INQUIRY_SESSION_KEY] = created.pk
            return redirect("health:inquiry_sent")
    response = render(request, "health/inquiry_form.html", {"form": form, "supplier": supplier})
    return refusal.apply(response) if refusal else response


def inquiry_sent(request: HttpRequest) -> HttpResponse:
    sent = None
    inquiry_id = request.session.get(INQUIRY_SESSION_KEY)
    if inquiry_id:
        sent = Inquiry.objects.select_related("supplier").filter(pk=inquiry_id).first()
    return render(request, "health/inquiry_sent.html", {"inquiry": sent})


# --- Member portal: sharing initiatives --------------------------------------------------------


@login_required
def my_initiatives(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.initiatives_of_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "health/portal/initiative_list.html",
        {"page": page, "can_share": bool(selectors.organizations_sharing_for(request.user))},
    )


def _no_organization(request: HttpRequest) -> HttpResponse:
    return render(request, "health/portal/no_organization.html")


@login_required
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_sharing_for(request.user)
    if not organizations:
        return _no_organization(request)
    initial = {"city": organizations[0].city, "country": organizations[0].country}
    form = InitiativeForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        initiative = services.initiative_create(
            organization=form.chosen_organization(),
            data={name: form.cleaned_data.get(name) for name in services.INITIATIVE_FIELDS},
            created_by=request.user,
        )
        messages.success(
            request,
            _("Your draft is saved. Add documents if you have any, then submit it for review."),
        )
        return redirect("health:initiative_manage", pk=initiative.pk)
    return render(request, "health/portal/initiative_form.html", {"form": form, "initiative": None})


@login_required
@require_http_methods(["GET", "POST"])
def initiative_import(request: HttpRequest) -> HttpResponse:
    """Start a draft from the filled template: its answers are copied into the form."""
    organizations = selectors.organizations_sharing_for(request.user)
    if not organizations:
        return _no_organization(request)
    form = TemplateUploadForm(
        request.POST or None, request.FILES or None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        try:
            initiative, answers = services.initiative_create_from_template(
                organization=form.chosen_organization(),
                upload=form.cleaned_data["template"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error("template", exc)
        else:
            found = len(answers.values)
            messages.success(
                request,
                ngettext(
                    "We copied %(n)d answer from your template. Check it and complete the rest.",
                    "We copied %(n)d answers from your template. Check them and complete the rest.",
                    found,
                )
                % {"n": found},
            )
            for problem in answers.problems:
                messages.warning(request, problem)
            return redirect("health:initiative_edit", pk=initiative.pk)
    return render(request, "health/portal/initiative_import.html", {"form": form})


def _own_initiative(request: HttpRequest, pk: int, permission: str) -> Initiative:
    return get_permitted_object_or_404(
        request.user, permission, selectors.initiative_for_portal(), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's page of one initiative: its answers, files, status, and what to do next."""
    initiative = _own_initiative(request, pk, "health.manage_initiative")
    can_edit = request.user.has_perm("health.edit_initiative", initiative)
    file_form = InitiativeFileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            upload.seek(0)
            kind = (
                InitiativeFileKind.TEMPLATE
                if upload.read(2) == b"PK"
                else InitiativeFileKind.DOCUMENT
            )
            try:
                services.initiative_attach_file(
                    initiative=initiative, upload=upload, kind=kind, uploaded_by=request.user
                )
            except services.HealthError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The document was added."))
            return redirect("health:initiative_manage", pk=initiative.pk)
        status = 400
    return render(
        request,
        "health/portal/initiative_manage.html",
        {
            "initiative": initiative,
            "can_edit": can_edit,
            "file_form": file_form,
            "missing": initiative.missing_for_submission() if can_edit else [],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _own_initiative(request, pk, "health.edit_initiative")
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_update(
                initiative=initiative,
                data={name: form.cleaned_data.get(name) for name in services.INITIATIVE_FIELDS},
                changed_by=request.user,
            )
        except services.HealthError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your changes are saved."))
        return redirect("health:initiative_manage", pk=initiative.pk)
    return render(
        request, "health/portal/initiative_form.html", {"form": form, "initiative": initiative}
    )


@login_required
@require_POST
def initiative_file_remove(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    initiative = _own_initiative(request, pk, "health.edit_initiative")
    record = get_object_or_404(InitiativeFile, initiative=initiative, pk=file_pk)
    try:
        services.initiative_remove_file(file=record, removed_by=request.user)
    except services.HealthError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was removed."))
    return redirect("health:initiative_manage", pk=initiative.pk)


@login_required
@require_POST
def initiative_submit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _own_initiative(request, pk, "health.edit_initiative")
    try:
        services.initiative_submit(initiative=initiative, submitted_by=request.user)
    except services.HealthError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Thank you. The WeGO Secretariat will review your initiative, usually within 10 "
                "working days, and e-mail you when it is published or if anything should change."
            ),
        )
    return redirect("health:initiative_manage", pk=initiative.pk)
