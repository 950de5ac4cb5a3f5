from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wego_portal.caching import anonymous_page_cache, cached_fragment
from wego_portal.facets import facet_context
from wego_portal.pagination import DeferredJoinPaginator
from wego_portal.permissions import get_permitted_object_or_404
from wego_portal.ratelimits import limit
from wego_portal.worldmap import location_map_svg, world_map_svg

from . import selectors, services
from .filters import DirectoryFilter
from .forms import (
    InviteColleagueForm,
    LogoForm,
    MembershipApplicationForm,
    OrganizationProfileForm,
    PhotoForm,
)
from .home import member_home
from .models import MembershipApplication, Office, Organization, fold

DIRECTORY_PAGE_SIZE = 24
FILTER_KEYS = ["q", "type", "region", "country", "office", "joined"]


@anonymous_page_cache(version=selectors.DIRECTORY_VERSION, prefix="members-directory")
def directory(request: HttpRequest) -> HttpResponse:
    body = cached_fragment(
        request,
        version=selectors.DIRECTORY_VERSION,
        prefix="members-directory",
        render=lambda: render_to_string(
            "members/_directory_body.html", _directory_context(request), request
        ),
    )
    return render(request, "members/directory.html", {"body": body})


def _directory_context(request: HttpRequest) -> dict:
    """The results, facets and pagination of the directory (the same for every visitor).

    On PostgreSQL a search runs apart from the other filters (``selectors.DirectorySearch``:
    a country's members are counted and listed from an index alone)."""
    filterset = DirectoryFilter(
        request.GET or None,
        queryset=selectors.directory_queryset(),
        search_apart=settings.USING_POSTGRES,
    )
    results = filterset.qs
    cleaned = getattr(filterset.form, "cleaned_data", {})
    search = None
    if filterset.search_apart and fold(cleaned.get("q") or ""):
        search = selectors.DirectorySearch(
            results,
            cleaned["q"],
            cleaned.get("sort") or "name",
            window=_page_window(request.GET.get("page"), DIRECTORY_PAGE_SIZE),
        )
    filters = sorted(
        (key, value) for key, value in request.GET.lists() if key not in {"page", "sort"}
    )
    facets = selectors.directory_facets(
        results, cache_key=urlencode(filters, doseq=True), search=search
    )
    if search is not None:
        paginator = Paginator(search, DIRECTORY_PAGE_SIZE)  # type: ignore[arg-type]  # a sequence of cards, not a list
    else:
        paginator = DeferredJoinPaginator(selectors.as_cards(results), DIRECTORY_PAGE_SIZE)
    paginator.count = facets.pop("total")  # already counted with the facets
    page = paginator.get_page(request.GET.get("page"))
    return {
        "filter": filterset,
        "page": page,
        **facet_context(request, facets, FILTER_KEYS),
        "sort": request.GET.get("sort", "name"),
        "sort_choices": filterset.filters["sort"].extra["choices"],
    }


#: Beyond any directory's last page: a bigger number asks for the last page, as Django's
#: paginator answers it (the window read with the counts is then simply empty).
_PAGE_BEYOND_ANY = 10**7


def _page_window(number: str | None, size: int) -> tuple[int, int]:
    """The rows of the page ``number`` asks for (the first page when it is not a number)."""
    try:
        page = min(max(1, int(number or 1)), _PAGE_BEYOND_ANY)
    except ValueError:
        page = 1
    return (page - 1) * size, page * size


def partners(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.partner_queryset(), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "members/partners.html", {"page": page})


def overview(request: HttpRequest) -> HttpResponse:
    by_country = selectors.members_by_country()
    world_map = world_map_svg(
        {row["code"]: row["count"] for row in by_country},
        title=_("Map of WeGO members by country"),
        noun=_("members"),
    )
    return render(
        request,
        "members/overview.html",
        {"overview": selectors.region_overview(), "by_country": by_country, "map": world_map},
    )


