"""Load WeGO's programs, their calls and the 2020 Project Implementer result. Idempotent.

Facts come from WeGO's 2020 annual report (see ../shared/DOMAIN.md, "Programs"). Anything
already present is left as it is (the program pages are edited in the back office afterwards),
so running the command twice changes nothing.
"""

import csv
import datetime
import zoneinfo
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from members.enums import MemberType, OrganizationStatus, Region
from members.models import Organization
from programs import services
from programs.enums import ApplicationKind, ApplicationStatus
from programs.models import Call, Program, ProgramSection, SmartCityArea

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
MEMBERS_CSV = Path(__file__).resolve().parents[3] / "members" / "data" / "organizations.csv"

PROGRAMS = [
    {
        "slug": "smart-city-driver",
        "name": "Smart City Driver",
        "position": 1,
        "all_areas": True,
        "summary": (
            "An overarching strategic digitization framework that helps cities plan, finance "
            "and deploy their smart sustainable city projects on a citywide scale."
        ),
        "description": (
            "The WeGO Smart City Driver helps member cities move from an idea to a project: "
            "identify their urban challenges, design solution packages, find the partners "
            "and the finance, and deploy.\n\n"
            "It covers 16 areas, from agriculture to e-government, and rests on the WeGO "
            "Activator, an online platform for applying, planning and sharing."
        ),
        "sections": [
            (
                "WeGO Activator",
                "The WeGO Activator is the collaborative online platform at the base of the "
                "Smart City Driver. It has three functions:\n\n"
                "Discover: streamline the application process for the Solution Finder and "
                "the Project Implementer.\n\n"
                "Plan: identify project stakeholders to plan, execute, monitor and evaluate "
                "smart city projects.\n\n"
                "Exchange: share and benchmark best practices through a global directory of "
                "smart city projects.",
            ),
            (
                "Solution Finder",
                "The Solution Finder helps cities identify their urban challenges, design their "
                "own solution packages, and connect with smart city consultants, tech companies, "
                "development aid agencies and other strategic partners that can help develop "
                "and implement smart city projects.\n\n"
                "1. After consulting the Activator Exchange and other platforms, the city "
                "prepares and submits the Solution Finder application form.\n\n"
                "2. WeGO reviews the information submitted and presents its preliminary "
                "feedback.\n\n"
                "3. After all clarifications are made with the city, WeGO connects it with "
                "relevant strategic partners.\n\n"
                "4. With WeGO's support, the city works with the selected partners to develop "
                "and implement the solution package as physical projects.",
            ),
            (
                "Workshops in 2020",
                "Introducing the WeGO Smart City Driver, online workshop (27 August 2020).\n\n"
                "Online open demonstration sessions (17-18 September 2020).\n\n"
                "One-to-one online workshop week (21-27 September 2020).\n\n"
                "Designing your own solution packages, online workshop (17 November 2020).",
            ),
        ],
    },
    {
        "slug": "project-implementer",
        "name": "Project Implementer",
        "position": 2,
        "all_areas": False,
        "summary": (
            "Financial support and technical assistance for a selected member city's smart "
            "city project, from the feasibility study to a pilot project."
        ),
        "description": (
            "Formerly the Smart Sustainable City Feasibility Study Program (“F/S”), the WeGO "
            "Project Implementer selects project proposals submitted by member cities and "
            "provides financial support and technical assistance to beneficiary cities, to "
            "help their transformation into smart sustainable cities. Cities co-fund their "
            "project."
        ),
        "sections": [
            (
                "How it works",
                "1. Cities submit project proposals through Activator Discover.\n\n"
                "2. WeGO reviews the applications and selects a beneficiary city.\n\n"
                "3. WeGO selects the consulting company that will implement the project.\n\n"
                "4. The feasibility study and the pilot project are conducted in the "
                "beneficiary city.",
            ),
            (
                "2020",
                "Cauayan City (Philippines) was selected in February 2020 as the final "
                "beneficiary city of the Project Implementer 2020. Because of COVID-19, the "
                "selection of the solution provider and the execution of the project were "
                "postponed to 2021.",
            ),
        ],
    },
    {
        "slug": "smart-health-responder",
        "name": "Smart Health Responder",
        "position": 3,
        "all_areas": False,
        "summary": (
            "An information platform sharing worldwide best practices in addressing and "
            "managing public health challenges such as COVID-19."
        ),
        "description": (
            "Launched in response to the COVID-19 pandemic, the Smart Health Responder shares "
            "information, campaigns and best practices with WeGO's members, partners and "
            "stakeholders. It has three components: the Data Portal, the Knowledge Hub and "
            "Smart Health Assistance."
        ),
        "sections": [
            (
                "Data Portal",
                "Policies and strategies from governments that have slowed the spread of "
                "COVID-19; cities share their initiatives using the downloadable template. "
                "Statistics, data, noteworthy report findings with partners, general research.",
            ),
            (
                "Knowledge Hub",
                "Upcoming and archived webinars by WeGO and its partners on public health "
                "policies and smart city development, profiles of member cities, and "
                "capacity-building material and tools.",
            ),
            (
                "Smart Health Assistance",
                "A directory of companies manufacturing medical supplies related to COVID-19, "
                "training programs and solution providers. Anyone may contact WeGO with an "
                "inquiry about COVID-19 and medical equipment.",
            ),
            (
                "Webinars in 2020",
                "Part 1: Sharing COVID-19 measures with local governments, smart tech solution "
                "providers and healthcare professionals (May 2020, 141 participants).\n\n"
                "Part 2: Exploring effects and results of COVID-19 in the Americas (July 2020, "
                "145 participants).\n\n"
                "Part 3: Citizen participation, (re)connection in the new reality (November "
                "2020, 120 participants).",
            ),
        ],
    },
]

