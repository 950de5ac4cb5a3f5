"""Public program pages and the member portal's applications.

Views stay thin: check permission (another organization's application is a 404), validate a
form, call one service, turn a ``ProgramError`` into a message, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.enums import OrganizationStatus
from members.models import Organization
from members.selectors import organizations_of_user
from wego_portal.files import private_file_response
from wego_portal.permissions import get_permitted_object_or_404

from . import sections, selectors, services, workflow
from .enums import ApplicationStatus
from .errors import AlreadyAppliedError, ApplicationIncomplete, EditConflict, ProgramError
from .filters import MyApplicationFilter
from .forms import (
    CityMessageForm,
    ClarificationAnswerForm,
    ComponentFormSet,
    ComponentFormSetWithBlank,
    StartApplicationForm,
    WithdrawForm,
    section_form_class,
)
from .models import Application, ApplicationAttachment, Call, Program

APPLICATIONS_PAGE_SIZE = 20

# --- Public pages ------------------------------------------------------------------------------


def program_list(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/program_list.html", {"programs": selectors.public_programs()})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        program = selectors.program_for_page(slug)
    except Program.DoesNotExist:
        raise Http404 from None
    calls = selectors.calls_of_program(program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "calls": calls,
            "results": selectors.selected_applications(calls["past"] + calls["open"]),
        },
    )


def call_detail(request: HttpRequest, slug: str, call_slug: str) -> HttpResponse:
    try:
        call = selectors.call_for_page(slug, call_slug)
    except Call.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "programs/call_detail.html",
        {
            "call": call,
            "program": call.program,
            "is_open": call.is_open(),
            "results": selectors.selected_applications([call]).get(call.pk, []),
        },
    )


# --- Member portal -----------------------------------------------------------------------------


def _bound(request: HttpRequest) -> tuple:
    """Form data and files for a POST (even an empty one), nothing for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _application_for(request: HttpRequest, pk: int, permission: str) -> Application:
    """The application if ``request.user`` has ``permission`` on it; otherwise a 404."""
    return get_permitted_object_or_404(
        request.user, permission, selectors.application_for_portal(pk), pk=pk
    )


def _acting_organizations(user) -> list[Organization]:
    return [org for org in organizations_of_user(user) if org.status == OrganizationStatus.ACTIVE]


