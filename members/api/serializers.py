from functools import cached_property

from django.conf import settings
from django.utils.translation import get_language
from django_countries import countries
from django_countries.serializers import CountryFieldMixin
from modeltranslation.utils import build_localized_fieldname, resolution_order
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


class OrganizationRowSerializer(OrganizationSerializer):
    """``OrganizationSerializer``'s output, built from a row of ``selectors.organization_rows``.

    The list's hot path: a page of 25 through the model serializer made 52 model instances (each
    organization and its office, every column in eight languages) and asked some 40 field
    objects per row, about 20 ms of CPU per page; a row here is one dictionary. The same
    fields, names and values (a test compares both serializers' output, in several languages);
    the schema is still the model serializer's.
    """

    def to_representation(self, instance: dict) -> dict:
        row = instance
        joined_on = row["joined_on"]
        return {
            "slug": row["slug"],
            "name": self._shown(row, "name"),
            "member_type": row["member_type"],
            "relationship": row["relationship"],
            "membership_class": row["membership_class"],
            "country": countries.alpha2(row["country"]) if row["country"] else "",
            "region": row["region"],
            "city": row["city"],
            "office": row["office__slug"],
            "joined_on": joined_on.isoformat() if joined_on else None,
            "website": row["website"],
            "description": self._shown(row, "description"),
            "contact_email": row["contact_email"],
            "logo": self._logo_url(row["logo_thumbnail"]),
            "url": Organization.profile_url(row["slug"]),
        }

    @cached_property
    def _languages(self) -> tuple[str, ...]:
        return resolution_order(get_language() or settings.LANGUAGE_CODE)

    def _shown(self, row: dict, field: str) -> str:
        """The text modeltranslation's descriptor would show: the first language of the active
        one's fallback order with a text (not None, not blank), else blank."""
        for language in self._languages:
            value = row[build_localized_fieldname(field, language)]
            if value is not None and value != "":
                return value
        return ""

    def _logo_url(self, name: str | None) -> str | None:
        """As REST framework's ``ImageField`` gives it: the storage's address, absolute."""
        if not name:
            return None
        url = Organization._meta.get_field("logo_thumbnail").storage.url(name)
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MyOrganizationSerializer(OrganizationSerializer):
    role = serializers.CharField(read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "status", "role"]
