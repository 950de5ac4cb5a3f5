"""Form rules shared by the portal: phone numbers, select placeholders, optional labels."""

import re

import pytest
from django.urls import reverse

from members.forms import MembershipApplicationForm, OrganizationProfileForm
from programs.forms import ContactForm
from wego_portal.phones import PhoneNumberField


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+82 2-2133-1234", "+82 2-2133-1234"),
        ("+63 78 652 1234", "+63 78 652 1234"),
        ("+1 (202) 555-0143", "+1 202-555-0143"),
        ("", ""),
    ],
)
def test_phone_numbers_with_a_country_code_are_accepted_in_international_format(typed, stored):
    assert PhoneNumberField(required=False).clean(typed) == stored


@pytest.mark.parametrize(
    "typed", ["abc", "02-2133-1234", "+82 1", "+999 123 456", "+82" + "1" * 30]
)
def test_phone_numbers_that_cannot_be_dialled_are_refused(typed):
    form = ContactForm({"contact_phone": typed})

    assert not form.is_valid()
    assert form.errors["contact_phone"] == [
        "Enter a phone number with its country code, such as +82 2 2133 1234."
    ]


@pytest.mark.django_db
def test_public_profile_phone_is_validated_too():
    form = OrganizationProfileForm({"contact_phone": "call me"})

    assert not form.is_valid()
    assert "contact_phone" in form.errors
    assert 'type="tel"' in str(form["contact_phone"])


def test_join_form_offers_no_empty_radio_and_a_select_that_says_what_to_do():
    form = MembershipApplicationForm()

    html = str(form["member_type"])
    assert [value for value, _label in form.fields["member_type"].choices] == [
        "local_government",
        "corporation",
        "institution",
    ]
    assert "checked" not in html
    assert "---------" not in str(form["country"])
    assert '<option value="" selected>Choose a country</option>' in str(form["country"])


@pytest.mark.django_db
def test_application_section_labels_only_truly_optional_questions(client):
    from programs import services
    from programs.models import Call
    from tests.factories.accounts import UserFactory
    from tests.factories.members import OrganizationFactory, OrganizationUserFactory
    from tests.factories.programs import CallFactory

    city = OrganizationFactory(slug="cauayan")
    editor = UserFactory()
    OrganizationUserFactory(organization=city, user=editor)
    call = CallFactory()
    application = services.application_start(call=call, organization=city, started_by=editor)
    client.force_login(editor)

    contact = client.get(
        reverse("programs:application_section", args=[application.pk, "contact"])
    ).content.decode()

    labels = dict(re.findall(r'<label class="field__label" for="id_(\w+)">(.*?)</label>', contact))
    assert Call.objects.count() == 1
    assert labels["contact_name"] == "Full name"  # needed to submit
    assert labels["contact_email"] == "E-mail address"
    assert labels["contact_title"] == 'Job title <span class="optional">(optional)</span>'
    assert labels["contact_phone"] == 'Phone number <span class="optional">(optional)</span>'
    assert "must be answered before you submit" in contact
