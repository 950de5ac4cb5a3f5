from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers

from members.models import Office, Organization


class OfficeSerializer(CountryFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["slug", "name", "kind", "city", "country", "opened_year", "regions", "email"]


class OrganizationSerializer(CountryFieldMixin, serializers.ModelSerializer):
    office: "serializers.SlugRelatedField[Office]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    url = serializers.SerializerMethodField()
    logo = serializers.ImageField(source="logo_thumbnail", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "slug",
            "name",
            "member_type",
            "relationship",
            "membership_class",
            "country",
            "region",
            "city",
            "office",
            "joined_on",
            "website",
            "description",
            "contact_email",
            "logo",
            "url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class MyOrganizationSerializer(OrganizationSerializer):
    role = serializers.CharField(read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "status", "role"]