CAUAYAN_NOTE = (
    "Selected as the beneficiary city of the Project Implementer 2020 in February 2020 "
    "(WeGO 2020 annual report). Because of COVID-19, the selection of the solution provider "
    "and the execution of the project were postponed to 2021."
)


class Command(BaseCommand):
    help = "Load WeGO's programs, calls and the 2020 Project Implementer result. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        programs = {spec["slug"]: self._program(spec) for spec in PROGRAMS}
        calls = self._calls(programs)
        self._cauayan(calls["project-implementer-2020"])
        self.stdout.write(
            f"Programs: {Program.objects.count()}, calls: {Call.objects.count()} "
            f"(open now: {sum(1 for c in Call.objects.all() if c.is_open())})"
        )

    def _program(self, spec: dict) -> Program:
        program, created = Program.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "summary": spec["summary"],
                "description": spec["description"],
                "position": spec["position"],
            },
        )
        if created:
            if spec["all_areas"]:
                program.areas.set(SmartCityArea.objects.all())
            ProgramSection.objects.bulk_create(
                ProgramSection(program=program, title=title, body=body, position=n)
                for n, (title, body) in enumerate(spec["sections"], start=1)
            )
        return program

    def _calls(self, programs: dict[str, Program]) -> dict[str, Call]:
        local_governments = [MemberType.LOCAL_GOVERNMENT.value]
        now = timezone.now()
        closes = datetime.datetime.combine(
            timezone.localdate(now, SEOUL) + datetime.timedelta(days=60),
            datetime.time(23, 59),
            tzinfo=SEOUL,
        )
        specs = [
            {
                "slug": "project-implementer-2020",
                "program": programs["project-implementer"],
                "title": "Project Implementer 2020",
                "kind": ApplicationKind.PROJECT_IMPLEMENTER,
                "opens_at": None,
                # The report gives only the selection month: the round closed before the
                # beneficiary was selected in February 2020 (exact dates not recorded).
                "closes_at": datetime.datetime(2020, 2, 1, tzinfo=SEOUL),
                "dates_note": "Closed before February 2020 (exact dates not recorded)",
                "description": (
                    "The 2020 round of the Project Implementer. Cauayan City (Philippines) was "
                    "selected as the beneficiary city in February 2020."
                ),
            },
            {
                "slug": "solution-finder",
                "program": programs["smart-city-driver"],
                "title": "Solution Finder",
                "kind": ApplicationKind.SOLUTION_FINDER,
                "opens_at": None,
                "closes_at": None,
                "dates_note": "",
                "description": (
                    "Tell WeGO about your city's urban challenges and the solution package you "
                    "have in mind. WeGO reviews it, gives preliminary feedback and, after "
                    "clarifications, connects your city with consultants, tech companies, "
                    "development aid agencies and other strategic partners. Open all year."
                ),
            },
            {
                "slug": "project-implementer-2021",
                "program": programs["project-implementer"],
                "title": "Project Implementer 2021",
                "kind": ApplicationKind.PROJECT_IMPLEMENTER,
                # Loaded as open: closes 60 days after the first load (23:59 Seoul time), and
                # is never moved by a later load.
                "opens_at": now,
                "closes_at": closes,
                "dates_note": "",
                "description": (
                    "Member cities propose a smart city project they will co-fund. WeGO selects "
                    "a beneficiary city and a consulting company; the feasibility study and a "
                    "pilot project are conducted in the beneficiary city. Attach a supporting "
                    "letter of the mayor or authority confirming the co-funding."
                ),
            },
        ]
        calls: dict[str, Call] = {}
        for spec in specs:
            slug = str(spec.pop("slug"))
            call, _created = Call.objects.get_or_create(
                slug=slug, defaults={**spec, "eligible_member_types": local_governments}
            )
            calls[slug] = call
        return calls

    def _cauayan(self, call: Call) -> None:
        organization = Organization.objects.filter(
            country="PH", name__in=["Cauayan", "Cauayan City"]
        ).first()
        if organization is None:
            if self._cauayan_in_member_data():
                self.stdout.write(
                    self.style.WARNING(
                        "Cauayan is not loaded yet: run load_wego_data (members first) to "
                        "record it as the Project Implementer 2020 beneficiary."
                    )
                )
                return
            # Not in the member data set: the 2020 annual report names Cauayan City
            # (Philippines) as the Project Implementer 2020 beneficiary city, so it is a member.
            from members.services import (
                directory_changed,
                office_for_region,
                organization_unique_slug,
            )

            organization = Organization.objects.create(
                name="Cauayan City",
                slug=organization_unique_slug("Cauayan City", "PH"),
                member_type=MemberType.LOCAL_GOVERNMENT,
                country="PH",
                region=Region.ASIA_PACIFIC,
                city="Cauayan",
                status=OrganizationStatus.ACTIVE,
                office=office_for_region(Region.ASIA_PACIFIC, "PH"),
            )
            directory_changed()
        services.application_record_result(
            call=call,
            organization=organization,
            status=ApplicationStatus.BENEFICIARY_SELECTED,
            decided_at=datetime.datetime(2020, 2, 1, tzinfo=SEOUL),
            note=CAUAYAN_NOTE,
        )

    @staticmethod
    def _cauayan_in_member_data() -> bool:
        if not MEMBERS_CSV.exists():
            return False
        with MEMBERS_CSV.open(encoding="utf-8", newline="") as handle:
            return any(
                row["country"] == "PH" and row["name"] in {"Cauayan", "Cauayan City"}
                for row in csv.DictReader(handle)
            )
