"""Demo data for the demo accounts (DEBUG only): things to look at for every role.

Everything goes through the apps' services, so the demo behaves like real use. Idempotent:
each step first looks for what it would create, so running ``make run`` twice adds nothing
(and sends no second e-mail).
"""

import datetime
import zoneinfo
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

# A minimal, valid one-page PDF (the demo "attachment").
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_EVENT_SLUG = "demo-smart-city-webinar-2027"
DEMO_EDITION = {"number": 5, "year": 2027}
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _seoul_day(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``days`` from today at ``hour``:``minute``, Seoul time (where the Secretariat works)."""
    day = timezone.localdate(timezone.now(), SEOUL) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SEOUL)


def _org(user):
    membership = user.organization_roles.select_related("organization").first()
    return membership.organization if membership else None


def _pdf(name: str) -> ContentFile:
    return ContentFile(DEMO_PDF, name=name)


def _fill_project_implementer(application, user) -> None:
    from programs import services
    from programs.models import SmartCityArea

    org = application.organization.name
    areas = SmartCityArea.objects.order_by("position")[:2]
    answers: dict[str, dict[str, Any]] = {
        "project": {
            "title": f"{org} smart mobility pilot",
            "summary": f"Real-time traffic signals and open mobility data for {org}.",
        },
        "objectives": {
            "objectives": "Cut average commute times and publish mobility data.",
            "areas": areas,
            "expected_impact": "15% shorter commutes on the pilot corridors.",
        },
        "budget": {"total_budget": 800_000, "cofunding_amount": 400_000, "currency": "USD"},
        "plan": {"implementation_plan": "Feasibility study in 2027, pilot in 2028."},
        "letter": {"mayor_letter": _pdf("mayor-letter.pdf")},
    }
    for key, data in answers.items():
        services.application_section_save(
            application=application, section_key=key, data=data, saved_by=user
        )


def _programs(users: dict, out: list[str]) -> None:
    from programs import services
    from programs.enums import ApplicationStatus
    from programs.models import Application, Call

    secretariat = users["secretariat"]
    submit_call = Call.objects.filter(slug="project-implementer-2021").first()
    draft_call = Call.objects.filter(slug="solution-finder").first()
    for key in ("seoul", "makati"):
        user = users[key]
        org = _org(user)
        if org is None:
            continue
        if submit_call is not None:
            application = Application.objects.filter(call=submit_call, organization=org).first()
            if application is None and submit_call.is_open():
                application = services.application_start(
                    call=submit_call, organization=org, started_by=user
                )
                _fill_project_implementer(application, user)
                application = services.application_submit(
                    application=application, submitted_by=user
                )
                if key == "seoul":
                    # Seoul has a question from WeGO waiting on its member home.
                    application = services.application_start_review(
                        application=application, by=secretariat
                    )
                    services.application_request_clarification(
                        application=application,
                        by=secretariat,
                        questions=(
                            "Please confirm the city's co-funding share for the feasibility "
                            "study, and attach the council decision if it has been taken."
                        ),
                    )
                    application.refresh_from_db()
            if application is not None and application.status != ApplicationStatus.DRAFT:
                services.review_assign(
                    application=application, reviewer=secretariat, assigned_by=secretariat
                )
                out.append(
                    f"  {org.name}: application {application.reference} "
                    f"({application.get_status_display()}), secretariat reviews it"
                )
        if draft_call is not None:
            draft = Application.objects.filter(call=draft_call, organization=org).first()
            if draft is None and draft_call.is_open():
                draft = services.application_start(
                    call=draft_call, organization=org, started_by=user
                )
                services.application_section_save(
                    application=draft,
                    section_key="challenges",
                    data={"urban_challenges": "Flooding in low-lying districts."},
                    saved_by=user,
                )
            if draft is not None:
                out.append(f"  {org.name}: Solution Finder {draft.get_status_display().lower()}")


def _upcoming_event():
    from events import services
    from events.enums import (
        Attendance,
        DatePrecision,
        EventKind,
        EventStatus,
        RegistrationMode,
    )
    from events.models import Event

    now = timezone.now()
    event = (
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            registration=RegistrationMode.OPEN,
            starts_at__gt=now,
        )
        .order_by("starts_at")
        .first()
    )
    if event is not None:
        return event
    event = Event.objects.filter(slug=DEMO_EVENT_SLUG).first()
    if event is not None:
        return event
    starts = _seoul_day(30, 10)
    event = Event(
        title="Smart City Webinar: Data for Climate Resilience",
        slug=DEMO_EVENT_SLUG,
        status=EventStatus.PUBLISHED,
        kind=EventKind.WEBINAR,
        attendance=Attendance.ONLINE,
        date_precision=DatePrecision.EXACT,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        year=starts.year,
        timezone="Asia/Seoul",
        summary="How member cities use open data to prepare for floods and heat waves.",
        join_url="https://meet.example.org/wego-climate-data-webinar",
        registration=RegistrationMode.OPEN,
        capacity=100,
        waitlist_enabled=True,
    )
    return services.event_save(event=event)


def _events(users: dict, out: list[str]) -> None:
    from events import services
    from events.models import EventRegistration

    event = _upcoming_event()
    for key in ("seoul", "makati"):
        user = users[key]
        registration = EventRegistration.objects.filter(event=event, user=user).first()
        if registration is None:
            registration = services.registration_create_for_user(event=event, user=user)
        out.append(
            f"  {user.email}: {registration.get_status_display().lower()} for “{event.title}”"
        )


def _edition():
    from awards.enums import Stage
    from awards.models import Category, Edition

    now = timezone.now()
    edition = Edition.objects.filter(number=DEMO_EDITION["number"]).first()
    if edition is None:
        edition = Edition.objects.create(
            **DEMO_EDITION,
            theme="Smart cities for all",
            description="The demo edition of the WeGO Awards (2026/2027), open for entries.",
            is_public=True,
            stage=Stage.OPEN,
            max_entries_per_city=3,
            entries_open_at=now - datetime.timedelta(days=1),
            entries_close_at=_seoul_day(90, 23, 59),
        )
        for position, name in enumerate(
            ["Open Government", "Safe City", "Smart Mobility"], start=1
        ):
            Category.objects.create(
                edition=edition,
                name=name,
                slug=name.lower().replace(" ", "-"),
                position=position,
            )
    return edition


def _awards(users: dict, out: list[str]) -> None:
    from awards import services
    from awards.models import Entry

    edition = _edition()
    categories = list(edition.categories.order_by("position"))
    for n, key in enumerate(("seoul", "makati")):
        user = users[key]
        org = _org(user)
        if org is None or not categories:
            continue
        entry = Entry.objects.filter(edition=edition, organization=org).first()
        if entry is None and edition.accepts_entries():
            entry = services.entry_create(
                edition=edition,
                organization=org,
                category=categories[n % len(categories)],
                created_by=user,
                data={
                    "project_title": f"{org.name} open data dashboard",
                    "summary": "A public dashboard of the city's services and budgets.",
                    "problem": "Citizens could not follow how services perform.",
                    "solution": "One dashboard fed by every department's open data.",
                    "ict_used": "Open API, cloud hosting, data visualisation.",
                    "results_impact": "200,000 visits a month; complaints down a third.",
                    "started_on": datetime.date(2024, 3, 1),
                },
            )
            entry = services.entry_submit(entry=entry, submitted_by=user)
        if entry is not None:
            out.append(f"  {org.name}: award entry “{entry.project_title}” ({entry.status})")


DEMO_APPLICANT = "Demo Smart Town"


def _governance(users: dict, out: list[str]) -> None:
    """Seoul's and Makati's demo users become their voting delegates; Makati gets a demo seat on
    the Executive Committee (Seoul holds the Presidency in the WeGO data); the Secretariat opens
    a written-procedure vote on a demo membership request."""
    from governance import services
    from governance.enums import BodyKind, ResolutionAction, SeatRole, VoteStatus
    from governance.models import Body, Resolution, Seat, Vote
    from members import services as members_services
    from members.models import MembershipApplication

    excom = Body.objects.filter(kind=BodyKind.EXECUTIVE_COMMITTEE).first()
    if excom is None:
        return
    secretariat = users["secretariat"]
    for key in ("seoul", "makati"):
        user, org = users[key], _org(users[key])
        if org is None:
            continue
        services.delegate_name(organization=org, user=user, named_by=user)
        if not Seat.objects.filter(body=excom, organization=org).exists():
            services.seat_grant(
                body=excom,
                organization=org,
                role=SeatRole.MEMBER,
                starts_on=timezone.localdate(),
                note="Demo seat (demo accounts)",
                granted_by=secretariat,
            )
        out.append(f"  {user.email}: voting delegate of {org.name}")
    application = MembershipApplication.objects.filter(organization_name=DEMO_APPLICANT).first()
    if application is None:
        application = members_services.membership_application_submit(
            data={
                "organization_name": DEMO_APPLICANT,
                "member_type": "local_government",
                "country": "PH",
                "city": DEMO_APPLICANT,
                "contact_name": "Demo Contact",
                "contact_email": "contact@demo-smart-town.example",
                "motivation": "A demo membership request for the demo accounts.",
            }
        )
    resolution = Resolution.objects.filter(membership_applications=application).first()
    if resolution is None:
        resolution = Resolution.objects.create(
            body=excom,
            title=f"Approval of {DEMO_APPLICANT} as a member",
            text=f"The Executive Committee approves {DEMO_APPLICANT} as a member of WeGO.",
            action=ResolutionAction.APPROVE_MEMBERSHIP,
            written_procedure=True,
        )
        resolution.membership_applications.add(application)
    vote = Vote.objects.filter(resolution=resolution).first()
    if vote is None:
        vote = Vote.objects.create(
            resolution=resolution,
            opens_at=timezone.now(),
            closes_at=_seoul_day(7, 18),
            secret=True,
        )
    if vote.status == VoteStatus.DRAFT:
        services.vote_open(vote=vote, opened_by=secretariat, expected_status=VoteStatus.DRAFT)
    out.append(f"  Written-procedure vote “{resolution.title}”: {vote.get_status_display()}")


def demo_data_create(*, users: dict) -> list[str]:
    """Create the demo applications, registrations and award entries; return summary lines.

    ``users`` maps "secretariat", "seoul" and "makati" to the demo users. Side effects: the
    services' own (receipts and notices are queued once, as in real use).
    """
    out: list[str] = []
    _programs(users, out)
    _events(users, out)
    _awards(users, out)
    _governance(users, out)
    return out