@anonymous_page_cache(version=selectors.profile_version, prefix="members-profile", timeout=60)
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's public profile. Everything below its heading is the same for everyone: it
    is rendered once per language and version (``selectors.profile_version``) and shared."""
    try:
        organization = selectors.organization_for_profile(slug)
    except Organization.DoesNotExist:
        raise Http404 from None
    sections = cached_fragment(
        request,
        version=selectors.profile_version,
        prefix="members-profile",
        timeout=selectors.PROFILE_SHARED_SECONDS,
        render=lambda: render_to_string(
            "members/_profile_sections.html", _profile_sections(organization), request
        ),
    )
    roles_key = f"members:roles:{selectors.profile_version()}:{get_language()}:{organization.pk}"
    return render(
        request,
        "members/profile.html",
        {
            "organization": organization,
            "can_edit": request.user.has_perm("members.edit_organization_profile", organization),
            "roles": cache.get_or_set(
                roles_key,
                lambda: selectors.wego_roles(organization),
                selectors.PROFILE_SHARED_SECONDS,
            ),
            "sections": sections,
        },
    )


def _profile_sections(organization: Organization) -> dict:
    from events.selectors import events_attended_by

    return {
        "organization": organization,
        "program_outcomes": selectors.public_program_outcomes(organization),
        "events_attended": events_attended_by(organization),
        "photos": list(organization.photos.all()),
        "location_map": location_map_svg(
            country=organization.country.code if organization.country else "",
            latitude=organization.latitude,
            longitude=organization.longitude,
            title=_("Where %(name)s is") % {"name": organization.name},
        ),
    }


def about(request: HttpRequest) -> HttpResponse:
    """ "About WeGO": the page the Secretariat keeps in the back office (404 until it exists)."""
    page = selectors.about_page()
    if page is None:
        raise Http404
    return render(request, "members/about.html", {"page": page})


def offices(request: HttpRequest) -> HttpResponse:
    return render(request, "members/offices.html", {"offices": selectors.offices_with_counts()})


def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    office = get_object_or_404(Office, slug=slug)
    members = selectors.directory_queryset().filter(office=office)
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/office_detail.html", {"office": office, "page": page})


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = MembershipApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        refusal = limit(request, action="join", key=form.cleaned_data["contact_email"])
        if refusal:
            form.add_error(None, refusal.message)
            return refusal.apply(render(request, "members/join.html", {"form": form}))
        try:
            application = services.membership_application_submit(data=form.cleaned_data)
        except services.DuplicateMemberError as exc:
            if exc.organization:
                form.add_error(
                    "organization_name",
                    format_html(
                        _(
                            '{name} is already a WeGO member. <a href="{url}">See its profile</a>, '
                            "or ask its primary contact to invite you."
                        ),
                        name=exc.organization.name,
                        url=exc.organization.get_absolute_url(),
                    ),
                )
            else:
                form.add_error(
                    "organization_name",
                    _(
                        "An application for this organization is already being reviewed. "
                        "The secretariat will contact you."
                    ),
                )
        else:
            request.session["membership_application_id"] = application.pk
            return redirect("members:join_submitted")
    return render(request, "members/join.html", {"form": form})


def join_submitted(request: HttpRequest) -> HttpResponse:
    application_id = request.session.get("membership_application_id")
    if not application_id:
        return redirect("members:join")
    application = get_object_or_404(MembershipApplication, pk=application_id)
    return render(request, "members/join_submitted.html", {"application": application})


# --- Member portal -----------------------------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member home, where sign-in lands: what needs attention now, each with its action."""
    home = member_home(request.user)
    return render(
        request,
        "members/dashboard.html",
        {"home": home, "organizations": home.organizations, "now": timezone.now()},
    )


@login_required
def welcome(request: HttpRequest) -> HttpResponse:
    """Where an invitation ends once the password is set: who you act for, and next steps."""
    home = member_home(request.user)
    return render(
        request, "members/welcome.html", {"home": home, "organizations": home.organizations}
    )


def _organization_for(request, slug: str, permission: str) -> Organization:
    return get_permitted_object_or_404(
        request.user, permission, Organization.objects.select_related("office"), slug=slug
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization_for(request, slug, "members.edit_organization_profile")
    form = OrganizationProfileForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        with transaction.atomic():
            services.organization_update_profile(
                organization=Organization.objects.select_for_update().get(pk=organization.pk),
                changed_by=request.user,
                data=data,
            )
        messages.success(request, _("Your public profile has been updated."))
        return redirect("members:portal_organization", slug=organization.slug)
    return render(
        request, "members/profile_edit.html", {"organization": organization, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def logo_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization_for(request, slug, "members.edit_organization_profile")
    form = LogoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.organization_set_logo(
            organization=organization, upload=form.cleaned_data["logo"], changed_by=request.user
        )
        messages.success(request, _("Your logo has been updated."))
        return redirect("members:portal_organization", slug=organization.slug)
    return render(request, "members/logo_edit.html", {"organization": organization, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def photos_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The member's public gallery: add a photo (with what it shows) or remove one."""
    organization = _organization_for(request, slug, "members.edit_organization_profile")
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_add_photo(
                organization=organization,
                upload=form.cleaned_data["image"],
                alt_text=form.cleaned_data["alt_text"],
                caption=form.cleaned_data["caption"],
                added_by=request.user,
            )
        except services.MembershipError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The photo is in your gallery."))
            return redirect("members:photos_edit", slug=organization.slug)
    return render(
        request,
        "members/photos_edit.html",
        {
            "organization": organization,
            "form": form,
            "photos": organization.photos.all(),
            "max_photos": services.MAX_PHOTOS,
        },
    )


@login_required
@require_POST
def photo_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = _organization_for(request, slug, "members.edit_organization_profile")
    photo = get_object_or_404(organization.photos.all(), pk=pk)
    services.organization_remove_photo(photo=photo, removed_by=request.user)
    messages.success(request, _("The photo was removed."))
    return redirect("members:photos_edit", slug=organization.slug)


@login_required
def portal_organization(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization_for(request, slug, "members.act_for_organization")
    people = organization.people.select_related("user").order_by("role", "user__email")
    return render(
        request,
        "members/portal_organization.html",
        {
            "organization": organization,
            "people": people,
            "can_edit": request.user.has_perm("members.edit_organization_profile", organization),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite_colleague(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization_for(request, slug, "members.invite_to_organization")
    form = InviteColleagueForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = limit(request, action="invite_colleague", key=form.cleaned_data["email"])
        if refusal:
            form.add_error(None, refusal.message)
    if request.method == "POST" and form.is_valid():
        services.organization_add_person(
            organization=organization,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            role=form.cleaned_data["role"],
            invited_by=request.user,
        )
        messages.success(
            request,
            _("We have e-mailed %(email)s an invitation to join %(org)s in the portal.")
            % {"email": form.cleaned_data["email"], "org": organization.name},
        )
        return redirect("members:portal_organization", slug=organization.slug)
    response = render(request, "members/invite.html", {"organization": organization, "form": form})
    return refusal.apply(response) if refusal else response
