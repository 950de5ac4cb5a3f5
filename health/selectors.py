"""Reads of the Smart Health Responder. The HTML views, the admin, the (later) API and the
"WeGO in numbers" page share these querysets, so what the public sees is decided here once."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from events import selectors as event_selectors
from members.enums import OrganizationStatus, Region
from members.models import Organization
from members.rules import organization_roles
from wego_portal.facets import (
    choice_items,
    country_items,
    related_items,
    value_counts,
    year_items,
)

from .enums import HealthTopic, InquiryStatus, ModerationStatus
from .models import (
    Initiative,
    InitiativeFile,
    Inquiry,
    InquiryNote,
    InquiryTransition,
    Material,
    Supplier,
    SupplierCategory,
)

#: The Event.program value of the Smart Health Responder (events.enums.EventProgram).
SHR_EVENT_PROGRAM = "smart_health_responder"
#: How many webinars each part of the Knowledge Hub lists.
WEBINAR_LIMIT = 30


# --- Data Portal -------------------------------------------------------------------------------


def published_initiatives() -> QuerySet[Initiative]:
    """The public Data Portal: published initiatives, most recent first, with their sharer."""
    return (
        Initiative.objects.filter(status=ModerationStatus.PUBLISHED)
        .select_related("organization")
        .order_by("-started_on", "title", "id")
    )


def initiative_for_page(pk: int) -> Initiative:
    """A published initiative with its files. Raises ``Initiative.DoesNotExist``."""
    return (
        published_initiatives()
        .prefetch_related(Prefetch("files", queryset=InitiativeFile.objects.order_by("id")))
        .get(pk=pk)
    )


def initiative_facets(queryset: QuerySet[Initiative]) -> dict[str, list[dict]]:
    """Counts per topic, region, country and start year within ``queryset`` (four queries)."""
    years = value_counts(queryset.annotate(year=ExtractYear("started_on")), "year")
    return {
        "topic": choice_items(HealthTopic.choices, value_counts(queryset, "topic")),
        "region": choice_items(Region.choices, value_counts(queryset, "region")),
        "country": country_items(value_counts(queryset, "country")),
        "year": year_items(years),
    }


def initiatives_of_user(user) -> QuerySet[Initiative]:
    """Every initiative of the organizations ``user`` acts for, in any status."""
    return (
        Initiative.objects.filter(organization_id__in=list(organization_roles(user)))
        .select_related("organization")
        .order_by("-updated_at", "-id")
    )


def initiative_for_portal() -> QuerySet[Initiative]:
    """The portal's initiative page: the initiative with its organization and files."""
    return Initiative.objects.select_related("organization").prefetch_related(
        Prefetch("files", queryset=InitiativeFile.objects.order_by("id"))
    )


def organizations_sharing_for(user) -> list[Organization]:
    """Organizations ``user`` may share initiatives for (editor of, still active)."""
    from members.rules import is_editor_of

    candidates = Organization.objects.filter(
        pk__in=list(organization_roles(user)), status=OrganizationStatus.ACTIVE
    ).order_by("sort_name")
    return [org for org in candidates if is_editor_of(user, org)]


def cities_sharing_initiatives(*, limit: int = 60) -> list[Organization]:
    """Member profiles for the Knowledge Hub: organizations with published initiatives and
    how many (one query)."""
    rows = (
        Organization.objects.filter(
            status=OrganizationStatus.ACTIVE,
            health_initiatives__status=ModerationStatus.PUBLISHED,
        )
        .annotate(initiative_count=Count("health_initiatives"))
        .order_by("sort_name")[:limit]
    )
    return list(rows)


def initiatives_awaiting_review() -> QuerySet[Initiative]:
    return Initiative.objects.filter(status=ModerationStatus.SUBMITTED)


# --- Knowledge Hub -----------------------------------------------------------------------------


def public_materials() -> QuerySet[Material]:
    return Material.objects.filter(is_public=True).order_by("-published_on", "title", "id")


def material_topic_counts() -> list[dict]:
    counts = dict(
        public_materials().order_by().values_list("topic").annotate(n=Count("id")).order_by()
    )
    return [
        {"value": v, "label": label, "count": counts.get(v, 0)}
        for v, label in HealthTopic.choices
        if counts.get(v)
    ]


def shr_webinars(*, limit: int = WEBINAR_LIMIT) -> dict:
    """The Smart Health Responder's events from the events app: upcoming and past, each with
    its links (recordings and materials). Three queries."""
    queryset = (
        event_selectors.public_events().filter(program=SHR_EVENT_PROGRAM).prefetch_related("links")
    )
    return {
        "upcoming": list(event_selectors.events_in_period(queryset, "upcoming")[:limit]),
        "past": list(event_selectors.events_in_period(queryset, "past")[:limit]),
    }


# --- Smart Health Assistance -------------------------------------------------------------------


def published_suppliers() -> QuerySet[Supplier]:
    """The public supplier directory with categories and member profile (two queries a page)."""
    return (
        Supplier.objects.filter(is_published=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch("categories", queryset=SupplierCategory.objects.order_by("position", "name"))
        )
    )


def supplier_for_page(slug: str) -> Supplier:
    return published_suppliers().get(slug=slug)


def supplier_facets(queryset: QuerySet[Supplier]) -> dict[str, list[dict]]:
    """Counts per category and country within ``queryset`` (two queries)."""
    categories = SupplierCategory.objects.order_by("position", "name")
    return {
        "category": related_items(categories, "suppliers", queryset),
        "country": country_items(value_counts(queryset, "country")),
    }


def inquiry_for_staff() -> QuerySet[Inquiry]:
    """An inquiry with its history and notes, for the back office."""
    return Inquiry.objects.select_related("supplier").prefetch_related(
        Prefetch("transitions", queryset=InquiryTransition.objects.select_related("by")),
        Prefetch("notes", queryset=InquiryNote.objects.select_related("author")),
    )


def new_inquiries() -> QuerySet[Inquiry]:
    return Inquiry.objects.filter(status=InquiryStatus.NEW)


# --- Figures -----------------------------------------------------------------------------------


def health_figures() -> dict:
    """Headline figures for "WeGO in numbers" (three aggregate queries)."""
    initiatives = Initiative.objects.filter(status=ModerationStatus.PUBLISHED).aggregate(
        initiatives=Count("id"),
        sharing_members=Count("organization", distinct=True),
        countries=Count("country", distinct=True, filter=~Q(country="")),
    )
    suppliers = Supplier.objects.filter(is_published=True).count()
    inquiries = Inquiry.objects.aggregate(
        inquiries=Count("id", distinct=True),
        answered=Count(
            "id", filter=Q(transitions__to_status=InquiryStatus.ANSWERED), distinct=True
        ),
    )
    return {**initiatives, "suppliers": suppliers, **inquiries}
