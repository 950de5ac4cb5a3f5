from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from events.models import Event, EventRegistration


class EventSerializer(CountryFieldMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "status",
            "kind",
            "program",
            "theme",
            "summary",
            "attendance",
            "venue",
            "city",
            "country",
            "region",
            "date_precision",
            "starts_at",
            "ends_at",
            "start_date",
            "end_date",
            "year",
            "timezone",
            "date_tentative",
            "registration",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class EventSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["slug", "title", "starts_at", "start_date", "year", "attendance"]


class RegistrationSerializer(serializers.ModelSerializer):
    event = EventSummarySerializer(read_only=True)

    class Meta:
        model = EventRegistration
        fields = ["id", "event", "status", "created_at", "answers"]
        read_only_fields = fields


class RegisterSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="Answers to the event's registration questions, by question id.",
    )
