"""Load the "About WeGO" page and what WeGO's 2020 annual report says of its members' roles and
activities, for their public profiles. Idempotent; run by ``load_wego_data``.

Sources: the report (About WeGO, the greetings of the President and the Secretary General, the
10th anniversary, the 2030 Masterplan, the events of 2020) and ``members/data/coordinates.csv``
(each row names its source). Texts are in English; the Secretariat translates them in the back
office. Anything already filled in (by the Secretariat or by the member) is left as it is.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from events.models import Event, EventParticipant
from members import services
from members.enums import AboutEntryKind
from members.models import AboutEntry, AboutPage, Organization

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE = "WeGO 2020 annual report"

ABOUT = {
    "introduction": (
        "The World Smart Sustainable Cities Organization, established by 50 founding member "
        "cities in 2010, is an international association of city and other local governments, "
        "smart tech solution providers, and national and regional institutions committed to the "
        "transformation of cities into smart sustainable cities.\n\n"
        "WeGO's Secretariat is based in Seoul, Korea, with regional offices in East Asia "
        "(Chengdu, China), Eurasia (Ulyanovsk, Russia), the Mediterranean (Beyoglu, Turkey), "
        "Latin America (Mexico City, Mexico), and Africa (Abuja, Nigeria). WeGO serves its "
        "members as their international platform to improve the quality of life for their "
        "citizens, innovate in the delivery of public services, and strengthen regional "
        "competitiveness."
    ),
    "president_name": "Jeong Hyup Seo",
    "president_title": (
        "President of WeGO and Acting Mayor of Seoul (2020). WeGO's President is the Mayor of "
        "Seoul."
    ),
    "secretary_general_name": "Kyong-yul Lee",
    "secretary_general_title": "Secretary General of WeGO, at the head of the Secretariat in Seoul",
    "masterplan": (
        "On the occasion of WeGO's 10th anniversary, the WeGO 2030 Masterplan establishes the "
        "strategic direction of the organization over the next decade. It takes into account the "
        "evolving needs of smart sustainable cities and presents an action plan that articulates "
        "WeGO's new vision, mission and initiatives. It was launched at the Executive Committee "
        "meeting of 2020.\n\n"
        "WeGO will expand and diversify its activities by theme, format, sector and region to "
        "target cities of all sizes and stages of development as well as partners."
    ),
    "masterplan_vision": (
        "Smart sustainable cities for all: cities that ensure enduring economic, social and "
        "environmental sustainability by (i) exploiting the power of digital technologies, "
        "(ii) engaging city leaders and communities, (iii) integrating across sectors and "
        "disciplines, and (iv) accessing investment, to improve efficiency of urban operation "
        "and services, quality of life, and economic prosperity and services for their "
        "communities."
    ),
    "source": "WeGO 2020 annual report (About WeGO, Greetings, 10th anniversary, 2030 Masterplan)",
}

ENTRIES = [
    (
        AboutEntryKind.PILLAR,
        None,
        "Digital transformation of services",
        "Exploiting the power of digital technologies to enhance WeGO's services to its members "
        "and to secure faster, better, and cost-effective outcomes.",
    ),
    (
        AboutEntryKind.PILLAR,
        None,
        "Geographical and sectoral growth",
        "Expanding the membership and partnerships to ensure geographical representation and "
        "worldwide collaboration among members and partners that enables the transformation of "
        "cities to smart sustainable cities.",
    ),
    (
        AboutEntryKind.PILLAR,
        None,
        "Reform of governance, resourcing, and brand",
        "Strengthening the governance mechanisms across a growing network and establishing "
        "business models that bring new opportunities to members and partners.",
    ),
    (AboutEntryKind.ADVISER, None, "Jean-Francois Habeau", "Executive Director, FMDV"),
    (AboutEntryKind.ADVISER, None, "Kim Sae Young", "CEO, Seoul Housing Corporation"),
    (AboutEntryKind.ADVISER, None, "Bernadia Tjandradewi", "Secretary General, UCLG ASPAC"),
    (AboutEntryKind.ADVISER, None, "Chungha Cha", "CEO, Re-Cities"),
    (AboutEntryKind.ADVISER, None, "Kris Panday", "Director of Board of Directors, ADB"),
    (AboutEntryKind.ADVISER, None, "Philip Bane", "Managing Director, Smart Cities Council"),
    (AboutEntryKind.ADVISER, None, "JongHyun Yu", "Director, Gwangjin-gu Office"),
    (
        AboutEntryKind.MILESTONE,
        2010,
        "WeGO founded by 50 founding member cities",
        "Inaugural General Assembly.",
    ),
    (
        AboutEntryKind.MILESTONE,
        2011,
        "WeGO Awards established; WeGO's training programs begin",
        "The Feasibility Studies ran from 2010 to 2019.",
    ),
    (
        AboutEntryKind.MILESTONE,
        2014,
        "Opening of the WeGO Secretariat in Seoul",
        "And of the regional offices in Chengdu and Ulyanovsk Region.",
    ),
    (
        AboutEntryKind.MILESTONE,
        2017,
        "4th WeGO General Assembly and WeGO's renewed mandate",
        "Opening of the regional office in Beyoglu.",
    ),
    (AboutEntryKind.MILESTONE, 2018, "Opening of the regional office in Mexico City", ""),
    (
        AboutEntryKind.MILESTONE,
        2020,
        "WeGO's 10th anniversary",
        "4th WeGO Awards; the first online Executive Committee meeting (hosted by the Moscow City "
        "Government) launched the 2030 Masterplan and approved the Africa Regional Office in "
        "Abuja; the Smart City Driver and the Smart Health Responder were established.",
    ),
]

#: What the report says of a member that its profile shows (only where the profile is empty).
PROFILES = {
    ("Seoul", "KR"): {
        "description": (
            "Seoul hosts the WeGO Secretariat, and its Mayor is the President of WeGO (in 2020 "
            "the Acting Mayor, Jeong Hyup Seo). In 2020 the Seoul Metropolitan Government's "
            "Smart City Committee took part in the Webinar on CJK Smart Cities, and Seoul "
            "presented at the JICA seminar on the effects of COVID-19 on urban development."
        ),
        "leader_name": "Jeong Hyup Seo",
        "leader_title": "Acting Mayor (2020)",
        "leader_public": True,
    },
    ("Makati", "PH"): {
        "description": (
            "Makati received a special mention in the Efficient Government category of the "
            "4th WeGO Awards (2020) for The Makatizen Card Project, and presented at the JICA "
            "seminar on the effects of COVID-19 on urban development and the future of smart "
            "cities (October 2020)."
        ),
    },
}

#: Members the report names as taking part in an event of 2020 (event title, member, its part).
PARTICIPANTS = [
    (
        "JICA Seminar on Effects of COVID-19 on Urban Development and Future of Smart Cities",
        ("Seoul", "KR"),
        "Presentation",
    ),
    (
        "JICA Seminar on Effects of COVID-19 on Urban Development and Future of Smart Cities",
        ("Makati", "PH"),
        "Presentation",
    ),
    (
        "Webinar on CJK Smart Cities",
        ("Seoul", "KR"),
        "Session II: Seoul Metropolitan Government, Chairman of the Smart City Committee",
    ),
]


def _rows(name: str):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


class Command(BaseCommand):
    help = "Load the About WeGO page and the report's facts for member profiles. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        page = AboutPage.objects.first()
        if page is None:
            page = AboutPage(**ABOUT)
            page.president_organization = Organization.objects.filter(
                name="Seoul", country="KR"
            ).first()
            page.save()
            for position, (kind, year, title, text) in enumerate(ENTRIES, start=1):
                AboutEntry.objects.create(
                    page=page, kind=kind, year=year, title=title, text=text, position=position
                )
        profiles = 0
        for (name, country), facts in PROFILES.items():
            organization = Organization.objects.filter(name=name, country=country).first()
            if organization is None:
                continue
            changed = [f for f, v in facts.items() if not getattr(organization, f) and v]
            for field in changed:
                setattr(organization, field, facts[field])
            if changed:
                organization.save()
                profiles += 1
        for row in _rows("coordinates.csv"):
            organization = Organization.objects.filter(
                name=row["name"], country=row["country"], latitude__isnull=True
            ).first()
            if organization is not None:
                organization.latitude = Decimal(row["latitude"])
                organization.longitude = Decimal(row["longitude"])
                organization.save()
                profiles += 1
        linked = 0
        for position, (title, (name, country), role) in enumerate(PARTICIPANTS, start=1):
            event = Event.objects.filter(title=title, year=2020).first()
            organization = Organization.objects.filter(name=name, country=country).first()
            if event is None or organization is None:
                continue
            _link, created = EventParticipant.objects.get_or_create(
                event=event,
                organization=organization,
                defaults={"role": role, "position": position},
            )
            linked += created
        if profiles:
            services.directory_changed()
        self.stdout.write(
            f"About WeGO: {page.entries.count()} entries; member profiles: {profiles} updated; "
            f"event participants: {linked} added"
        )
