from rest_framework import serializers

from governance.enums import Choice
from governance.models import AgendaItem, Decision, Meeting, Vote


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "description", "closed_session"]


class DecisionSerializer(serializers.ModelSerializer):
    resolution = serializers.CharField(source="resolution.title")
    text = serializers.CharField(source="resolution.text")
    body = serializers.CharField(source="resolution.body.kind")
    majority = serializers.CharField(source="resolution.majority")
    meeting: "serializers.SlugRelatedField[Meeting]" = serializers.SlugRelatedField(
        source="resolution.meeting", slug_field="slug", read_only=True
    )
    written_procedure = serializers.BooleanField(source="resolution.written_procedure")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "resolution",
            "text",
            "body",
            "majority",
            "meeting",
            "written_procedure",
            "outcome",
            "decided_on",
            "votes_for",
            "votes_against",
            "abstentions",
            "ballots_cast",
            "eligible",
            "quorum_met",
            "results",
            "summary",
            "url",
        ]

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class DecisionDetailSerializer(DecisionSerializer):
    receipts = serializers.SerializerMethodField(
        help_text="Every counted receipt code of the online vote (empty without one)."
    )

    class Meta(DecisionSerializer.Meta):
        fields = [*DecisionSerializer.Meta.fields, "receipts"]

    def get_receipts(self, obj) -> list[str]:
        vote = getattr(obj.resolution, "vote", None)
        if vote is None or vote.status != "closed":
            return []
        return sorted(vote.ballots.values_list("receipt", flat=True))


class MeetingSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="body.kind")
    when = serializers.CharField()
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "slug",
            "title",
            "body",
            "number",
            "format",
            "status",
            "year",
            "starts_at",
            "date_text",
            "when",
            "host_name",
            "city",
            "theme",
            "participants",
            "summary",
            "agenda",
        ]


class VoteSerializer(serializers.ModelSerializer):
    resolution = serializers.CharField(source="resolution.title")
    text = serializers.CharField(source="resolution.text")
    majority = serializers.CharField(source="resolution.majority")
    candidates = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "resolution",
            "text",
            "majority",
            "status",
            "secret",
            "opens_at",
            "closes_at",
            "candidates",
        ]

    def get_candidates(self, obj) -> list[dict]:
        return [{"id": c.pk, "name": str(c)} for c in obj.resolution.candidates.all()]


class BallotSerializer(serializers.Serializer):
    organization = serializers.SlugField(help_text="Slug of the member you vote for.")
    choice = serializers.ChoiceField(choices=Choice.choices, required=False, default="")
    candidates = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=50
    )


class ReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(
        help_text="Shown once: find it in the published list when the vote closes."
    )
