from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from health.models import Initiative, Supplier


class InitiativeSerializer(CountryFieldMixin, serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    links = serializers.JSONField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = [
            "id",
            "title",
            "organization",
            "city",
            "country",
            "region",
            "topic",
            "started_on",
            "ended_on",
            "summary",
            "outcomes",
            "links",
            "published_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class SupplierSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """The directory's public facts; contact details stay behind the inquiry form."""

    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Supplier
        fields = [
            "slug",
            "name",
            "organization",
            "country",
            "city",
            "description",
            "products",
            "categories",
            "certifications",
            "website",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()
