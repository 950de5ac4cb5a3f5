import pytest

from tests.factories.members import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_impossible_joined_year_is_a_400_not_a_500(api):
    """Found by schemathesis: ``joined=0`` crashed building the date range."""
    OrganizationFactory()

    response = api.get("/api/v1/organizations/", {"joined": 0})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["joined"]


def test_a_member_without_an_office_has_office_null(api):
    """Found by schemathesis: ``office`` is null for members no office looks after."""
    OrganizationFactory(slug="alone", office=None)

    assert api.get("/api/v1/organizations/alone/").json()["office"] is None


def test_the_list_rows_serialize_exactly_as_the_model_serializer(db):
    """The list builds each organization from its columns (``OrganizationRowSerializer``); it
    must give what the model serializer gives, field by field and in order, in any language:
    translated texts with their fallback, a logo's absolute address, no office, no date."""
    import json
    from datetime import date

    from django.utils import translation
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from members import selectors
    from members.api.serializers import OrganizationRowSerializer, OrganizationSerializer
    from tests.factories.members import OfficeFactory

    office = OfficeFactory(slug="east-asia")
    OrganizationFactory(
        name="Seoul",
        slug="seoul",
        name_ko="서울",
        name_fr="",
        description="A city of ten million.",
        description_ar="مدينة",
        office=office,
        joined_on=date(2010, 9, 1),
        membership_class="full",
        website="https://seoul.go.kr",
        contact_email="wego@seoul.go.kr",
        logo_thumbnail="logos/thumbs/seoul.png",
    )
    OrganizationFactory(name="Alone", slug="alone", country="", region="", office=None)
    context = {"request": Request(APIRequestFactory().get("/api/v1/organizations/", secure=True))}
    shown = {}
    for language in ["en", "ko", "fr", "ar", "zh-hans"]:
        with translation.override(language):
            rows = list(selectors.organization_rows(selectors.directory_queryset()))
            instances = list(selectors.directory_queryset())
            fast = OrganizationRowSerializer(rows, many=True, context=context).data
            model = OrganizationSerializer(instances, many=True, context=context).data

            assert json.dumps(fast) == json.dumps(model)
            shown[language] = fast

    assert [row["office"] for row in shown["en"]] == [None, "east-asia"]
    assert shown["en"][1]["logo"] == "https://testserver/media/logos/thumbs/seoul.png"
    assert (shown["ko"][1]["name"], shown["ko"][1]["description"]) == (
        "서울",
        "A city of ten million.",
    )
    assert (shown["ar"][1]["name"], shown["ar"][1]["description"]) == ("Seoul", "مدينة")
    assert shown["fr"][1]["name"] == "Seoul"  # a blank translation falls back to English
