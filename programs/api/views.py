from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from members.selectors import organizations_of_user
from programs import errors, sections, selectors, services
from programs.enums import ApplicationStatus
from programs.filters import MyApplicationFilter
from programs.forms import ComponentFormSet, section_form_class
from programs.models import Application, CallDocument, SmartCityArea
from wego_portal.api import StandardCursorPagination
from wego_portal.api_tools import domain_error, error_responses
from wego_portal.files import validate_pdf
from wego_portal.permissions import get_permitted_object_or_404
from wego_portal.stale_decisions import expected_status_from_if_match, status_etag

from .serializers import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationSerializer,
    AttachmentUploadSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    SectionSaveSerializer,
    TransitionSerializer,
    WithdrawSerializer,
    section_answers_serializer,
)

#: Refusals that say the application's state changed under the caller: 409; the rest 400.
CONFLICTS = (
    errors.AlreadyAppliedError,
    errors.EditConflict,
    errors.NotEditable,
    errors.TransitionNotAllowed,
)
FILE_SECTIONS = {"documents", "letter"}


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The application's `ETag` as you last read it: the move is refused with "
        "`409 changed_meanwhile` if its status changed since."
    ),
)


@contextmanager
def program_errors():
    """The programs app's refusals as API errors (400, or 409 for a conflict)."""
    try:
        yield
    except errors.ApplicationIncomplete as exc:
        raise ValidationError(
            {"missing": [f"{row['section'].title}: {row['message']}" for row in exc.missing]}
        ) from exc
    except errors.ProgramError as exc:
        raise domain_error(exc, conflicts=CONFLICTS) from exc
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        raise ValidationError(detail) from exc


class ApplicationCursorPagination(StandardCursorPagination):
    ordering = ("-created_at", "-id")


APPLICATION_EXAMPLE = OpenApiExample(
    "Start a draft",
    value={"call": "solution-finder-2026", "organization": "seoul"},
    request_only=True,
)
SECTION_EXAMPLE = OpenApiExample(
    "Answer the challenges section",
    value={
        "answers": {"urban_challenges": "Traffic congestion downtown.", "areas": ["mobility"]},
        "revision": 0,
    },
    request_only=True,
)
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The application's id.")


