"""Generate a large synthetic member network for benchmarks (never on production data)."""

import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.enums import MemberType, OrganizationStatus, Region, Relationship
from members.models import Office, Organization, fold
from members.regions import AFRICA, AMERICAS, EUROPE, MIDDLE_EAST
from members.selectors import bump_directory_version

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "san",
    "ta",
    "ve",
    "ri",
    "no",
    "bu",
    "sel",
    "po",
    "der",
    "an",
    "go",
    "li",
]
ASIA_PACIFIC = [
    "KR",
    "JP",
    "CN",
    "PH",
    "ID",
    "VN",
    "TH",
    "MY",
    "IN",
    "NP",
    "MN",
    "AU",
    "NZ",
    "LK",
    "BD",
]
COUNTRIES = {
    Region.AFRICA: sorted(AFRICA),
    Region.EUROPE: sorted(EUROPE),
    Region.MIDDLE_EAST: sorted(MIDDLE_EAST),
    Region.AMERICAS: sorted(AMERICAS),
    Region.ASIA_PACIFIC: ASIA_PACIFIC,
}


def progress(done: int, total: int, started: float) -> None:
    width = 40
    filled = int(width * done / total) if total else width
    rate = done / max(time.monotonic() - started, 1e-6)
    sys.stderr.write(
        f"\r  [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} ({rate:,.0f}/s)"
    )
    sys.stderr.flush()


class Command(BaseCommand):
    help = (
        "Add synthetic organizations until the network has --organizations of them (with progress)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=100_000)
        parser.add_argument("--batch", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument(
            "--events", type=int, default=0, help="Also add synthetic events up to this many."
        )
        parser.add_argument(
            "--applications",
            type=int,
            default=0,
            help="Also add Solution Finder applications up to this many (one per organization).",
        )

    def handle(self, *args, organizations, batch, seed, events, applications, **options):
        offices = list(Office.objects.all())
        if not offices:
            raise CommandError("Load the WeGO data set first (manage.py load_wego_data).")
        rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        existing = Organization.objects.count()
        missing = max(0, organizations - existing)
        self.stdout.write(f"Generating {missing:,} organizations ({existing:,} exist)")
        by_region = {
            region: [o for o in offices if region in o.regions] or offices
            for region in Region.values
        }
        started = time.monotonic()
        done = 0
        while done < missing:
            rows = []
            for _ in range(min(batch, missing - done)):
                n = existing + done + len(rows)
                region = rng.choice(Region.values)
                country = rng.choice(COUNTRIES[region])
                name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
                name = f"{name} {n}"
                organization = Organization(
                    name=name,
                    slug=f"synthetic-{n}",
                    member_type=rng.choices(MemberType.values, weights=[8, 1, 1])[0],
                    relationship=Relationship.MEMBER,
                    country=country,
                    region=region,
                    city=name,
                    office=rng.choice(by_region[region]),
                    status=OrganizationStatus.ACTIVE,
                    joined_on=f"{rng.randint(2010, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    sort_name=fold(name),
                )
                # As saving would: the name and the country's name in every language.
                organization.search_text = organization.build_search_text()
                rows.append(organization)
            with transaction.atomic():
                Organization.objects.bulk_create(rows, batch_size=1000)
            done += len(rows)
            progress(done, missing, started)
        sys.stderr.write("\n")
        bump_directory_version()
        self.stdout.write(f"Network now has {Organization.objects.count():,} organizations.")
        if events:
            self._events(events, rng, batch)
        if applications:
            self._applications(applications, rng, batch)

    def _applications(self, total: int, rng: random.Random, batch: int) -> None:
        """Solution Finder applications in every state, one per organization, to the
        always-open call (the WeGO data set's; load_wego_data creates it)."""
        from programs.enums import ApplicationKind, ApplicationStatus
        from programs.models import Application, Call, SolutionFinderDetails

        call = Call.objects.filter(kind=ApplicationKind.SOLUTION_FINDER).first()
        if call is None:
            raise CommandError("No Solution Finder call: run manage.py load_wego_data first.")
        states = [
            ApplicationStatus.DRAFT,
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.CLARIFICATION_REQUESTED,
            ApplicationStatus.FEEDBACK_GIVEN,
            ApplicationStatus.PARTNERS_CONNECTED,
            ApplicationStatus.CLOSED,
            ApplicationStatus.DECLINED,
        ]
        taken = set(Application.objects.filter(call=call).values_list("organization_id", flat=True))
        free = (
            Organization.objects.exclude(id__in=taken).order_by("id").values_list("id", flat=True)
        )
        existing = Application.objects.count()
        missing = max(0, total - existing)
        self.stdout.write(f"Generating {missing:,} applications ({existing:,} exist)")
        started, done = time.monotonic(), 0
        organization_ids = iter(free[:missing])
        while done < missing:
            rows = [
                Application(
                    call=call,
                    organization_id=next(organization_ids),
                    kind=ApplicationKind.SOLUTION_FINDER,
                    status=rng.choice(states),
                )
                for _ in range(min(batch, missing - done))
            ]
            with transaction.atomic():
                created = Application.objects.bulk_create(rows, batch_size=1000)
                SolutionFinderDetails.objects.bulk_create(
                    [SolutionFinderDetails(application=a) for a in created], batch_size=1000
                )
            done += len(rows)
            progress(done, missing, started)
        sys.stderr.write("\n")

    def _events(self, total: int, rng: random.Random, batch: int) -> None:
        """Published events spread over 2010-2030 (day precision), through the model's own
        date normalisation so their sort keys are real."""
        import datetime

        from events.enums import Attendance, DatePrecision, EventKind, EventStatus
        from events.models import Event

        existing = Event.objects.count()
        missing = max(0, total - existing)
        self.stdout.write(f"Generating {missing:,} events ({existing:,} exist)")
        started, done = time.monotonic(), 0
        while done < missing:
            rows = []
            for _ in range(min(batch, missing - done)):
                n = existing + done + len(rows)
                day = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 7300))
                event = Event(
                    title=f"Smart city {rng.choice(SYLLABLES)} forum {n}",
                    slug=f"synthetic-event-{n}",
                    status=EventStatus.PUBLISHED,
                    kind=rng.choice(EventKind.values),
                    attendance=rng.choice(Attendance.values),
                    region=rng.choice(Region.values),
                    date_precision=DatePrecision.DAY,
                    start_date=day,
                    end_date=day,
                    summary="A synthetic event for benchmarks.",
                )
                event.normalize_dates()
                event.refresh_window()
                rows.append(event)
            with transaction.atomic():
                Event.objects.bulk_create(rows, batch_size=1000)
            done += len(rows)
            progress(done, missing, started)
        sys.stderr.write("\n")
