import calendar as pycalendar
import csv
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from members.models import Organization
from wego_portal.caching import anonymous_page_cache, cached_fragment
from wego_portal.facets import facet_context, object_label, remove_filter_chip
from wego_portal.permissions import get_permitted_object_or_404
from wego_portal.ratelimits import limit
from wego_portal.spreadsheets import neutralise

from . import dates, ical, links, selectors, services
from .enums import (
    Attendance,
    Audience,
    DatePrecision,
    EventKind,
    EventProgram,
    RegistrationState,
    RegistrationStatus,
    When,
)
from .filters import EventFilter
from .forms import QuestionsForm, VisitorRegistrationForm
from .models import Event, EventRegistration

PAGE_SIZE = 20
CHIP_KEYS = ("q", "kind", "program", "year", "region", "country", "attendance", "recordings")
FEED_KEYS = ("kind", "program", "region", "country", "attendance", "host")


def _filters(request: HttpRequest, facets: dict, host: str) -> dict:
    """The list's filter context; ``host`` is the validated host filter (an invalid one is
    ignored by the filter set) and has a chip of its own."""
    context = facet_context(
        request, facets, CHIP_KEYS, labels={"recordings": _("With a recording")}
    )
    if host:
        name = object_label(Organization, "slug", host)
        context["selected"].append(
            remove_filter_chip(request, "host", _("Hosted by %(name)s") % {"name": name})
        )
    return context


def _when_tabs(request: HttpRequest) -> list[dict]:
    tabs = []
    for value, label in When.choices:
        query = request.GET.copy()
        query.pop("page", None)
        query["when"] = value
        tabs.append({"value": value, "label": label, "url": "?" + query.urlencode()})
    return tabs


def _feed_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in list(query):
        if key not in FEED_KEYS:
            query.pop(key)
    return query.urlencode()