@extend_schema_view(
    list=extend_schema(
        summary="The caller's applications",
        description="Applications of every organization the caller acts for, newest first.",
        parameters=[
            OpenApiParameter("status", str, enum=ApplicationStatus.values),
            OpenApiParameter("organization", str, description="Organization slug."),
        ],
        responses={200: ApplicationSerializer(many=True), **error_responses(400, 401, 429)},
    ),
    retrieve=extend_schema(
        summary="One application",
        description="With its sections' state and its answers.",
        parameters=[ID],
        responses={200: ApplicationDetailSerializer, **error_responses(401, 404, 429)},
    ),
    create=extend_schema(
        summary="Start a draft application",
        request=ApplicationCreateSerializer,
        examples=[APPLICATION_EXAMPLE],
        responses={
            201: ApplicationDetailSerializer,
            **error_responses(400, 401, 404, 409, 429),
        },
    ),
)
class MyApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The member portal's applications, through the same services as the HTML pages."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = ApplicationCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = MyApplicationFilter
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationSerializer
        return ApplicationDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.applications_of_user_organizations(self.request.user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _application(self, permission: str = "programs.view_application") -> Application:
        """The application if the caller may act on it as a member; otherwise a 404."""
        pk = self.kwargs["pk"]
        mine = selectors.application_for_portal(int(pk)).filter(
            pk__in=selectors.applications_of_user_organizations(self.request.user).values("pk")
        )
        return get_permitted_object_or_404(self.request.user, permission, mine, pk=int(pk))

    def get_object(self):
        return self._application()

    def _detail(self, application: Application, status_code: int = 200) -> Response:
        fresh = self._application_fresh(application.pk)
        response = Response(ApplicationDetailSerializer(fresh).data, status=status_code)
        # Send it back as If-Match with a move: refused (409) if the status changed meanwhile.
        response["ETag"] = status_etag(fresh.status)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @staticmethod
    def _application_fresh(pk: int) -> Application:
        return selectors.application_for_portal(pk).get(pk=pk)

    def create(self, request):
        serializer = ApplicationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call = selectors.open_calls().filter(slug=serializer.validated_data["call"]).first()
        if call is None:
            raise ValidationError({"call": ["No open call with this slug."]})
        organization = (
            organizations_of_user(request.user)
            .filter(slug=serializer.validated_data["organization"])
            .first()
        )
        if organization is None:
            raise ValidationError({"organization": ["Not one of your organizations."]})
        with program_errors():
            application = services.application_start(
                call=call, organization=organization, started_by=request.user
            )
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save a section of a draft",
        description=(
            "Partial answers are fine; only the answers sent change. Files are uploaded with "
            "the attachments endpoint."
        ),
        parameters=[
            ID,
            OpenApiParameter("key", str, OpenApiParameter.PATH, description="Section key."),
        ],
        request=SectionSaveSerializer,
        examples=[SECTION_EXAMPLE],
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"sections/(?P<key>[a-z_]+)",
        url_name="section",
    )
    def section(self, request, pk=None, key=None):
        application = self._application("programs.act_on_application")
        section = sections.get_section(application, key)
        if section is None:
            raise Http404
        if section.key in FILE_SECTIONS:
            raise ValidationError({"key": ["Upload files with the attachments endpoint."]})
        serializer = SectionSaveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = self._section_data(section, serializer.validated_data["answers"])
        with program_errors():
            services.application_section_save(
                application=application,
                section_key=section.key,
                data=data,
                saved_by=request.user,
                revision=serializer.validated_data.get("revision"),
            )
        return self._detail(application)

    @staticmethod
    def _section_data(section, answers: dict) -> dict:
        """Validate ``answers`` with the section's own form (and component formset)."""
        unknown = set(answers) - set(section.field_names())
        if unknown:
            raise ValidationError({name: ["Not a question of this section."] for name in unknown})
        typed = section_answers_serializer(section, answers)
        typed.is_valid(raise_exception=True)
        answers = typed.validated_data
        form_data = {name: value for name, value in answers.items() if name != "components"}
        if "areas" in form_data:
            slugs = set(form_data["areas"])
            form_data["areas"] = [
                str(pk)
                for pk in SmartCityArea.objects.filter(slug__in=slugs).values_list("pk", flat=True)
            ]
            if len(form_data["areas"]) != len(slugs):
                raise ValidationError({"areas": ["Unknown area slug."]})
        form = section_form_class(section)(data=form_data)
        if not form.is_valid():
            raise ValidationError(
                {
                    name: [error["message"] for error in errs]
                    for name, errs in form.errors.get_json_data().items()
                }
            )
        return sections.section_data(
            section,
            form.cleaned_data,
            only=answers,
            components=_components(answers["components"]) if "components" in answers else None,
        )

    @extend_schema(
        summary="Upload a document to a draft",
        description="Multipart: a PDF for one of the call's documents, or the supporting letter.",
        parameters=[ID],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def attachments(self, request, pk=None):
        application = self._application("programs.act_on_application")
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        try:
            validate_pdf(upload)
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        document = serializer.validated_data["document"]
        if document == "mayor_letter" and application.is_project_implementer:
            key, data = "letter", {"mayor_letter": upload}
        else:
            found = CallDocument.objects.filter(
                call_id=application.call_id, pk=int(document) if document.isdecimal() else 0
            ).first()
            if found is None:
                raise ValidationError({"document": ["Not a document of this call."]})
            key, data = "documents", {"documents": {found: upload}}
        with program_errors():
            services.application_section_save(
                application=application, section_key=key, data=data, saved_by=request.user
            )
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit a draft",
        description="Refused while answers are missing (each listed) or the call is closed.",
        parameters=[ID, IF_MATCH],
        request=None,
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = self._application("programs.act_on_application")
        with program_errors():
            services.application_submit(
                application=application,
                submitted_by=request.user,
                expected_status=expected_status_from_if_match(request),
            )
        return self._detail(application)

    @extend_schema(
        summary="Withdraw an application",
        parameters=[ID, IF_MATCH],
        request=WithdrawSerializer,
        examples=[OpenApiExample("Withdraw", value={"reason": "Budget cut."}, request_only=True)],
        responses={200: ApplicationDetailSerializer, **error_responses(400, 401, 404, 409, 429)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self._application("programs.act_on_application")
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with program_errors():
            services.application_withdraw(
                application=application,
                by=request.user,
                reason=serializer.validated_data.get("reason", ""),
                expected_status=expected_status_from_if_match(request),
            )
        return self._detail(application)

    @extend_schema(
        summary="Status history",
        parameters=[ID],
        responses={200: TransitionSerializer(many=True), **error_responses(401, 404, 429)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        application = self._application()
        return Response(
            TransitionSerializer(selectors.application_timeline(application), many=True).data
        )

    @extend_schema(
        methods=["GET"],
        summary="Messages shared with the city",
        description="WeGO's internal notes are never listed.",
        parameters=[ID],
        responses={200: MessageSerializer(many=True), **error_responses(401, 404, 429)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Write to WeGO",
        description="Once submitted and until a decision; always shared.",
        parameters=[ID],
        request=MessageCreateSerializer,
        examples=[
            OpenApiExample("Message", value={"body": "The budget is confirmed."}, request_only=True)
        ],
        responses={201: MessageSerializer, **error_responses(400, 401, 404, 429)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def messages(self, request, pk=None):
        if request.method == "GET":
            application = self._application()
            return Response(
                MessageSerializer(selectors.shared_messages(application), many=True).data
            )
        application = self._application("programs.act_on_application")
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with program_errors():
            message = services.message_send_from_city(
                application=application, author=request.user, body=serializer.validated_data["body"]
            )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


def _components(items: list[dict]) -> list[dict]:
    """``[{"area": slug, "need": text}]`` (typed by the section's answers serializer) through
    the portal's own component formset."""
    areas = dict(SmartCityArea.objects.values_list("slug", "pk"))
    data = {"components-TOTAL_FORMS": str(len(items)), "components-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        area = item.get("area")
        if area and area not in areas:
            raise ValidationError({"components": [f"Unknown area “{area}”."]})
        data[f"components-{n}-area"] = str(areas[area]) if area else ""
        data[f"components-{n}-need"] = str(item.get("need") or "")
    formset = ComponentFormSet(data, prefix="components")
    if not formset.is_valid():
        messages = [
            error["message"]
            for form_errors in formset.errors
            for errs in form_errors.get_json_data().values()
            for error in errs
        ] + [str(error) for error in formset.non_form_errors()]
        raise ValidationError({"components": messages})
    return formset.components()
