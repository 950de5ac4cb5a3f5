"""What the site search looks through: one ``Source`` per kind of public page.

Each source names the public queryset (the app's own public selector, so search never shows
what the page itself would refuse), the text fields with their full-text weight (A: names and
titles, B: summaries, C: longer texts) and the field whose trigram similarity forgives typos.
Apps add theirs with ``register`` (news and publications do).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Source:
    key: str
    label: str
    #: The public rows. Compare with the database's clock (``Now()``), never with a moment
    #: computed in Python: the site search compiles a source's SQL once (``search.compiled``)
    #: and would otherwise compile it per request.
    queryset: Callable[[], QuerySet]
    #: (field, weight) pairs; translated fields are searched in English and the page's language.
    fields: tuple[tuple[str, str], ...]
    #: The name or title, matched by trigram similarity on PostgreSQL (typos).
    name_field: str
    summary: Callable[[object], str]
    #: The result's address; by default its ``get_absolute_url()``.
    url: Callable[[object], str] | None = None
    #: A search of its own instead of the generic one (the member directory's).
    custom_search: Callable[[QuerySet, str], QuerySet] | None = None
    #: Whether its table has a stored document on PostgreSQL (``search.documents``): sources
    #: that grow have one, so a query reads indexes instead of every row.
    stored_document: bool = False

    def title_of(self, obj) -> str:
        """The result's title: its name or title (``name_field``)."""
        return getattr(obj, self.name_field)

    def url_of(self, obj) -> str:
        return self.url(obj) if self.url else obj.get_absolute_url()


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.key] = source


def _members():
    from members.selectors import public_organizations

    return public_organizations()


def _member_search(queryset, query):
    """The directory's search; on PostgreSQL ranked by how close the query is to the name
    itself first ("Seol" puts Seoul before Seongnam), then to any of its names."""
    from django.conf import settings
    from django.contrib.postgres.search import TrigramSimilarity
    from django.db.models import F

    from members.models import fold
    from members.selectors import directory_search

    found = directory_search(queryset, query)
    if not settings.USING_POSTGRES:
        return found
    return found.annotate(
        rank=TrigramSimilarity("sort_name", fold(query)) + F("similarity")
    ).order_by("-rank", "sort_name", "id")


def _member_summary(org) -> str:
    parts = [str(org.get_member_type_display())]
    if org.country:
        parts.append(str(org.country.name))
    return " · ".join(parts)


def _events():
    from events.selectors import public_events

    return public_events()


def _programs():
    from programs.models import Program

    return Program.objects.filter(is_published=True)


def _calls():
    from programs.selectors import published_calls

    return published_calls().select_related("program")


def _winners():
    from awards.selectors import public_awarded_entries

    return public_awarded_entries().select_related("edition", "category")


def _projects():
    from catalog.enums import ProjectStatus
    from catalog.models import Project

    return Project.objects.filter(status=ProjectStatus.PUBLISHED).select_related("organization")


def _initiatives():
    from health.selectors import published_initiatives

    return published_initiatives()


def _suppliers():
    from health.models import Supplier

    return Supplier.objects.filter(is_published=True)


def _materials():
    from health.selectors import public_materials

    return public_materials()


def _material_url(material) -> str:
    from django.urls import reverse

    return material.href or reverse("health:materials")


def register_portal_sources() -> None:
    register(
        Source(
            key="members",
            label=_("Members"),
            queryset=_members,
            fields=(("name", "A"), ("city", "B"), ("description", "C")),
            name_field="name",
            summary=_member_summary,
            custom_search=_member_search,
        )
    )
    register(
        Source(
            key="events",
            label=_("Events"),
            queryset=_events,
            fields=(
                ("title", "A"),
                ("theme", "B"),
                ("summary", "B"),
                ("city", "B"),
                ("description", "C"),
            ),
            name_field="title",
            summary=lambda o: f"{o.date_display} · {o.summary or o.theme}".strip(" ·"),
            stored_document=True,
        )
    )
    register(
        Source(
            key="programs",
            label=_("Programs and calls"),
            queryset=_programs,
            fields=(("name", "A"), ("summary", "B"), ("description", "C")),
            name_field="name",
            summary=lambda o: o.summary,
        )
    )
    register(
        Source(
            key="calls",
            label=_("Calls for applications"),
            queryset=_calls,
            fields=(("title", "A"), ("description", "C")),
            name_field="title",
            summary=lambda o: o.program.name,
        )
    )
    register(
        Source(
            key="winners",
            label=_("Award winners"),
            queryset=_winners,
            fields=(("project_title", "A"), ("entrant_name", "A"), ("summary", "B")),
            name_field="project_title",
            summary=lambda o: f"{o.entrant_name} · {o.edition.title}",
        )
    )
    register(
        Source(
            key="projects",
            label=_("Catalog projects"),
            queryset=_projects,
            fields=(("title", "A"), ("summary", "B"), ("problem", "C"), ("solution", "C")),
            name_field="title",
            summary=lambda o: o.summary,
            stored_document=True,
        )
    )
    register(
        Source(
            key="health",
            label=_("Smart Health Responder"),
            queryset=_initiatives,
            fields=(("title", "A"), ("summary", "B"), ("outcomes", "C")),
            name_field="title",
            summary=lambda o: o.summary,
        )
    )
    register(
        Source(
            key="suppliers",
            label=_("Smart Health suppliers"),
            queryset=_suppliers,
            fields=(("name", "A"), ("description", "B"), ("products", "C")),
            name_field="name",
            summary=lambda o: o.description,
        )
    )
    register(
        Source(
            key="materials",
            label=_("Smart Health materials"),
            queryset=_materials,
            fields=(("title", "A"), ("description", "B")),
            name_field="title",
            summary=lambda o: o.description,
            url=_material_url,
        )
    )
