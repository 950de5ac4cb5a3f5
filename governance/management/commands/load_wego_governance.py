"""WeGO's governance as the 2020 annual report records it. Idempotent; run by load_wego_data.

From the report: the General Assembly (inaugural 2010, 4th in 2017 with WeGO's renewed mandate,
5th planned for Q3/Q4 2021), the Executive Committee (EXCOM 2020, the first online EXCOM, hosted
by the Moscow City Government in November 2020 under the theme "Rethinking Smart Cities: Agile
and Connected", 331 participants; it approved 14 local governments, 7 corporations and 5
institutions as new members and the Africa Regional Office in Abuja, and launched the 2030
Masterplan; EXCOM 2021 with the 5th General Assembly), the President of WeGO (the Mayor of
Seoul; the Acting Mayor in 2020) and the Secretariat in Seoul.

The report states none of WeGO's voting rules: the quorum (50 %) and proxy limit (one per
holder) loaded here are the portal's defaults, changed by the Secretariat in the back office.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from governance import services
from governance.enums import (
    BodyKind,
    MeetingFormat,
    MeetingStatus,
    Outcome,
    ResolutionAction,
    SeatRole,
    Visibility,
)
from governance.models import AgendaItem, Body, Meeting, MeetingDocument, Resolution, Seat
from members.models import Office, Organization

BODIES = [
    (
        BodyKind.GENERAL_ASSEMBLY,
        "General Assembly",
        "general-assembly",
        "All members with voting rights. It elects the President and the Executive Committee "
        "and renews WeGO's mandate.",
    ),
    (
        BodyKind.EXECUTIVE_COMMITTEE,
        "Executive Committee (EXCOM)",
        "executive-committee",
        "WeGO's main decision-making body: it supports and guides the Secretariat, approves new "
        "members and new regional offices.",
    ),
    (
        BodyKind.SECRETARIAT,
        "Secretariat",
        "secretariat",
        "Based in Seoul since 2014 and headed by the Secretary General.",
    ),
]

# The 26 new members the report's new-member table lists (approved by EXCOM 2020).
NEW_MEMBERS_2020 = [
    "Isfahan",
    "Tabriz",
    "Anyang",
    "Choibalsan",
    "Erdenet",
    "Sainshand",
    "Altai",
    "Rabat",
    "Bhadrapur",
    "Kankai",
    "Shivasatakshi",
    "Sunawarshi",
    "Wellington",
    "Abuja",
    "Asia Pacific Foundation of Canada",
    "Korea Internet & Security Agency",
    "Seoul Digital Foundation",
    "Healthy City Network of Mongolia",
    "Solar Impulse Foundation",
    "InsightAir",
    "WeavAir",
    "Breeze Technologies UG",
    "DamoGO",
    "FATOS Corporation",
    "UCWARE",
    "beCloud (Belarusian Cloud Technologies)",
]

EXCOM_2020_SUMMARY = (
    "The Moscow City Government hosted the first ever online WeGO Executive Committee meeting. "
    "Over 300 representatives from 124 local governments, corporations and institutions took "
    "part in the one-day program with open and closed sessions of the EXCOM, where new members "
    "were inducted, the new Africa Regional Office was approved and the 10-year strategic "
    "vision for WeGO was presented. A dedicated online platform let observers watch the live "
    "broadcast (viewed by 924 people). 24 session speakers; sponsors: beCloud and Seoul "
    "Business Agency."
)


class Command(BaseCommand):
    help = "Load WeGO's governing bodies, meetings and recorded decisions (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        bodies = {}
        for position, (kind, name, slug, description) in enumerate(BODIES):
            body, _created = Body.objects.get_or_create(
                kind=kind,
                defaults={
                    "name": name,
                    "slug": slug,
                    "description": description,
                    "voting_classes": ["full"] if kind == BodyKind.GENERAL_ASSEMBLY else [],
                    "position": position,
                },
            )
            bodies[kind] = body
        assembly = bodies[BodyKind.GENERAL_ASSEMBLY]
        excom = bodies[BodyKind.EXECUTIVE_COMMITTEE]

        seoul = Organization.objects.filter(name="Seoul", country="KR").first()
        moscow = Organization.objects.filter(name="Moscow", country="RU").first()
        if seoul and not Seat.objects.filter(body=excom, role=SeatRole.PRESIDENT).exists():
            services.seat_grant(
                body=excom,
                organization=seoul,
                role=SeatRole.PRESIDENT,
                starts_on=None,
                note="The President of WeGO is the Mayor of Seoul (in 2020, the Acting Mayor).",
                granted_by=None,
            )

        self._meeting(
            assembly,
            slug="general-assembly-2010",
            title="Inaugural WeGO General Assembly",
            number=1,
            year=2010,
            date_text="2010",
            summary="WeGO was founded in 2010 by 50 founding member cities.",
        )
        self._meeting(
            assembly,
            slug="general-assembly-2017",
            title="4th WeGO General Assembly",
            number=4,
            year=2017,
            date_text="2017",
            summary="The 4th General Assembly renewed WeGO's mandate.",
        )
        excom_2020 = self._meeting(
            excom,
            slug="excom-2020",
            title="WeGO EXCOM 2020",
            year=2020,
            date_text="November 2020",
            format=MeetingFormat.ONLINE,
            host=moscow,
            host_name="Moscow City Government",
            theme="Rethinking Smart Cities: Agile and Connected",
            participants=331,
            summary=EXCOM_2020_SUMMARY,
            event_title="WeGO EXCOM 2020",
        )
        self._meeting(
            assembly,
            slug="general-assembly-2021",
            title="5th WeGO General Assembly",
            number=5,
            year=2021,
            date_text="Q3/Q4 2021, date to be confirmed",
            status=MeetingStatus.PLANNED,
            summary="EXCOM 2021 will take place in conjunction with the 5th General Assembly.",
            event_title="5th WeGO General Assembly",
        )
        self._meeting(
            excom,
            slug="excom-2021",
            title="WeGO EXCOM 2021",
            year=2021,
            date_text="Q3 2021, with the 5th General Assembly",
            status=MeetingStatus.PLANNED,
            summary="EXCOM 2021 will take place in conjunction with the 5th General Assembly.",
        )
        decisions = self._excom_2020_decisions(excom, excom_2020)
        self.stdout.write(
            f"Governance: {Body.objects.count()} bodies, {Meeting.objects.count()} meetings, "
            f"{decisions} EXCOM 2020 decisions"
        )

    def _meeting(self, body, *, slug, event_title="", status=MeetingStatus.HELD, **fields):
        meeting = Meeting.objects.filter(slug=slug).first()
        if meeting is not None:
            return meeting
        from events.models import Event

        event = (
            Event.objects.filter(title=event_title, year=fields["year"]).first()
            if event_title
            else None
        )
        return Meeting.objects.create(
            body=body, slug=slug, status=status, event=event, is_public=True, **fields
        )

    def _excom_2020_decisions(self, excom, meeting) -> int:
        items = [
            "Approval of new members: 14 local governments, 7 corporations and 5 institutions",
            "Approval of the new Africa Regional Office in Abuja",
            "Launch of the WeGO 2030 Masterplan",
            "Presentation of solution packaging outcomes through WeGO's Smart City Driver",
        ]
        agenda = {}
        for position, title in enumerate(items, start=1):
            agenda[position], _ = AgendaItem.objects.get_or_create(
                meeting=meeting, position=position, defaults={"title": title}
            )
        masterplan, _ = MeetingDocument.objects.get_or_create(
            meeting=meeting,
            title="WeGO 2030 Masterplan",
            defaults={
                "agenda_item": agenda[3],
                "visibility": Visibility.PUBLIC,
                "publish_on": datetime.date(2020, 11, 1),
            },
        )
        decided = {"decided_on": datetime.date(2020, 11, 1), "date_text": "November 2020"}
        count = 0

        members = self._resolution(
            excom,
            meeting,
            agenda[1],
            title="Approval of 26 new members",
            text="The Executive Committee approves 14 local governments, 7 corporations and 5 "
            "institutions as new members of WeGO.",
        )
        if not hasattr(members, "decision"):
            decision = services.decision_record(
                resolution=members,
                outcome=Outcome.ADOPTED,
                recorded_by=None,
                carry_out=False,
                summary="The new members were inducted at EXCOM 2020.",
                figures={"date_text": decided["date_text"]},
                decided_on=decided["decided_on"],
            )
            admitted = Organization.objects.filter(name__in=NEW_MEMBERS_2020)
            decision.admitted_members.set(admitted)
        count += 1

        office = Office.objects.filter(slug="africa").first()
        if office is not None:
            resolution = self._resolution(
                excom,
                meeting,
                agenda[2],
                title="Approval of the Africa Regional Office in Abuja",
                text="The Executive Committee approves the new Africa Regional Office in Abuja, "
                "Nigeria.",
                action=ResolutionAction.APPROVE_OFFICE,
                office=office,
            )
            if not hasattr(resolution, "decision"):
                services.decision_record(
                    resolution=resolution,
                    outcome=Outcome.ADOPTED,
                    recorded_by=None,
                    figures={"date_text": decided["date_text"]},
                    decided_on=decided["decided_on"],
                )
            count += 1

        launch = self._resolution(
            excom,
            meeting,
            agenda[3],
            title="Launch of the WeGO 2030 Masterplan",
            text="The WeGO 2030 Masterplan, the organization's strategic direction over the next "
            "decade, is launched.",
            document=masterplan,
        )
        if not hasattr(launch, "decision"):
            services.decision_record(
                resolution=launch,
                outcome=Outcome.RECORDED,
                recorded_by=None,
                carry_out=False,
                summary="Presented and launched at EXCOM 2020 on the occasion of WeGO's 10th "
                "anniversary; shaped with an advisory board of seven experts.",
                figures={"date_text": decided["date_text"]},
                decided_on=decided["decided_on"],
            )
        return count + 1

    def _resolution(self, body, meeting, item, *, title, **fields) -> Resolution:
        resolution = Resolution.objects.filter(meeting=meeting, title=title).first()
        if resolution is None:
            resolution = Resolution.objects.create(
                body=body, meeting=meeting, agenda_item=item, title=title, **fields
            )
        return resolution
