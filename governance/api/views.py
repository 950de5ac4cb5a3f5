from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import selectors, services
from governance.errors import AlreadyVoted, GovernanceError, VoteClosed
from governance.models import Vote
from wego_portal.api_tools import PagePagination, domain_error, error_responses

from .serializers import (
    BallotSerializer,
    DecisionDetailSerializer,
    DecisionSerializer,
    MeetingSerializer,
    ReceiptSerializer,
    VoteSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="Published decisions of WeGO's governing bodies",
        responses={200: DecisionSerializer(many=True), **error_responses(429)},
    ),
    retrieve=extend_schema(
        summary="One published decision, with the vote figures and every receipt code",
        responses={200: DecisionDetailSerializer, **error_responses(404, 429)},
    ),
)
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = PagePagination
    permission_classes = [permissions.AllowAny]

    def get_serializer_class(self):
        return DecisionDetailSerializer if self.action == "retrieve" else DecisionSerializer

    def get_queryset(self):
        return selectors.published_decisions().order_by("-decided_on", "-id")


@extend_schema_view(
    list=extend_schema(
        summary="Announced meetings of the Executive Committee and the General Assembly",
        responses={200: MeetingSerializer(many=True), **error_responses(429)},
    ),
    retrieve=extend_schema(
        summary="One meeting, with its agenda",
        responses={200: MeetingSerializer, **error_responses(404, 429)},
    ),
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    pagination_class = PagePagination
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"

    def get_queryset(self):
        return (
            selectors.public_meetings()
            .prefetch_related("agenda_items")
            .order_by("-year", "-starts_at", "-id")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Votes the caller can vote on as a delegate (or could)",
        responses={200: VoteSerializer(many=True), **error_responses(401, 429)},
    ),
    retrieve=extend_schema(
        summary="One vote the caller is a delegate on",
        responses={200: VoteSerializer, **error_responses(401, 404, 429)},
    ),
)
class MyVoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = VoteSerializer
    pagination_class = PagePagination
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.votes_for_delegate(self.request.user).prefetch_related(
            "resolution__candidates__organization"
        )

    @extend_schema(
        summary="Cast the ballot of a member the caller is a delegate (or proxy) for",
        request=BallotSerializer,
        responses={201: ReceiptSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def ballot(self, request, pk=None):
        vote = self.get_object()
        serializer = BallotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = next(
            (
                org
                for org, _holder in services.voting_organizations_for(request.user, vote)
                if org.slug == data["organization"]
            ),
            None,
        )
        if organization is None:
            raise Http404
        try:
            receipt = services.ballot_cast(
                vote=Vote.objects.get(pk=vote.pk),
                organization=organization,
                cast_by=request.user,
                choice=data["choice"],
                candidate_ids=data["candidates"],
            )
        except GovernanceError as exc:
            raise domain_error(exc, conflicts=(AlreadyVoted, VoteClosed)) from exc
        return Response({"receipt": receipt}, status=status.HTTP_201_CREATED)