@anonymous_page_cache(version=selectors.EVENTS_LIST_VERSION, prefix="events-list", timeout=60)
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events by default, the past archive, or all; filters with counts; paginated.

    The list itself (results, facets, pagination) is the same for everyone: it is rendered once
    per URL, language and version of the events and shared for a minute (the list moves with
    the clock and the registrations too), signed in or not.
    """
    when = request.GET.get("when")
    if when not in When.values:
        when = When.UPCOMING
    feed_query = _feed_query(request)
    feed_url = links.absolute_url(reverse("events:feed") + (f"?{feed_query}" if feed_query else ""))
    body = cached_fragment(
        request,
        version=selectors.events_list_version,
        prefix="events-list",
        timeout=60,
        render=lambda: render_to_string(
            "events/_list_body.html", _list_context(request, feed_url), request
        ),
    )
    return render(
        request,
        "events/list.html",
        {"body": body, "when": when, "when_tabs": _when_tabs(request), "feed_url": feed_url},
    )


def _list_context(request: HttpRequest, feed_url: str) -> dict:
    """The results, facets and pagination of the events list (the same for every visitor)."""
    filterset = EventFilter(request.GET, queryset=selectors.event_list_queryset())
    results = filterset.qs
    when = filterset.form.cleaned_data.get("when") or When.UPCOMING
    filters = sorted((key, value) for key, value in request.GET.lists() if key != "page")
    facets = selectors.event_facets(results, cache_key=urlencode(filters, doseq=True))
    paginator = Paginator(selectors.with_registration_counts(results), PAGE_SIZE)
    paginator.count = facets.pop("total")  # already counted with the facets
    page = paginator.get_page(request.GET.get("page"))
    host = filterset.form.cleaned_data.get("host") or ""
    return {
        "filter": filterset,
        "page": page,
        "facets": facets,
        "when": when,
        **_filters(request, facets, host),
        "recordings": request.GET.get("recordings") in ("on", "true", "1"),
        "host": host,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[-1],
        "kinds": EventKind,
        "programs": EventProgram,
        "now": timezone.now(),
    }


def _registration_box(request: HttpRequest, event: Event, form=None) -> dict:
    registration = selectors.registration_of(request.user, event)
    state = event.registration_state(confirmed=event.confirmed_count, waiting=event.waitlist_count)
    may_register = (
        request.user.has_perm("events.register", event)
        if request.user.is_authenticated
        else event.audience == Audience.PUBLIC
    )
    if (
        form is None
        and request.user.is_authenticated
        and (event.questions.all() or event.host_links.all())
    ):
        form = QuestionsForm(event=event)
    return {
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration else None,
        "state": state,
        "states": RegistrationState,
        "may_register": may_register,
        "form": form,
    }


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        event = selectors.event_for_detail(slug)
    except Event.DoesNotExist:
        raise Http404 from None
    hosts = [link.organization for link in event.host_links.all()]
    links_by_kind = list(event.links.all())
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "hosts": [org for org in hosts if org.is_public],
            "speakers": list(event.speakers.all()),
            "sponsors": list(event.sponsors.all()),
            "materials": links_by_kind,
            "recordings": [link for link in links_by_kind if link.kind == "recording"],
            "precisions": DatePrecision,
            "attendance": Attendance,
            **_registration_box(request, event),
        },
    )


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event's "add to calendar" file; only for an event whose day is known."""
    try:
        event = selectors.public_events().get(slug=slug)
    except Event.DoesNotExist:
        raise Http404 from None
    if not event.has_day:
        raise Http404(_("This event's day is not fixed yet."))
    response = HttpResponse(ical.event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def feed(request: HttpRequest) -> HttpResponse:
    """A subscribable feed of upcoming events, optionally filtered (kind, program, region…)."""
    data = request.GET.copy()
    data["when"] = When.ALL
    filterset = EventFilter(data, queryset=selectors.public_events())
    events = selectors.feed_events(filterset.qs)
    # The calendar's name names the valid filters only: an unknown value is ignored, as above.
    chosen = filterset.form.cleaned_data
    parts = [EventKind(value).label for value in chosen.get("kind") or []]
    if chosen.get("program"):
        parts.append(EventProgram(chosen["program"]).label)
    suffix = ", ".join(str(p) for p in parts if p)
    name = _("WeGO events") + (f" – {suffix}" if suffix else "")
    response = HttpResponse(
        ical.feed_calendar(events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="wego-events.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The events a person registered for, behind the secret address only they know."""
    try:
        _owner, registrations = selectors.personal_feed_registrations(token)
    except selectors.CalendarFeedToken.DoesNotExist:
        raise Http404 from None
    content = ical.personal_calendar(registrations, name=_("My WeGO events"))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-wego-events.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def month_redirect(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return redirect("events:month", year=today.year, month=today.month)


def month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """A month calendar: events on their days, and those that may fall in the month."""
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    found = selectors.month_events(year, month)
    by_day: dict[datetime.date, list[Event]] = {}
    for event in found["dated"]:
        if event.date_precision == DatePrecision.EXACT:
            zone = dates.zone_for(event.timezone)
            first = event.starts_at.astimezone(zone).date()
            last = (event.ends_at or event.starts_at).astimezone(zone).date()
        else:
            first, last = event.start_date, event.end_date or event.start_date
        day = first
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += datetime.timedelta(days=1)
    weeks = [
        [
            {"date": day, "in_month": day.month == month, "events": by_day.get(day, [])}
            for day in week
        ]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    first_day = datetime.date(year, month, 1)
    previous = first_day - datetime.timedelta(days=1)
    following = first_day + datetime.timedelta(days=32)
    return render(
        request,
        "events/month.html",
        {
            "weeks": weeks,
            "month_label": date_format(first_day, "YEAR_MONTH_FORMAT"),
            "weekdays": [date_format(weeks[0][i]["date"], "l") for i in range(7)],
            "dated": found["dated"],
            "undated": found["undated"],
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
        },
    )


# --- Registering -------------------------------------------------------------------------------


def _event_or_404(slug: str) -> Event:
    try:
        return selectors.event_for_registration(slug)
    except Event.DoesNotExist:
        raise Http404 from None


def _registered_message(request: HttpRequest, registration: EventRegistration) -> None:
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(
            request,
            _("You are registered for %(title)s. We have e-mailed you the details.")
            % {"title": registration.event.title},
        )
    else:
        messages.success(
            request,
            _(
                "The event is fully booked: you are on the waitlist (number %(position)s). "
                "If a place frees up it is yours, and we will e-mail you."
            )
            % {"position": selectors.waitlist_position(registration)},
        )


@login_required
@require_POST
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in person registers in one click (with the answers, if the event asks)."""
    event = _event_or_404(slug)
    form = QuestionsForm(request.POST, event=event)
    if not form.is_valid():
        return render(
            request,
            "events/register_member.html",
            {"event": event, "form": form},
            status=400,
        )
    try:
        registration = services.registration_create_for_user(
            event=event,
            user=request.user,
            answers=form.answers,
            share_with_hosts=form.share_with_hosts,
        )
    except services.AlreadyRegistered:
        messages.info(request, _("You are already registered for this event."))
    except services.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        _registered_message(request, registration)
    return redirect(event.get_absolute_url())


@require_http_methods(["GET", "POST"])
def register_visitor(request: HttpRequest, slug: str) -> HttpResponse:
    """A visitor registers with name, organization and e-mail, confirmed through a link."""
    event = _event_or_404(slug)
    if request.user.is_authenticated:
        return redirect(event.get_absolute_url())
    state = event.registration_state(confirmed=event.confirmed_count, waiting=event.waitlist_count)
    open_states = (RegistrationState.OPEN, RegistrationState.WAITLIST)
    if event.audience == Audience.MEMBERS or state not in open_states:
        return render(
            request,
            "events/register_unavailable.html",
            {"event": event, "state": state, "states": RegistrationState},
            status=403 if event.audience == Audience.MEMBERS else 200,
        )
    form = VisitorRegistrationForm(request.POST or None, event=event)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = limit(request, action="event_registration", key=form.cleaned_data["email"])
        if refusal:
            form.add_error(None, refusal.message)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_create_for_visitor(
                event=event,
                name=form.cleaned_data["name"],
                organization_name=form.cleaned_data["organization_name"],
                email=form.cleaned_data["email"],
                answers=form.answers,
                share_with_hosts=form.share_with_hosts,
            )
        except services.RegistrationError as exc:
            form.add_error(None, str(exc))
        else:
            request.session["events_visitor_email"] = form.cleaned_data["email"]
            return redirect("events:registration_sent", slug=event.slug)
    response = render(
        request,
        "events/register_visitor.html",
        {"event": event, "form": form, "state": state, "states": RegistrationState},
    )
    return refusal.apply(response) if refusal else response


def registration_sent(request: HttpRequest, slug: str) -> HttpResponse:
    event = _event_or_404(slug)
    email = request.session.get("events_visitor_email")
    if not email:
        return redirect(event.get_absolute_url())
    return render(
        request,
        "events/registration_sent.html",
        {"event": event, "email": email, "days": links.CONFIRM_MAX_AGE // 86400},
    )


@require_http_methods(["GET", "POST"])
def confirm_registration(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed confirmation link. GET asks (mail scanners open links); POST confirms."""
    try:
        claim = links.read_confirmation(token)
        registration = EventRegistration.objects.select_related("event").get(
            pk=claim.registration_id
        )
    except (links.InvalidLink, EventRegistration.DoesNotExist):
        return render(request, "events/link_invalid.html", status=400)
    if request.method == "POST":
        try:
            registration = services.registration_confirm_email(token=token)
        except services.InvalidLink:
            return render(request, "events/link_invalid.html", status=400)
        except services.RegistrationError as exc:
            return render(
                request,
                "events/registration_result.html",
                {"registration": registration, "error": str(exc)},
                status=409,
            )
        return render(
            request,
            "events/registration_result.html",
            {
                "registration": registration,
                "position": selectors.waitlist_position(registration),
                "cancel_url": links.cancellation_url(registration),
            },
        )
    if registration.is_active:
        return render(
            request,
            "events/registration_result.html",
            {
                "registration": registration,
                "position": selectors.waitlist_position(registration),
                "cancel_url": links.cancellation_url(registration),
            },
        )
    return render(
        request,
        "events/confirm.html",
        {"registration": registration, "share_with_hosts": bool(claim.share_version)},
    )


@require_http_methods(["GET", "POST"])
def cancel_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed cancellation link: no account needed. GET asks once; POST cancels."""
    try:
        registration = EventRegistration.objects.select_related("event").get(
            pk=links.read_cancellation(token)
        )
    except (links.InvalidLink, EventRegistration.DoesNotExist):
        return render(request, "events/link_invalid.html", status=400)
    if request.method == "POST" and registration.status != RegistrationStatus.CANCELLED:
        registration = services.registration_cancel(registration=registration)
        return render(request, "events/cancelled.html", {"registration": registration})
    if registration.status == RegistrationStatus.CANCELLED:
        return render(request, "events/cancelled.html", {"registration": registration})
    return render(request, "events/cancel.html", {"registration": registration})


@require_http_methods(["GET", "POST"])
def stop_sharing_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link that stops sharing a registration with the event's hosts: no account
    needed. GET asks (mail scanners open links); POST withdraws the consent."""
    try:
        registration = EventRegistration.objects.select_related("event").get(
            pk=links.read_sharing(token)
        )
    except (links.InvalidLink, EventRegistration.DoesNotExist):
        return render(request, "events/link_invalid.html", status=400)
    shared = services.registration_shared_with_hosts(registration)
    if request.method == "POST" and shared:
        services.registration_sharing_withdraw(registration=registration)
        return render(
            request, "events/sharing_stopped.html", {"registration": registration, "done": True}
        )
    if not shared:
        return render(request, "events/sharing_stopped.html", {"registration": registration})
    return render(request, "events/stop_sharing.html", {"registration": registration})


# --- Member portal -----------------------------------------------------------------------------


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    """My event registrations: status, waitlist place, cancel, my calendar feed."""
    registrations = list(selectors.registrations_of_user(request.user))
    now = timezone.now()
    upcoming = [r for r in registrations if r.event.window_end > now]
    past = [r for r in registrations if r.event.window_end <= now]
    feed_token = getattr(request.user, "event_feed_token", None)
    feed_url = (
        links.absolute_url(reverse("events:personal_feed", args=[feed_token.token]))
        if feed_token
        else ""
    )
    return render(
        request,
        "events/my_registrations.html",
        {
            "upcoming": upcoming,
            "past": past,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1] if feed_url else "",
            "statuses": RegistrationStatus,
            "hosts_events": selectors.events_hosted_for(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one of my registrations; anyone else's is "not found"."""
    registration = get_permitted_object_or_404(
        request.user,
        "events.cancel_registration",
        EventRegistration.objects.select_related("event"),
        pk=pk,
    )
    if request.method == "POST":
        if registration.status != RegistrationStatus.CANCELLED:
            services.registration_cancel(registration=registration, cancelled_by=request.user)
            messages.success(
                request,
                _("Your registration for %(title)s is cancelled.")
                % {"title": registration.event.title},
            )
        return redirect("events:my_registrations")
    return render(request, "events/cancel.html", {"registration": registration, "portal": True})


@login_required
@require_POST
def feed_token(request: HttpRequest) -> HttpResponse:
    """Create my calendar feed address, or replace it (``reset``) if it was shared."""
    if request.POST.get("reset"):
        services.calendar_feed_token_reset(user=request.user)
        messages.success(request, _("Your calendar address was replaced; the old one stopped."))
    else:
        services.calendar_feed_token_ensure(user=request.user)
        messages.success(request, _("Your personal calendar address is ready."))
    return redirect("events:my_registrations")


@login_required
def hosted_events(request: HttpRequest) -> HttpResponse:
    """Events hosted by the user's organizations, with the registrants who agreed to share
    their registration with the hosts (editors and primary contacts download the list)."""
    events = selectors.events_hosted_for(request.user)
    paginator = Paginator(events, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "events/hosted.html",
        {
            "page": page,
            "events": [
                (event, request.user.has_perm("events.export_shared_registrations", event))
                for event in page.object_list
            ],
        },
    )


@login_required
def hosted_registrations_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The hosts' export: only registrants whose consent to share is active (a withdrawal
    takes them out at once). Anyone who is not an editor of a host organization gets 404."""
    event = get_permitted_object_or_404(
        request.user, "events.export_shared_registrations", Event.objects.all(), slug=slug
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.write("\ufeff")  # the BOM makes Excel read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [_("Name"), _("Organization"), _("E-mail address"), _("Status"), _("Agreed to share on")]
    )
    for registration in selectors.registrations_shared_with_hosts(event):
        writer.writerow(
            [
                neutralise(registration.name),
                neutralise(registration.organization_name),
                neutralise(registration.email),
                registration.get_status_display(),
                registration.shared_since.isoformat(timespec="minutes"),
            ]
        )
    return response
