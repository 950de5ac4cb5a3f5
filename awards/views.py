"""Pages of the WeGO Awards: the public archive and results, the cities' entries, judging.

Views stay thin: check permission (``awards.rules``; a refusal is a 404), validate a form, call
one service, turn an ``AwardsError`` into a message, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import Organization
from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404

from . import selectors, services
from .enums import EntryStatus, Stage
from .forms import (
    ConflictForm,
    DocumentVisibilityForm,
    EntryDocumentForm,
    EntryForm,
    EntryImageForm,
    ScoreForm,
)
from .models import Edition, Entry, EntryDocument, EntryImage

EDITIONS_PAGE_SIZE = 12

# --- Public pages ------------------------------------------------------------------------------


def edition_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    if show not in selectors.ARCHIVE_FILTERS:
        show = ""
    now = timezone.now()
    counts = Edition.objects.filter(is_public=True).aggregate(
        all=Count("id"),
        open=Count(
            "id",
            filter=Q(stage=Stage.OPEN, entries_open_at__lte=now, entries_close_at__gt=now),
        ),
        results=Count("id", filter=Q(results_published=True)),
    )
    editions = selectors.filter_editions(selectors.public_editions(), show)
    page = Paginator(editions, EDITIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = [
        {"value": "", "label": _("All editions"), "count": counts["all"]},
        {"value": "open", "label": _("Open for entries"), "count": counts["open"]},
        {"value": "results", "label": _("With results"), "count": counts["results"]},
    ]
    return render(
        request, "awards/edition_list.html", {"page": page, "show": show, "filters": filters}
    )


def edition_detail(request: HttpRequest, year: int) -> HttpResponse:
    try:
        edition = selectors.edition_for_public_page(year)
    except Edition.DoesNotExist:
        raise Http404 from None
    timeline = selectors.phase_timeline(edition)
    return render(
        request,
        "awards/edition_detail.html",
        {
            "edition": edition,
            "timeline": timeline,
            "has_dates": any(step["date"] for step in timeline),
            "results": selectors.results_by_category(edition),
            "accepts_entries": edition.accepts_entries(),
        },
    )


def entry_public(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    try:
        entry = selectors.public_entry(year=year, pk=pk)
    except Entry.DoesNotExist:
        raise Http404 from None
    return render(request, "awards/entry_public.html", {"entry": entry, "edition": entry.edition})


def _image_response(field_file, *, public: bool) -> FileResponse:
    """Stream a stored (re-encoded, PNG) image inline; nothing else rides along."""
    field_file.open("rb")
    response = FileResponse(field_file, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


def entry_image(request: HttpRequest, pk: int, variant: str = "full") -> FileResponse:
    image = get_permitted_object_or_404(
        request.user,
        "awards.view_award_image",
        EntryImage.objects.select_related("entry__edition"),
        pk=pk,
    )
    field_file = image.thumbnail if variant == "thumbnail" else image.image
    return _image_response(field_file, public=image.entry.is_public)


def entry_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_permitted_object_or_404(
        request.user,
        "awards.view_award_document",
        EntryDocument.objects.select_related("entry__edition"),
        pk=pk,
    )
    return private_file_response(
        document.file, download_name=f"{slugify(document.title) or 'document'}.pdf"
    )


# --- Member portal: a city's entries -----------------------------------------------------------


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    organizations = selectors.organizations_that_may_enter(request.user)
    return render(
        request,
        "awards/portal/dashboard.html",
        {
            "entries": selectors.entries_of_user(request.user),
            "open_editions": list(selectors.open_editions()) if organizations else [],
            "organizations": organizations,
            "acts_for_others": not organizations and request.user.organization_roles.exists(),
            "is_judge": selectors.judge_seats_of(request.user).exists(),
        },
    )


def _entry(request: HttpRequest, pk: int, permission: str) -> Entry:
    return get_permitted_object_or_404(
        request.user, permission, selectors.entry_for_portal(), pk=pk
    )


def _editable(entry: Entry) -> bool:
    return entry.status == EntryStatus.DRAFT and entry.edition.accepts_entries()


@login_required
@require_http_methods(["GET", "POST"])
def entry_create(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    organization = get_permitted_object_or_404(
        request.user, "awards.enter_awards_for_organization", Organization.objects.all(), slug=slug
    )
    edition = get_object_or_404(Edition, year=year)
    if not edition.accepts_entries():
        messages.error(
            request, _("The %(edition)s is not open for entries.") % {"edition": edition.title}
        )
        return redirect("awards:portal")
    form = EntryForm(request.POST or None, edition=edition)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        category = data.pop("category")
        try:
            entry = services.entry_create(
                edition=edition,
                organization=organization,
                category=category,
                created_by=request.user,
                data=data,
            )
        except services.DuplicateProjectError as exc:
            form.add_error("project_title", str(exc))
        except services.EntryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Your draft is saved. Add images and documents, then submit it before the deadline."
                ),
            )
            return redirect("awards:entry_manage", pk=entry.pk)
    return render(
        request,
        "awards/portal/entry_form.html",
        {"form": form, "edition": edition, "organization": organization, "entry": None},
    )


@login_required
def entry_manage(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.read_award_entry")
    can_change = request.user.has_perm("awards.change_award_entry", entry)
    return render(
        request,
        "awards/portal/entry_detail.html",
        {
            "entry": entry,
            "edition": entry.edition,
            "can_change": can_change,
            "editable": can_change and _editable(entry),
            "missing": entry.missing_for_submission() if entry.is_draft else [],
            "deadline_passed": entry.is_draft and not entry.edition.accepts_entries(),
            "can_withdraw": can_change
            and entry.status != EntryStatus.WITHDRAWN
            and not entry.edition.results_published,
        },
    )


def _locked_out(request: HttpRequest, entry: Entry) -> HttpResponse | None:
    """Redirect with an explanation when the entry can no longer be changed."""
    if _editable(entry):
        return None
    if entry.is_draft:
        messages.error(
            request,
            _("The entry deadline has passed: your draft is kept but can no longer be changed."),
        )
    else:
        messages.error(request, _("Only a draft can be changed."))
    return redirect("awards:entry_manage", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    if refusal := _locked_out(request, entry):
        return refusal
    form = EntryForm(request.POST or None, instance=entry, edition=entry.edition)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ENTRY_FIELDS}
        try:
            services.entry_update(
                entry=entry,
                changed_by=request.user,
                data=data,
                category=form.cleaned_data["category"],
            )
        except services.DuplicateProjectError as exc:
            form.add_error("project_title", str(exc))
        except services.EntryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect("awards:entry_manage", pk=entry.pk)
    return render(
        request,
        "awards/portal/entry_form.html",
        {
            "form": form,
            "edition": entry.edition,
            "organization": entry.organization,
            "entry": entry,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_images(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    if refusal := _locked_out(request, entry):
        return refusal
    form = EntryImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add_image(
                entry=entry,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                added_by=request.user,
            )
        except services.EntryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The image was added."))
            return redirect("awards:entry_images", pk=entry.pk)
    return render(
        request,
        "awards/portal/entry_images.html",
        {"entry": entry, "form": form, "max_images": services.MAX_IMAGES_PER_ENTRY},
    )


@login_required
@require_POST
def entry_image_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    image = get_object_or_404(EntryImage, pk=image_pk, entry=entry)
    try:
        services.entry_remove_image(image=image, removed_by=request.user)
    except services.EntryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The image was removed."))
    return redirect("awards:entry_images", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_documents(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    if refusal := _locked_out(request, entry):
        return refusal
    form = EntryDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add_document(
                entry=entry,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                is_public=form.cleaned_data["is_public"],
                added_by=request.user,
            )
        except services.EntryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The document was added."))
            return redirect("awards:entry_documents", pk=entry.pk)
    return render(
        request,
        "awards/portal/entry_documents.html",
        {"entry": entry, "form": form, "max_documents": services.MAX_DOCUMENTS_PER_ENTRY},
    )


@login_required
@require_POST
def entry_document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    document = get_object_or_404(EntryDocument, pk=document_pk, entry=entry)
    try:
        services.entry_remove_document(document=document, removed_by=request.user)
    except services.EntryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The document was removed."))
    return redirect("awards:entry_documents", pk=entry.pk)


@login_required
@require_POST
def entry_document_visibility(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    document = get_object_or_404(EntryDocument, pk=document_pk, entry=entry)
    form = DocumentVisibilityForm(request.POST)
    form.is_valid()
    is_public = form.cleaned_data.get("is_public", False)
    services.entry_set_document_public(
        document=document, is_public=is_public, changed_by=request.user
    )
    if is_public:
        messages.success(
            request,
            _("“%(title)s” will be shown with the results if your entry wins.")
            % {"title": document.title},
        )
    else:
        messages.success(request, _("“%(title)s” stays private.") % {"title": document.title})
    return redirect("awards:entry_manage", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    if request.method == "POST":
        try:
            services.entry_submit(entry=entry, submitted_by=request.user)
        except services.EntryError as exc:
            messages.error(request, str(exc))
            return redirect("awards:entry_manage", pk=entry.pk)
        return redirect("awards:entry_submitted", pk=entry.pk)
    if not entry.is_draft:
        return redirect("awards:entry_manage", pk=entry.pk)
    return render(
        request,
        "awards/portal/entry_submit.html",
        {
            "entry": entry,
            "edition": entry.edition,
            "missing": entry.missing_for_submission(),
            "accepts_entries": entry.edition.accepts_entries(),
        },
    )


@login_required
def entry_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.read_award_entry")
    if entry.status != EntryStatus.SUBMITTED:
        return redirect("awards:entry_manage", pk=entry.pk)
    return render(request, "awards/portal/entry_submitted.html", {"entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def entry_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk, "awards.change_award_entry")
    if request.method == "POST":
        try:
            services.entry_withdraw(
                entry=entry,
                withdrawn_by=request.user,
                expected_status=request.POST.get("expected_status") or None,
            )
        except services.EntryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The entry “%(title)s” was withdrawn. The judges will not assess it.")
                % {"title": entry.project_title},
            )
        return redirect("awards:entry_manage", pk=entry.pk)
    if entry.status == EntryStatus.WITHDRAWN:
        return redirect("awards:entry_manage", pk=entry.pk)
    return render(request, "awards/portal/entry_withdraw.html", {"entry": entry})


# --- Judging -----------------------------------------------------------------------------------


@login_required
def judging(request: HttpRequest) -> HttpResponse:
    judges = list(selectors.judge_seats_of(request.user))
    entries = selectors.entries_for_judge_seats(judges)  # one query for all seats
    seats = [
        {
            "judge": judge,
            "edition": judge.edition,
            "entries": entries[judge.pk],
            "judging_open": judge.edition.judging_open(),
            "panel_closed": judge.edition.panel_closed(),
        }
        for judge in judges
    ]
    return render(request, "awards/judging/dashboard.html", {"seats": seats})


@login_required
@require_http_methods(["GET", "POST"])
def judging_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_permitted_object_or_404(
        request.user, "awards.judge_award_entry", selectors.entry_for_judging(), pk=pk
    )
    judge = selectors.judge_for(request.user, entry.edition)
    scores = list(selectors.scores_visible_to(request.user, entry))
    own = next((s for s in scores if s.judge_id == judge.pk), None)
    judging_open = entry.edition.judging_open()
    if request.method == "POST" and not judging_open:
        messages.error(request, _("Scoring is possible only while the judging panel is open."))
        return redirect("awards:judging_entry", pk=entry.pk)
    form = ScoreForm(request.POST or None, instance=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_save(
                judge=judge,
                entry=entry,
                marks=form.marks,
                comments=form.cleaned_data["comments"],
            )
        except services.JudgingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your score for “%(title)s” is saved. You can change it until the panel closes.")
                % {"title": entry.project_title},
            )
            return redirect("awards:judging")
    return render(
        request,
        "awards/judging/entry.html",
        {
            "entry": entry,
            "edition": entry.edition,
            "judge": judge,
            "form": form,
            "own_score": own,
            "panel_scores": scores if entry.edition.panel_closed() else [],
            "judging_open": judging_open,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def judging_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_permitted_object_or_404(
        request.user,
        "awards.declare_award_conflict",
        Entry.objects.select_related("edition", "category"),
        pk=pk,
    )
    judge = selectors.judge_for(request.user, entry.edition)
    existing = entry.conflicts.filter(judge=judge).first()
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.conflict_declare(judge=judge, entry=entry, reason=form.cleaned_data["reason"])
        except services.JudgingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Your conflict of interest on “%(title)s” is recorded. "
                    "You will not score this entry."
                )
                % {"title": entry.project_title},
            )
            return redirect("awards:judging")
    return render(
        request,
        "awards/judging/conflict.html",
        {"entry": entry, "judge": judge, "form": form, "existing": existing},
    )
