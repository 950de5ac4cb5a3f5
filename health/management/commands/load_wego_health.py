"""Load what WeGO's 2020 annual report says of the Smart Health Responder. Idempotent.

The report ("Smart Health Responder", "Quarter 4" and the President's greeting) names one tool
per component: the WeGO Open Data Dashboard (Data Portal), the WeGO Health Feed (Knowledge Hub)
and the WeGO Health Solution Challenge (Smart Health Assistance); it lists the regional offices
among the Knowledge Hub's sources, and the WeGO-NIA-AfDB joint online course and the online smart
city capacity-building training as WeGO's training of 2020. These become Knowledge Hub materials,
described only with the report's words. Their address is WeGO's website as the report gives it
(``www.we-gov.org``, where it says the full report, the Data Portal's template and the webinars
are); the report gives no deeper address. The three webinars
are events (``load_wego_events``) and the Knowledge Hub lists them from there. The report names
no city initiative and no supplier, so none is created.

A material edited in the back office is left as it is (found by its title).
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext_noop

from health.enums import HealthTopic, MaterialKind
from health.models import Material
from wego_portal.i18n import translated_columns

SOURCE = "WeGO"
#: The only address the report gives: WeGO's website.
WEGO_WEBSITE = "https://www.we-gov.org/"

MATERIALS = [
    {
        "title": gettext_noop("WeGO Open Data Dashboard"),
        "kind": MaterialKind.WEBSITE,
        "topic": HealthTopic.DATA_DASHBOARDS,
        "description": gettext_noop(
            "The Data Portal's tool, as the 2020 annual report names it. The Data Portal pools "
            "policies and strategies from governments that have slowed the spread of COVID-19, "
            "with statistics, data, noteworthy report findings with partners, and general "
            "research."
        ),
        "published_on": None,
    },
    {
        "title": gettext_noop("WeGO Health Feed"),
        "kind": MaterialKind.WEBSITE,
        "topic": HealthTopic.PUBLIC_COMMUNICATION,
        "description": gettext_noop(
            "The Knowledge Hub's feed, as the 2020 annual report names it. The Knowledge Hub "
            "highlights upcoming webinars of WeGO and its partners, archives past webinars on "
            "public health policies and smart city development, and holds profiles of member "
            "cities and capacity-building material and tools."
        ),
        "published_on": None,
    },
    {
        "title": gettext_noop("WeGO Health Solution Challenge"),
        "kind": MaterialKind.WEBSITE,
        "topic": HealthTopic.OTHER,
        "description": gettext_noop(
            "Smart Health Assistance's challenge, as the 2020 annual report names it. Smart "
            "Health Assistance lists companies in Korea that manufacture medical supplies "
            "related to COVID-19, with medical equipment, training programs and solution "
            "providers."
        ),
        "published_on": None,
    },
    {
        "title": gettext_noop("Materials of WeGO's regional offices"),
        "kind": MaterialKind.DOCUMENT,
        "topic": HealthTopic.OTHER,
        "description": gettext_noop(
            "The 2020 annual report lists the regional offices among the Knowledge Hub's "
            "sources: East Asia (Chengdu), Eurasia (Ulyanovsk), the Mediterranean (Beyoglu), "
            "Latin America (Mexico City) and Africa (Abuja)."
        ),
        "published_on": None,
    },
    {
        "title": gettext_noop("WeGO-NIA-AfDB Joint Online Course"),
        "kind": MaterialKind.TRAINING,
        "topic": HealthTopic.POLICY,
        "description": gettext_noop(
            "Foundational knowledge on what builds resilience in digital government and how to "
            "respond when cities face a social crisis: 10 lecturers for 480 registrants (city "
            "officials, private-sector employees and institutional workers) on ITU Academy's "
            "online platform, from 30 November to 18 December 2020."
        ),
        "published_on": datetime.date(2020, 11, 30),
    },
    {
        "title": gettext_noop("Online smart city capacity-building training"),
        "kind": MaterialKind.TRAINING,
        "topic": HealthTopic.POLICY,
        "description": gettext_noop(
            "Approximately 100 members completed WeGO's online smart city capacity-building "
            "training in 2020 (the President's greeting in the 2020 annual report)."
        ),
        "published_on": None,
    },
]


class Command(BaseCommand):
    help = "Load the Smart Health Responder materials the 2020 annual report names. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for spec in MATERIALS:
            if Material.objects.filter(title_en=spec["title"]).exists():
                continue
            material = Material(
                kind=spec["kind"],
                topic=spec["topic"],
                source=SOURCE,
                published_on=spec["published_on"],
                url=WEGO_WEBSITE,
                is_public=True,
            )
            for field in ("title", "description"):
                for column, value in translated_columns(field, spec[field]).items():
                    setattr(material, column, value)
            material.save()
            created += 1
        self.stdout.write(f"Smart Health Responder materials: {len(MATERIALS)} ({created} new)")
