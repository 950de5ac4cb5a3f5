from rest_framework import serializers

from events.models import Event
from members.models import Office, Organization
from news.models import Article, Category


class ArticleSerializer(serializers.ModelSerializer):
    office: "serializers.SlugRelatedField[Office]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    categories: "serializers.SlugRelatedField[Category]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    organizations: "serializers.SlugRelatedField[Organization]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    events: "serializers.SlugRelatedField[Event]" = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    published = serializers.SerializerMethodField(
        help_text="The publication date at its precision: 2020-11-26T…, 2020-11 or 2020."
    )
    body = serializers.CharField(read_only=True, help_text="Sanitised HTML.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "office",
            "region",
            "categories",
            "organizations",
            "events",
            "published",
            "url",
        ]

    def get_published(self, obj) -> str:
        return obj.date_iso

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()