@login_required
def applications(request: HttpRequest) -> HttpResponse:
    """The organization's applications with status and next step, and the calls open now."""
    filterset = MyApplicationFilter(
        request.GET, queryset=selectors.applications_of_user_organizations(request.user)
    )
    queryset = filterset.qs
    organization = filterset.form.cleaned_data.get("organization") or ""
    status = filterset.form.cleaned_data.get("status") or ""
    page = Paginator(queryset, APPLICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/applications.html",
        {
            "page": page,
            "open_calls": selectors.open_calls(),
            "status": status,
            "organization": organization,
            "status_choices": ApplicationStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest, call_slug: str) -> HttpResponse:
    call = get_object_or_404(selectors.open_calls(), slug=call_slug)
    organizations = [
        org for org in _acting_organizations(request.user) if call.accepts(org.member_type)
    ]
    if not organizations:
        return render(request, "programs/application_start.html", {"call": call, "form": None})
    form = StartApplicationForm(
        request.POST if request.method == "POST" else None,
        organizations=Organization.objects.filter(pk__in=[o.pk for o in organizations]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_start(
                call=call, organization=form.cleaned_data["organization"], started_by=request.user
            )
        except AlreadyAppliedError as exc:
            messages.info(request, _("%(error)s Continue it here.") % {"error": exc})
            return redirect(exc.application.get_absolute_url())
        except ProgramError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your draft is started. Complete the sections in any order; each is saved."),
            )
            return redirect(application.get_absolute_url())
    return render(request, "programs/application_start.html", {"call": call, "form": form})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "programs.view_application")
    context = {
        "application": application,
        "can_act": request.user.has_perm("programs.act_on_application", application),
        "next_step": workflow.NEXT_STEPS.get(application.status, ""),
        "call_open": application.call.is_open(),
    }
    if application.is_draft:
        tasks = sections.task_list(application)
        editors = selectors.section_editors(application)
        for row in tasks:
            row["editor"] = editors.get(row["section"].key)
        context.update(
            {
                "tasks": tasks,
                "completed": sum(1 for row in tasks if row["status"] == sections.COMPLETED),
            }
        )
        return render(request, "programs/application_tasks.html", context)
    has_plan = workflow.has_plan(application.kind, application.status)
    context.update(
        {
            "answers": sections.answers(application),
            "timeline": selectors.application_timeline(application),
            "messages_shared": selectors.shared_messages(application),
            "clarification": selectors.open_clarification_request(application),
            "can_withdraw": workflow.can_withdraw(application.kind, application.status),
            "can_message": application.status not in workflow.FINAL_STATUSES,
            "message_form": CityMessageForm(),
            "plan": selectors.application_plan(application) if has_plan else None,
            "today": timezone.localdate(),
            "attachments": selectors.application_attachments(application),
        }
    )
    return render(request, "programs/application_detail.html", context)


def _section_initial(application: Application, section: sections.Section) -> dict:
    initial = {"revision": (application.section_edits or {}).get(section.key, {}).get("rev", 0)}
    details = application.details
    for name in section.field_names():
        if name == "areas":
            initial["areas"] = list(application.areas.all())
        elif name not in {"components", "documents", "mayor_letter"}:
            initial[name] = getattr(details, name)
    return initial


def _component_initial(application: Application) -> list[dict]:
    return [
        {"area": component.area, "need": component.need}
        for component in selectors.application_components(application)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def application_section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of a draft: saved as it is ("Save and come back later" keeps the answers)."""
    application = _application_for(request, pk, "programs.act_on_application")
    if not application.is_draft:
        messages.info(
            request, _("This application is submitted; its answers can no longer change.")
        )
        return redirect(application.get_absolute_url())
    section = sections.get_section(application, key)
    if section is None:
        raise Http404
    all_sections = sections.sections_for(application)
    index = all_sections.index(section)
    next_section = all_sections[index + 1] if index + 1 < len(all_sections) else None
    form_kwargs = {}
    if section.key == "documents":
        form_kwargs["documents"] = list(application.call.documents.all())
    formset = None
    if request.method == "POST":
        form = section_form_class(section)(request.POST, request.FILES, **form_kwargs)
        if section.key == "package":
            formset = ComponentFormSet(request.POST, prefix="components")
        valid = form.is_valid() and (formset is None or formset.is_valid())
        if valid:
            data = sections.section_data(
                section,
                form.cleaned_data,
                components=formset.components() if formset is not None else None,
                documents=form.uploads() if section.key == "documents" else None,
            )
            try:
                services.application_section_save(
                    application=application,
                    section_key=section.key,
                    data=data,
                    saved_by=request.user,
                    revision=form.cleaned_data.get("revision"),
                )
            except EditConflict as exc:
                form.add_error(
                    None,
                    _(
                        "%(by)s saved this section at %(at)s, after you opened it. Your answers "
                        "below are not saved yet: check them against the current ones, then "
                        "save again to keep yours."
                    )
                    % {
                        "by": exc.by,
                        "at": timezone.localtime(exc.at).strftime("%H:%M") if exc.at else "—",
                    },
                )
                # The next save deliberately replaces the colleague's answers.
                form.data = form.data.copy()
                form.data["revision"] = exc.revision
            except ProgramError as exc:
                messages.error(request, str(exc))
                return redirect(application.get_absolute_url())
            else:
                if "add_component" in request.POST:
                    return redirect(
                        reverse("programs:application_section", args=[pk, key]) + "?add=1#add"
                    )
                messages.success(request, _("“%(section)s” is saved.") % {"section": section.title})
                if "continue" in request.POST and next_section is not None:
                    return redirect("programs:application_section", pk=pk, key=next_section.key)
                if "continue" in request.POST:
                    return redirect("programs:application_check", pk=pk)
                return redirect(application.get_absolute_url())
    else:
        form = section_form_class(section)(
            initial=_section_initial(application, section), **form_kwargs
        )
        if section.key == "package":
            initial = _component_initial(application)
            # MOJ "add another": one blank component to fill in when there is none yet or
            # the person asked for another.
            formset_class = (
                ComponentFormSetWithBlank
                if not initial or request.GET.get("add")
                else ComponentFormSet
            )
            formset = formset_class(prefix="components", initial=initial)
    sections.mark_needed_to_submit(form, section)
    return render(
        request,
        "programs/application_section.html",
        {
            "application": application,
            "section": section,
            "form": form,
            "formset": formset,
            "next_section": next_section,
            "attachments": (
                selectors.application_attachments(application) if section.key == "documents" else []
            ),
            "missing": sections.missing(application, section),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then submit; what is missing is listed, each linked to its section."""
    application = _application_for(request, pk, "programs.act_on_application")
    if not application.is_draft:
        return redirect(application.get_absolute_url())
    missing = sections.all_missing(application)
    error = ""
    if request.method == "POST":
        try:
            services.application_submit(application=application, submitted_by=request.user)
        except ApplicationIncomplete as exc:
            missing = exc.missing
        except ProgramError as exc:
            error = str(exc)
        else:
            return redirect("programs:application_submitted", pk=pk)
    return render(
        request,
        "programs/application_check.html",
        {
            "application": application,
            "answers": sections.answers(application),
            "missing": missing if request.method == "POST" or request.GET.get("check") else [],
            "incomplete": bool(missing),
            "error": error,
            "call_open": application.call.is_open(),
        },
    )


@login_required
def application_submitted(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "programs.view_application")
    if application.is_draft:
        return redirect(application.get_absolute_url())
    return render(request, "programs/application_submitted.html", {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer WeGO's clarification request with text and files; the review then resumes."""
    application = _application_for(request, pk, "programs.act_on_application")
    clarification = selectors.open_clarification_request(application)
    if clarification is None:
        messages.info(request, _("There is no open question to answer."))
        return redirect(application.get_absolute_url())
    form = ClarificationAnswerForm(*_bound(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_answer_clarification(
                application=application,
                answered_by=request.user,
                answer=form.cleaned_data["answer"],
                files=form.files_attached(),
            )
        except ProgramError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Your answer is sent. WeGO has been notified and the review continues."),
            )
            return redirect(application.get_absolute_url())
    return render(
        request,
        "programs/application_answer.html",
        {"application": application, "clarification": clarification, "form": form},
    )


@login_required
@require_POST
def application_message(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_for(request, pk, "programs.act_on_application")
    form = CityMessageForm(request.POST)
    if form.is_valid():
        try:
            services.message_send_from_city(
                application=application, author=request.user, body=form.cleaned_data["body"]
            )
        except ProgramError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your message is sent to WeGO."))
    else:
        messages.error(request, _("Enter your message."))
    return redirect(reverse("programs:application", args=[pk]) + "#messages")


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw, after asking once."""
    application = _application_for(request, pk, "programs.act_on_application")
    if not workflow.can_withdraw(application.kind, application.status):
        messages.error(
            request,
            _("An application that is “%(status)s” cannot be withdrawn.")
            % {"status": application.get_status_display()},
        )
        return redirect(application.get_absolute_url())
    form = WithdrawForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_status": application.status},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["expected_status"],
            )
        except ProgramError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The application is withdrawn. WeGO has been told; nothing more is needed."),
            )
        return redirect(application.get_absolute_url())
    return render(
        request, "programs/application_withdraw.html", {"application": application, "form": form}
    )


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """A private file, for the organization's people and authorized staff; others get 404."""
    application = _application_for(request, pk, "programs.view_application")
    attachment = get_object_or_404(
        ApplicationAttachment.objects.select_related("message"),
        pk=attachment_pk,
        application=application,
    )
    internal = attachment.message is not None and attachment.message.is_internal
    if internal and not request.user.has_perm("programs.write_staff_message", application):
        raise Http404
    return private_file_response(attachment.file, download_name=attachment.download_name)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    application = _application_for(request, pk, "programs.act_on_application")
    attachment = get_object_or_404(ApplicationAttachment, pk=attachment_pk, application=application)
    try:
        services.attachment_remove(attachment=attachment, removed_by=request.user)
    except ProgramError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("The file is removed."))
    return redirect("programs:application_section", pk=pk, key="documents")


@login_required
def letter_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The Project Implementer's supporting letter (private PDF)."""
    application = _application_for(request, pk, "programs.view_application")
    if not application.is_project_implementer or not application.project.mayor_letter:
        raise Http404
    return private_file_response(
        application.project.mayor_letter,
        download_name=application.project.mayor_letter_name
        or f"supporting-letter-{application.reference}.pdf",
    )
