import django_filters
from django.db.models import Q
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from events import selectors, services
from events.enums import Attendance, EventKind, EventProgram, When
from events.filters import EventFilter
from events.models import Event, EventRegistration
from members.enums import Region
from wego_portal.api import StandardCursorPagination
from wego_portal.api_tools import FilterSetBackend, domain_error, error_responses

from .serializers import EventSerializer, RegisterSerializer, RegistrationSerializer


class EventApiFilter(EventFilter):
    """The public list's filters, plus a date range (events overlapping ``from``..``to``)."""

    date_from = django_filters.DateFilter(field_name="window_end", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(method="filter_date_to")
    online = django_filters.BooleanFilter(method="filter_online")

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(window_start__date__lte=value)

    def filter_online(self, queryset, name, value):
        online = Q(attendance__in=[Attendance.ONLINE, Attendance.HYBRID])
        return queryset.filter(online if value else ~online)


class EventCursorPagination(StandardCursorPagination):
    """Upcoming and all: soonest first; past: most recent first (the events' sort key)."""

    ordering = selectors.UPCOMING_ORDER

    def get_ordering(self, request, queryset, view):
        if request.query_params.get("when") == When.PAST:
            return selectors.PAST_ORDER
        return selectors.UPCOMING_ORDER


def _choices(choices) -> str:
    return ", ".join(value for value, _label in choices)


EVENT_PARAMETERS = [
    OpenApiParameter(
        "when",
        OpenApiTypes.STR,
        enum=When.values,
        description="upcoming (default, soonest first), past (latest first) or all.",
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="Title, theme or city."),
    OpenApiParameter("kind", OpenApiTypes.STR, many=True, description=_choices(EventKind.choices)),
    OpenApiParameter("program", OpenApiTypes.STR, enum=EventProgram.values),
    OpenApiParameter("year", OpenApiTypes.INT),
    OpenApiParameter("region", OpenApiTypes.STR, many=True, description=_choices(Region.choices)),
    OpenApiParameter("country", OpenApiTypes.STR, description="ISO 3166-1 alpha-2 code"),
    OpenApiParameter(
        "attendance", OpenApiTypes.STR, many=True, description=_choices(Attendance.choices)
    ),
    OpenApiParameter("online", OpenApiTypes.BOOL, description="Online or hybrid (true) or not."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="Not over before this day."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Starting on or before this day."),
    OpenApiParameter("host", OpenApiTypes.STR, description="Host organization slug."),
]


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description="Published and cancelled events, cursor-paginated by date.",
        parameters=EVENT_PARAMETERS,
        responses={200: EventSerializer(many=True), **error_responses(400, 429)},
    ),
    retrieve=extend_schema(
        summary="One event", responses={200: EventSerializer, **error_responses(404, 429)}
    ),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EventSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = EventCursorPagination
    filter_backends = [FilterSetBackend]
    filterset_class = EventApiFilter
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.public_events()
        return selectors.event_list_queryset()

    @extend_schema(
        summary="Register for an event",
        description="A place, or a place on the waitlist when the event is full.",
        request=RegisterSerializer,
        responses={
            201: RegistrationSerializer,
            **error_responses(400, 401, 404, 409, 429),
        },
        examples=[OpenApiExample("No questions", value={}, request_only=True)],
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        pagination_class=None,
    )
    def register(self, request, slug=None):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            event = selectors.event_for_registration(slug)
        except Event.DoesNotExist:
            raise Http404 from None
        try:
            registration = services.registration_create_for_user(
                event=event, user=request.user, answers=serializer.validated_data.get("answers")
            )
        except services.RegistrationError as exc:
            raise domain_error(exc, conflicts=(services.AlreadyRegistered,)) from exc
        data = RegistrationSerializer(registration).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The caller's event registrations",
        responses={200: RegistrationSerializer(many=True), **error_responses(401, 429)},
    ),
    retrieve=extend_schema(
        summary="One of the caller's registrations",
        responses={200: RegistrationSerializer, **error_responses(401, 404, 429)},
    ),
)
class MyRegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = RegistrationSerializer
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EventRegistration.objects.none()
        return selectors.registrations_of_user(self.request.user)

    @extend_schema(
        summary="Cancel a registration",
        description="Cancelling twice is harmless; a freed place goes to the waitlist.",
        request=None,
        responses={
            200: OpenApiResponse(RegistrationSerializer, description="Cancelled."),
            **error_responses(401, 404, 429),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        registration = self.get_object()
        if not request.user.has_perm("events.cancel_registration", registration):
            raise Http404
        registration = services.registration_cancel(
            registration=registration, cancelled_by=request.user
        )
        return Response(RegistrationSerializer(registration).data)
