from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from catalog.models import Project
from members.models import Organization
from programs.models import SmartCityArea


class ProjectSerializer(CountryFieldMixin, serializers.ModelSerializer):
    organization: "serializers.SlugRelatedField[Organization]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    areas: "serializers.SlugRelatedField[SmartCityArea]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    figures = serializers.JSONField(read_only=True, help_text="Results in figures.")
    links = serializers.JSONField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "slug",
            "title",
            "organization",
            "city_name",
            "country",
            "region",
            "areas",
            "start_year",
            "end_year",
            "summary",
            "problem",
            "solution",
            "results",
            "figures",
            "links",
            "budget_range",
            "source",
            "published_at",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()
