"""The public project catalog (Activator Exchange) and members' proposals in the portal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from health.selectors import organizations_sharing_for
from wego_portal.facets import facet_context
from wego_portal.permissions import get_permitted_object_or_404

from . import selectors, services
from .filters import ProjectFilter
from .forms import ProjectForm, ProjectImageForm
from .models import Project, ProjectImage

PAGE_SIZE = 18
FILTER_KEYS = ["q", "area", "region", "country", "year", "source"]


def project_list(request: HttpRequest) -> HttpResponse:
    filterset = ProjectFilter(request.GET or None, queryset=selectors.published_projects())
    results = filterset.qs
    facets = selectors.project_facets(results)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/project_list.html",
        {
            "page": page,
            **facet_context(request, facets, FILTER_KEYS),
        },
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        project = selectors.project_for_page(slug)
    except Project.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "catalog/project_detail.html",
        {"project": project, "similar": selectors.similar_projects(project)},
    )


# --- Member portal -----------------------------------------------------------------------------


@login_required
def my_projects(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.projects_of_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "catalog/portal/project_list.html",
        {"page": page, "can_propose": bool(organizations_sharing_for(request.user))},
    )


def _form_data(form: ProjectForm) -> dict:
    data = {name: form.cleaned_data.get(name) for name in services.PROJECT_FIELDS}
    data["areas"] = list(form.cleaned_data.get("areas") or [])
    data["partners"] = list(form.cleaned_data.get("partners") or [])
    return data


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    organizations = organizations_sharing_for(request.user)
    if not organizations:
        return render(request, "catalog/portal/no_organization.html")
    form = ProjectForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        project = services.catalog_project_create(
            organization=form.chosen_organization(),
            data=_form_data(form),
            created_by=request.user,
        )
        messages.success(
            request, _("Your draft is saved. Add images if you have some, then send it to WeGO.")
        )
        return redirect("catalog:project_manage", pk=project.pk)
    return render(request, "catalog/portal/project_form.html", {"form": form, "project": None})


def _own_project(request: HttpRequest, pk: int, permission: str) -> Project:
    return get_permitted_object_or_404(
        request.user, permission, selectors.project_for_portal(), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's page of one project: answers, images, status and what to do next."""
    project = _own_project(request, pk, "catalog.manage_project")
    can_edit = request.user.has_perm("catalog.edit_project", project)
    image_form = ProjectImageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Http404
        if image_form.is_valid():
            try:
                services.catalog_project_add_image(
                    project=project,
                    upload=image_form.cleaned_data["image"],
                    caption=image_form.cleaned_data["caption"],
                    added_by=request.user,
                )
            except services.CatalogError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The image was added."))
            return redirect("catalog:project_manage", pk=project.pk)
        status = 400
    missing = []
    if can_edit:
        missing = project.missing_for_submission()
    return render(
        request,
        "catalog/portal/project_manage.html",
        {"project": project, "can_edit": can_edit, "image_form": image_form, "missing": missing},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _own_project(request, pk, "catalog.edit_project")
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.catalog_project_update(
                project=project, data=_form_data(form), changed_by=request.user
            )
        except services.CatalogError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your changes are saved."))
        return redirect("catalog:project_manage", pk=project.pk)
    return render(request, "catalog/portal/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
def project_image_remove(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    project = _own_project(request, pk, "catalog.edit_project")
    image = get_object_or_404(ProjectImage, project=project, pk=image_pk)
    try:
        services.catalog_project_remove_image(image=image, removed_by=request.user)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The image was removed."))
    return redirect("catalog:project_manage", pk=project.pk)


@login_required
@require_POST
def project_propose(request: HttpRequest, pk: int) -> HttpResponse:
    project = _own_project(request, pk, "catalog.edit_project")
    try:
        services.catalog_project_propose(project=project, proposed_by=request.user)
    except services.CatalogError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Thank you. The WeGO Secretariat will review your project, usually within 10 "
                "working days, and e-mail you when it is in the catalog or if anything should "
                "change."
            ),
        )
    return redirect("catalog:project_manage", pk=project.pk)
