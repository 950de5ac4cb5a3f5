"""Load the 4th WeGO Awards (2020) from ``awards/data/``: categories, judges, results. Idempotent.

Run by ``load_wego_data`` after the members, so winning cities that are members link to their
organization (matched by name, ignoring case and accents, and country). Winners that the member
data set does not name (Belo Horizonte, Lima, Istanbul...) are recorded by name and country
only: an award does not make a city a member. Only the edition's 18 results are data, so no
other entry is invented; the number of applications is not in the annual report and is not
recorded.
"""

import csv
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from awards import services
from awards.enums import Result, Stage
from awards.models import Category, Edition, Judge
from members.enums import Relationship
from members.models import Organization, fold

DATA = Path(__file__).resolve().parents[2] / "data"

EDITION = {
    "number": 4,
    "year": 2020,
    "description": (
        "Established in 2011, the WeGO Awards is WeGO's triennial competition that recognizes "
        "and promotes local governments with exemplary projects and solutions that use ICT to "
        "improve the quality of life of citizens. The 4th WeGO Awards were held in 2020 in six "
        "categories."
    ),
}
#: The description an earlier version of this loader wrote: it named a number of applications
#: that the annual report does not give (no source recorded), so a later load replaces it.
UNSOURCED_DESCRIPTION = EDITION["description"][: -len("categories.")] + (
    "categories; 52 applications were received."
)
RESULTS = {"winner": Result.WINNER, "special_mention": Result.SPECIAL_MENTION}


def _rows(name: str):
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _members_by_name_and_country() -> dict[tuple[str, str], Organization]:
    """Members keyed by (folded name, country): "Sao Paulo" finds "São Paulo"."""
    members = Organization.objects.filter(relationship=Relationship.MEMBER).only(
        "id", "name", "country"
    )
    return {(fold(org.name), org.country.code): org for org in members}


class Command(BaseCommand):
    help = "Load the 4th WeGO Awards (2020): categories, judges and the 18 results. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        rows = list(_rows("awards_2020.csv"))
        numbers = {(int(r["edition"]), int(r["year"])) for r in rows}
        if numbers != {(EDITION["number"], EDITION["year"])}:
            raise ValueError(f"awards_2020.csv holds unexpected editions: {sorted(numbers)}")

        edition, created = Edition.objects.get_or_create(
            year=EDITION["year"],
            defaults={"number": EDITION["number"], "description": EDITION["description"]},
        )
        changed = []
        if edition.description_en == UNSOURCED_DESCRIPTION:
            edition.description_en = EDITION["description"]
            changed.append("description")
        for field, value in {
            "number": EDITION["number"],
            "is_public": True,
            "results_published": True,
            "stage": Stage.PUBLISHED,  # a past edition: its results were announced in 2020
        }.items():
            if getattr(edition, field) != value:
                setattr(edition, field, value)
                changed.append(field)
        if changed:
            edition.save()
        self.stdout.write(f"WeGO Awards: {edition.title} ({'new' if created else 'exists'})")

        categories = {}
        new = 0
        for position, row in enumerate(_rows("categories.csv"), start=1):
            keywords = [k.strip() for k in row["keywords"].split(";") if k.strip()]
            category, was_created = Category.objects.get_or_create(
                edition=edition,
                slug=slugify(fold(row["category"])),
                defaults={"name": row["category"], "keywords": keywords, "position": position},
            )
            if (category.name, category.keywords, category.position) != (
                row["category"],
                keywords,
                position,
            ):
                category.name, category.keywords, category.position = (
                    row["category"],
                    keywords,
                    position,
                )
                category.save()
            categories[category.name] = category
            new += was_created
        self.stdout.write(f"  Categories: {len(categories)} ({new} new)")

        new = 0
        for position, row in enumerate(_rows("judges_2020.csv"), start=1):
            values = {
                "title": row["title"],
                "affiliation": row["affiliation"],
                "position": position,
            }
            judge, was_created = Judge.objects.get_or_create(
                edition=edition, name=row["name"], defaults=values
            )
            if any(getattr(judge, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(judge, field, value)
                judge.save()
            new += was_created
        self.stdout.write(f"  Judges: {edition.judges.count()} ({new} new)")

        members = _members_by_name_and_country()
        counts = defaultdict(int)
        for row in rows:
            organization = members.get((fold(row["city"]), row["country"]))
            _entry, was_changed = services.historical_result_record(
                edition=edition,
                category=categories[row["category"]],
                entrant_name=row["city"],
                entrant_country=row["country"],
                project_title=row["project_title"],
                result=RESULTS[row["result"]],
                organization=organization,
            )
            counts["changed"] += was_changed
            counts["linked" if organization else "not members"] += 1
        self.stdout.write(
            f"  Results: {len(rows)} ({counts['changed']} new or updated; "
            f"{counts['linked']} linked to members, {counts['not members']} cities not in the "
            "member data set)"
        )
