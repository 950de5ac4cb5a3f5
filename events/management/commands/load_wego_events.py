"""Load WeGO's 2020 calendar and "Forward to 2021" plan (``events/data/events_2020_2021.csv``).

Idempotent: each row has a stable import key (its title and year); an event already loaded is
left as it is, so running the command again changes nothing, and nothing the secretariat
changed in the back office (a date firmed up, a host linked, figures corrected) is overwritten.
Dates keep the report's precision (see ``members/data/README.md``, last section). Hosts link
to the member directory where the organization exists (e.g. the Moscow City Government to
Moscow); the announced host always stays as text. Run by ``load_wego_data`` after the members.
"""

import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from events import services
from events.enums import Attendance, DatePrecision, EventStatus, RegistrationMode
from events.models import Event, EventHost, EventSponsor
from members.models import Organization, fold

DATA = Path(__file__).resolve().parents[2] / "data" / "events_2020_2021.csv"
IMPORT_PREFIX = "wego-report-2020"

PRECISIONS = {
    "exact": DatePrecision.EXACT,
    "exact_day": DatePrecision.DAY,
    "day": DatePrecision.DAY,
    "month": DatePrecision.MONTH,
    "quarter": DatePrecision.QUARTER,
    "quarter_span": DatePrecision.QUARTER_SPAN,
    "year_round": DatePrecision.YEAR_ROUND,
    "tbd": DatePrecision.TBD,
}

#: Hosts as the report announces them → the directory's organizations they name. A host
#: whose text is itself an organization's name links without being listed here.
HOST_ORGANIZATIONS = {
    "Moscow City Government": ["Moscow"],
    "All India Institute of Local Self Government (AIILSG) with UCLG ASPAC": [
        "All India Institute of Local Self Government"
    ],
    "UCLG-Africa and the City of Rabat": ["Rabat"],
}
#: Sponsors as the report names them → the directory's spelling.
SPONSOR_ORGANIZATIONS = {"beCloud": "beCloud (Belarusian Cloud Technologies)"}


def import_key(row: dict) -> str:
    return f"{IMPORT_PREFIX}:{row['year']}:{slugify(fold(row['title']))[:150]}"


def _int(value: str) -> int | None:
    return int(value) if value and value.strip() else None


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _attendance(row: dict) -> str:
    if row["online"].strip().lower() == "true":
        return Attendance.ONLINE
    if row["city"] or row["country"]:
        return Attendance.IN_PERSON
    return Attendance.TO_BE_CONFIRMED  # the report says "TBD"


def _tentative(notes: str) -> bool:
    notes = notes.lower()
    return "tentative" in notes or "subject to change" in notes


def _organization(name: str, index: dict[str, list[Organization]]) -> Organization | None:
    """The organization of that exact name (ignoring case), if there is exactly one."""
    matches = index.get(name.strip().lower(), [])
    return matches[0] if len(matches) == 1 else None


def build_event(row: dict) -> Event:
    precision = PRECISIONS[row["date_precision"]]
    event = Event(
        title=row["title"],
        kind=row["kind"],
        program=row["program"],
        status=EventStatus.PUBLISHED,
        theme=row["theme"],
        outcomes=row["outcomes"],
        attendance=_attendance(row),
        city=row["city"],
        country=row["country"],
        host_text=row["host"],
        date_precision=precision,
        year=int(row["year"]),
        quarter=_int(row["quarter"]),
        quarter_end=_int(row["quarter_end"]),
        date_tentative=_tentative(row["notes"]),
        participant_count=_int(row["participants"]),
        speaker_count=_int(row["speakers"]),
        viewer_count=_int(row["viewers"]),
        registration=RegistrationMode.NONE,
        source_notes=row["notes"],
        import_key=import_key(row),
    )
    if precision == DatePrecision.EXACT:
        event.starts_at = datetime.datetime.fromisoformat(row["start"])
        event.ends_at = datetime.datetime.fromisoformat(row["end"]) if row["end"] else None
    elif precision in (DatePrecision.DAY, DatePrecision.MONTH):
        event.start_date = _date(row["start"])
        event.end_date = _date(row["end"])
    return event


class Command(BaseCommand):
    help = "Load WeGO's 2020 events and 2021 plan from the annual report. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        with DATA.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        index: dict[str, list[Organization]] = {}
        for organization in Organization.objects.annotate(lower=Lower("name")):
            index.setdefault(organization.lower, []).append(organization)
        existing = set(
            Event.objects.filter(import_key__startswith=f"{IMPORT_PREFIX}:").values_list(
                "import_key", flat=True
            )
        )
        created = linked = 0
        for row in rows:
            key = import_key(row)
            if key in existing:
                event = Event.objects.get(import_key=key)
            else:
                event = build_event(row)
                event.slug = services.event_unique_slug(event.title, event.year)
                services.event_save(event=event)
                created += 1
                for position, name in enumerate(
                    n.strip() for n in row["sponsors"].split(";") if n.strip()
                ):
                    EventSponsor.objects.create(
                        event=event,
                        name=name,
                        organization=_organization(SPONSOR_ORGANIZATIONS.get(name, name), index),
                        position=position,
                    )
            linked += self._link_hosts(event, row["host"], index)
        self.stdout.write(
            f"Events: {Event.objects.filter(import_key__startswith=IMPORT_PREFIX).count()} "
            f"from the 2020 report ({created} new, {linked} host links added)"
        )

    @staticmethod
    def _link_hosts(event: Event, host: str, index) -> int:
        """Link the hosts the directory knows; an event already linked is left alone."""
        if not host or event.host_links.exists():
            return 0
        names = HOST_ORGANIZATIONS.get(host, [host])
        added = 0
        for position, name in enumerate(names):
            organization = _organization(name, index)
            if organization is not None:
                EventHost.objects.create(event=event, organization=organization, position=position)
                added += 1
        return added
