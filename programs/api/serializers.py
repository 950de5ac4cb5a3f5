import datetime
from decimal import Decimal

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs import sections, selectors
from programs.forms import section_form_class
from programs.models import (
    Application,
    ApplicationAttachment,
    ApplicationMessage,
    ApplicationTransition,
    Call,
)


class CallSummarySerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Call
        fields = ["slug", "title", "program", "kind", "opens_at", "closes_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    call = CallSummarySerializer(read_only=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "status",
            "call",
            "organization",
            "created_at",
            "updated_at",
            "submitted_at",
            "status_changed_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationAttachment
        fields = ["id", "document", "original_name", "size", "uploaded_at"]
        read_only_fields = fields


class SectionStateSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=list(sections.STATUS_LABELS))
    missing = serializers.ListField(child=serializers.CharField())
    revision = serializers.IntegerField(help_text="Send it back to detect a colleague's save.")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def application_answers(application: Application) -> dict:
    """Each section's stored answers (areas and components by area slug)."""
    details = application.details
    answers: dict = {}
    for section in sections.sections_for(application):
        values: dict = {}
        for name in section.field_names():
            if name == "areas":
                values[name] = [area.slug for area in application.areas.all()]
            elif name == "components":
                values[name] = [
                    {"area": c.area.slug if c.area_id else None, "need": c.need}
                    for c in selectors.application_components(application)
                ]
            elif name == "documents":
                values[name] = AttachmentSerializer(
                    selectors.application_attachments(application), many=True
                ).data
            elif name == "mayor_letter":
                values[name] = details.mayor_letter_name if details.mayor_letter else ""
            else:
                values[name] = _plain(getattr(details, name))
        answers[section.key] = values
    return answers


class ApplicationDetailSerializer(ApplicationSerializer):
    sections = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "sections", "answers"]
        read_only_fields = fields

    @extend_schema_field(SectionStateSerializer(many=True))
    def get_sections(self, obj):
        edits = obj.section_edits or {}
        return [
            {
                "key": row["section"].key,
                "title": str(row["section"].title),
                "status": row["status"],
                "missing": [str(message) for message in row["missing"]],
                "revision": edits.get(row["section"].key, {}).get("rev", 0),
            }
            for row in sections.task_list(obj)
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_answers(self, obj):
        return application_answers(obj)


class ApplicationCreateSerializer(serializers.Serializer):
    call = serializers.SlugField(help_text="Slug of an open call.")
    organization = serializers.SlugField(help_text="Slug of one of the caller's organizations.")


class SectionSaveSerializer(serializers.Serializer):
    answers = serializers.DictField(
        help_text=(
            "The section's answers to change (others are kept). Areas are given by slug; "
            "components as a list of {area, need}."
        )
    )
    revision = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The section's revision read before editing; a colleague's save since is a 409.",
    )


class ComponentAnswerSerializer(serializers.Serializer):
    area = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    need = serializers.CharField(required=False, allow_null=True, allow_blank=True)


def section_answers_serializer(section, answers) -> serializers.Serializer:
    """A serializer checking the JSON types of ``answers`` to ``section``'s questions.

    Lists where the form takes several choices (by slug or value), a list of ``{area, need}``
    for the solution package's components, text (or a number) everywhere else. The section's
    own form then validates the values, as on the HTML page.
    """
    form_fields = section_form_class(section).base_fields
    fields: dict = {}
    for name in section.field_names():
        if name == "components":
            fields[name] = serializers.ListField(
                child=ComponentAnswerSerializer(), max_length=20, required=False
            )
        elif isinstance(
            form_fields.get(name), forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            fields[name] = serializers.ListField(
                child=serializers.CharField(max_length=200), max_length=100, required=False
            )
        else:
            fields[name] = serializers.CharField(
                required=False, allow_null=True, allow_blank=True, trim_whitespace=False
            )
    serializer_class = type("SectionAnswersSerializer", (serializers.Serializer,), fields)
    return serializer_class(data=answers)


class AttachmentUploadSerializer(serializers.Serializer):
    document = serializers.RegexField(
        r"^(?:mayor_letter|[0-9]{1,18})\Z",
        max_length=20,
        help_text='The call document\'s id, or "mayor_letter" for the supporting letter.',
    )
    file = serializers.FileField(help_text="A PDF file.")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class MessageAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationAttachment
        fields = ["id", "original_name", "size"]


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    attachments = MessageAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = ApplicationMessage
        fields = ["id", "kind", "body", "from_city", "author_name", "created_at", "attachments"]
        read_only_fields = fields

    def get_author_name(self, obj) -> str:
        if obj.author is None:
            return ""
        return obj.author.full_name or ("" if not obj.from_city else obj.author.email)


class MessageCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000)


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationTransition
        fields = ["from_status", "to_status", "at", "note"]
        read_only_fields = fields
