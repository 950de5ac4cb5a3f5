"""Generate a large synthetic member network for benchmarks (never on production data).

Each option is a total to reach: what exists counts, only the missing rows are added, so a
command run twice adds nothing. Rows are written with PostgreSQL COPY in batches, with a
progress bar (members/management/synthetic.py). The same --seed on an empty database gives
the same network. At the benchmark's largest size (1,000,000 organizations, 200,000 events,
500,000 applications, 2,000,000 notifications, 10,000 news articles) see bench/README.md.
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError

from members.enums import MemberType, OrganizationStatus, Region, Relationship
from members.models import Office, Organization, fold
from members.regions import AFRICA, AMERICAS, EUROPE, MIDDLE_EAST
from members.selectors import bump_directory_version

from ..synthetic import Table, load

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


#: Kinds of real notifications (each is registered, so the inbox and admin render them).
NOTIFICATION_KINDS = [
    "account.security",
    "general.message",
    "membership.application_received",
    "membership.invitation",
    "staff.digest",
]
#: Derived from the start of 2026 so that a seed gives the same rows on any day.
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


class Command(BaseCommand):
    help = (
        "Add synthetic organizations (and events, applications, users, notifications, news) "
        "until the network has the given numbers of them (with progress bars)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=100_000)
        parser.add_argument("--batch", type=int, default=10_000)
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
        parser.add_argument(
            "--users",
            type=int,
            default=0,
            help="Also add synthetic accounts (no usable password) up to this many.",
        )
        parser.add_argument(
            "--notifications",
            type=int,
            default=0,
            help="Also add sent notifications up to this many, spread over the accounts.",
        )
        parser.add_argument(
            "--news", type=int, default=0, help="Also add published news articles up to this many."
        )

    def handle(self, *args, organizations, batch, seed, **options):
        offices = list(Office.objects.all())
        if not offices:
            raise CommandError("Load the WeGO data set first (manage.py load_wego_data).")
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
        self.batch, self.offices = batch, offices
        started = time.monotonic()
        self._organizations(organizations)
        for kind in ("events", "applications", "users", "notifications", "news"):
            if options[kind]:
                getattr(self, f"_{kind}")(options[kind])
        self.stdout.write(f"Done in {time.monotonic() - started:,.0f} s.")

    def _missing(self, label: str, model, total: int) -> tuple[int, int]:
        existing = model._default_manager.count()
        missing = max(0, total - existing)
        self.stdout.write(f"Generating {missing:,} {label} ({existing:,} exist)")
        return existing, missing

    def _organizations(self, total: int) -> None:
        existing, missing = self._missing("organizations", Organization, total)
        rng = self.rng
        by_region = {
            region: [o.pk for o in self.offices if region in o.regions]
            or [o.pk for o in self.offices]
            for region in Region.values
        }
        table = Table(Organization)
        base = table.values(
            Organization(relationship=Relationship.MEMBER, status=OrganizationStatus.ACTIVE)
        )
        # What saving derives: the folded name, and the country's name in every language (the
        # same for every organization of a country, so computed once per country).
        country_text = {
            code: Organization(name="", city="", country=code).build_search_text()
            for codes in COUNTRIES.values()
            for code in codes
        }

        def build(i: int) -> list:
            n = existing + i
            region = rng.choice(Region.values)
            country = rng.choice(COUNTRIES[region])
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
            name = f"{name} {n}"
            folded = fold(name)
            return table.row(
                base,
                name=name,
                slug=f"synthetic-{n}",
                member_type=rng.choices(MemberType.values, weights=[8, 1, 1])[0],
                country=country,
                region=region,
                city=name,
                office_id=rng.choice(by_region[region]),
                joined_on=datetime.date(
                    rng.randint(2010, 2026), rng.randint(1, 12), rng.randint(1, 28)
                ),
                sort_name=folded[:200],
                search_text=f"{folded} {country_text[country]}".strip()[:2000],
                name_text=folded[:1000],
            )

        load("organizations", table, missing, build, batch=self.batch)
        bump_directory_version()
        self.stdout.write(f"Network now has {Organization.objects.count():,} organizations.")

    def _applications(self, total: int) -> None:
        """Solution Finder applications in every state, one per organization, to the
        always-open call (the WeGO data set's; load_wego_data creates it), each with its
        (empty) Solution Finder answers."""
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
        _existing, missing = self._missing("applications", Application, total)
        taken = Application.objects.filter(call=call).values_list("organization_id", flat=True)
        free = list(
            Organization.objects.exclude(id__in=taken)
            .order_by("id")
            .values_list("id", flat=True)[:missing]
        )
        if len(free) < missing:
            raise CommandError(f"Only {len(free):,} organizations have no application yet.")
        rng = self.rng
        table = Table(Application)
        base = table.values(Application(call=call, kind=ApplicationKind.SOLUTION_FINDER))
        details = Table(SolutionFinderDetails)
        details_base = details.values(SolutionFinderDetails(application_id=0))

        def build(i: int) -> list:
            return table.row(base, organization_id=free[i], status=rng.choice(states))

        def add_details(before: int) -> None:
            new = Application.objects.filter(pk__gt=before).order_by("pk")
            details.write(
                [
                    details.row(details_base, application_id=pk)
                    for pk in new.values_list("pk", flat=True)
                ]
            )

        load("applications", table, missing, build, batch=self.batch, after_batch=add_details)

    def _events(self, total: int) -> None:
        """Published events spread over 2010-2030 (day precision); their dates and sort keys
        come from the model's own normalisation (once per day)."""
        from events.enums import Attendance, DatePrecision, EventKind, EventStatus
        from events.models import Event

        existing, missing = self._missing("events", Event, total)
        rng = self.rng
        table = Table(Event)
        by_day: dict[datetime.date, list] = {}

        def base(day: datetime.date) -> list:
            if day not in by_day:
                event = Event(
                    status=EventStatus.PUBLISHED,
                    date_precision=DatePrecision.DAY,
                    start_date=day,
                    end_date=day,
                    summary="A synthetic event for benchmarks.",
                )
                event.normalize_dates()
                event.refresh_window()
                by_day[day] = table.values(event)
            return by_day[day]

        def build(i: int) -> list:
            n = existing + i
            day = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randint(0, 7300))
            return table.row(
                base(day),
                title=f"Smart city {rng.choice(SYLLABLES)} forum {n}",
                slug=f"synthetic-event-{n}",
                kind=rng.choice(EventKind.values),
                attendance=rng.choice(Attendance.values),
                region=rng.choice(Region.values),
            )

        load("events", table, missing, build, batch=self.batch)

    def _users(self, total: int) -> None:
        """Accounts without a usable password (nobody can sign in with them)."""
        from accounts.models import User

        existing, missing = self._missing("accounts", User, total)
        rng = self.rng
        languages = ["en", "ko", "zh-hans", "ru", "es", "fr", "ar", "tr"]
        table = Table(User)
        base = table.values(User(password="!synthetic"))  # noqa: S106 ("!": matches nothing)

        def build(i: int) -> list:
            n = existing + i
            return table.row(
                base,
                email=f"person-{n}@synthetic.example",
                full_name=f"{''.join(rng.choice(SYLLABLES) for _ in range(3)).title()} {n}",
                preferred_language=rng.choice(languages),
                date_joined=EPOCH - datetime.timedelta(days=rng.randint(0, 2000)),
            )

        load("accounts", table, missing, build, batch=self.batch)

    def _notifications(self, total: int) -> None:
        """Sent notifications over the last two years, round robin over every account (so each
        has its inbox), four in five of them read."""
        from accounts.models import User
        from notifications.enums import NotificationState
        from notifications.models import Notification

        recipients = list(User.objects.order_by("id").values_list("id", "email"))
        if not recipients:
            raise CommandError("Notifications need accounts: add some with --users.")
        existing, missing = self._missing("notifications", Notification, total)
        rng = self.rng
        table = Table(Notification)
        base = table.values(
            Notification(
                url="/notifications/", email=True, state=NotificationState.SENT, attempts=1
            )
        )

        def build(i: int) -> list:
            n = existing + i
            recipient_id, address = recipients[n % len(recipients)]
            created = EPOCH - datetime.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            subject = f"Synthetic notice {n}"
            return table.row(
                base,
                recipient_id=recipient_id,
                to_email=address,
                kind=rng.choice(NOTIFICATION_KINDS),
                subject=subject,
                body_text=f"{subject}.",
                body_html=f"<p>{subject}.</p>",
                message=subject,
                idempotency_key=f"synthetic-{n}",
                created_at=created,
                next_attempt_at=created,
                sent_at=created + datetime.timedelta(seconds=5),
                read_at=created + datetime.timedelta(hours=1) if rng.random() < 0.8 else None,
            )

        load("notifications", table, missing, build, batch=self.batch)

    def _news(self, total: int) -> None:
        """Published articles over the last ten years, a paragraph each."""
        from news.models import Article
        from wego_portal.moderation.enums import ModerationStatus

        existing, missing = self._missing("news articles", Article, total)
        rng = self.rng
        table = Table(Article)
        base = table.values(
            Article(
                summary="Synthetic news for benchmarks.",
                status=ModerationStatus.PUBLISHED,
                published_at=EPOCH,
            )
        )
        offices = [office.pk for office in self.offices]

        def build(i: int) -> list:
            n = existing + i
            words = " ".join(rng.choice(SYLLABLES) for _ in range(40))
            published = EPOCH - datetime.timedelta(minutes=rng.randint(0, 10 * 365 * 24 * 60))
            return table.row(
                base,
                title=f"Smart city {rng.choice(SYLLABLES)} news {n}",
                slug=f"synthetic-news-{n}",
                body=f"<p>{words}</p>",
                office_id=rng.choice(offices),
                region=rng.choice(["", *Region.values]),
                published_at=published,
                decided_at=published,
            )

        load("news", table, missing, build, batch=self.batch)
