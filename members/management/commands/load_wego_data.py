"""Load the built-in WeGO data set from ``members/data/`` (see its README). Idempotent."""

import csv
import datetime
import importlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from members import services
from members.enums import MembershipClass, MemberType, OrganizationStatus
from members.models import Office, Organization

DATA = Path(__file__).resolve().parents[2] / "data"
APP_LOADERS = [
    "load_wego_programs",
    "load_wego_events",
    "load_wego_awards",
    "load_wego_governance",
    "load_wego_figures",
    "load_wego_catalog",
    "load_wego_health",
    "load_wego_profiles",
    "load_wego_news",
    "load_wego_newsletter",
]


def _rows(name: str):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


class Command(BaseCommand):
    help = "Load the built-in WeGO data set (offices, members, partners). Idempotent."

    def handle(self, *args, **options):
        # Names are looked up and written in English (the base columns), whatever language
        # the caller has active.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            self._load()

    def _load(self):
        self._smart_city_areas()
        created = updated = 0
        offices = {}
        for row in _rows("offices.csv"):
            office, was_created = Office.objects.update_or_create(
                slug=row["slug"],
                defaults={
                    "name": row["name"],
                    "kind": row["kind"],
                    "city": row["city"],
                    "country": row["country"],
                    "opened_year": int(row["opened_year"]) if row["opened_year"] else None,
                    "regions": [r for r in row["regions"].split(";") if r],
                    "email": row["email"],
                },
            )
            services.office_staff_group_ensure(office=office)
            offices[office.slug] = office
            created += was_created
        services.secretariat_group_ensure()
        self.stdout.write(f"Offices: {len(offices)} ({created} new)")
        self.stdout.write(f"Offices in other languages: {self._office_names(offices)} updated")

        created = 0
        for row in _rows("organizations.csv"):
            region = row["region"]
            member_type = row["member_type"]
            defaults = {
                "member_type": member_type,
                "relationship": row["relationship"],
                "region": region,
                "city": row["city"],
                "country": row["country"],
                "joined_on": datetime.date.fromisoformat(row["joined_on"])
                if row["joined_on"]
                else None,
                "office": services.office_for_region(region, row["country"])
                if region
                else offices.get("secretariat"),
            }
            organization = Organization.objects.filter(
                name=row["name"], country=row["country"]
            ).first()
            if organization is None and row["country"]:
                # A country recorded since an earlier load (e.g. the corporations'): the same
                # organization, loaded then without a country.
                organization = Organization.objects.filter(name=row["name"], country="").first()
            if organization is None:
                organization = Organization(
                    name=row["name"],
                    slug=services.organization_unique_slug(row["name"], row["country"]),
                    status=OrganizationStatus.ACTIVE,
                    membership_class=(
                        MembershipClass.CORPORATE if member_type == MemberType.CORPORATION else ""
                    ),
                    **defaults,
                )
                organization.save()
                created += 1
            else:
                changed = [f for f, v in defaults.items() if getattr(organization, f) != v]
                if changed:
                    for field in changed:
                        setattr(organization, field, defaults[field])
                    organization.save()
                    updated += 1
        total = Organization.objects.count()
        self.stdout.write(f"Organizations: {total} ({created} new, {updated} updated)")
        self.stdout.write(f"Names in other languages: {self._names()} organizations updated")
        services.directory_changed()

        # The other apps' parts of the data set (programs, events, awards), each idempotent.
        available = get_commands()
        for name in APP_LOADERS:
            if name in available:
                call_command(name, stdout=self.stdout)

    def _office_names(self, offices: dict[str, Office]) -> int:
        """Each office's name, seat and description in every language (office_names.csv).

        The English name and seat stay those of offices.csv; a blank cell leaves the field
        empty, and the page falls back to English.
        """
        wanted: dict[str, dict[str, str | None]] = {}
        for row in _rows("office_names.csv"):
            code = row["language"]
            fields = wanted.setdefault(row["slug"], {})
            fields[f"description_{code}"] = row["description"] or (None if code != "en" else "")
            if code != "en":
                fields[f"name_{code}"] = row["name"] or None
                fields[f"city_{code}"] = row["city"] or None
        changed = 0
        for slug, fields in wanted.items():
            office = offices.get(slug)
            if office is None:
                continue
            if any(getattr(office, field) != value for field, value in fields.items()):
                for field, value in fields.items():
                    setattr(office, field, value)
                office.save()
                changed += 1
        return changed

    def _names(self) -> int:
        """Each member's name in its own language and the standard names in ours (names.csv).

        A blank cell means no standard name was recorded: the page falls back to English. The
        English name itself is never changed here.
        """
        languages = [code.replace("-", "_") for code, _name in settings.LANGUAGES if code != "en"]
        changed = 0
        for row in _rows("names.csv"):
            organization = Organization.objects.filter(
                name_en=row["name"], country=row["country"]
            ).first()
            if organization is None:
                continue
            wanted = {f"name_{code}": row.get(code) or None for code in languages}
            wanted["native_name"] = row["native"]
            wanted["transliterated_names"] = [
                code.replace("_", "-") for code in row["transliterated"].split(";") if code
            ]
            if any(getattr(organization, field) != value for field, value in wanted.items()):
                for field, value in wanted.items():
                    setattr(organization, field, value)
                organization.save()
                changed += 1
        return changed

    def _smart_city_areas(self) -> None:
        """The 16 Smart City Driver areas (migrations load them; a flushed database may not
        have them any more). The list and the names in other languages live once, in those
        migrations."""
        from programs.models import SmartCityArea

        migration = importlib.import_module("programs.migrations.0002_load_smart_city_areas")
        names = importlib.import_module("programs.migrations.0005_smart_city_area_names")
        for position, name in enumerate(migration.AREAS, start=1):
            slug = slugify(name)
            translated = {f"name_{code}": value for code, value in names.AREA_NAMES[slug].items()}
            SmartCityArea.objects.update_or_create(
                slug=slug, defaults={"name": name, "position": position, **translated}
            )
