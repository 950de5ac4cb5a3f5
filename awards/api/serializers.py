from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards import selectors
from awards.models import Category, Edition, Entry


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name", "description", "position"]


class AwardedEntrySerializer(CountryFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "project_title", "entrant_name", "entrant_country", "result", "summary"]


class CategoryResultsSerializer(serializers.Serializer):
    category = CategorySerializer()
    winners = AwardedEntrySerializer(many=True)
    special_mentions = AwardedEntrySerializer(many=True)


class EditionSerializer(serializers.ModelSerializer):
    category_count = serializers.IntegerField(read_only=True)
    award_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Edition
        fields = [
            "year",
            "number",
            "theme",
            "entries_open_at",
            "entries_close_at",
            "results_published",
            "results_published_at",
            "category_count",
            "award_count",
        ]


class EditionDetailSerializer(serializers.ModelSerializer):
    categories = CategorySerializer(many=True, read_only=True)
    results = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = [
            "year",
            "number",
            "theme",
            "description",
            "entries_open_at",
            "entries_close_at",
            "results_published",
            "results_published_at",
            "categories",
            "results",
        ]

    @extend_schema_field(CategoryResultsSerializer(many=True))
    def get_results(self, obj):
        """Winners and special mentions by category, once the results are published."""
        return CategoryResultsSerializer(selectors.results_by_category(obj), many=True).data


class EntrySerializer(CountryFieldMixin, serializers.ModelSerializer):
    edition = serializers.SlugRelatedField(slug_field="year", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    result = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "edition",
            "category",
            "organization",
            "entrant_name",
            "entrant_country",
            *Entry.CONTENT_FIELDS,
            "status",
            "result",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_result(self, obj) -> str:
        """Empty until the edition's results are published."""
        return obj.result if obj.edition.results_published else ""
