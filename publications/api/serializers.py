from rest_framework import serializers

from programs.models import Program
from publications.models import Publication


class PublicationSerializer(serializers.ModelSerializer):
    program: "serializers.SlugRelatedField[Program]" = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Publication
        fields = [
            "slug",
            "title",
            "kind",
            "topic",
            "summary",
            "year",
            "languages",
            "program",
            "download_count",
            "url",
            "download_url",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_download_url(self, obj) -> str:
        return obj.get_download_url()
