import pytest
from django.urls import reverse

from privacy import services
from privacy.models import ConsentRecord
from tests.factories.events import EventRegistrationFactory

pytestmark = pytest.mark.django_db


def test_consent_records_the_text_version_and_can_be_withdrawn(settings):
    settings.PRIVACY_CONSENT_TEXT_VERSIONS = {"share_with_host": "3", "newsletter": "1"}
    registration = EventRegistrationFactory()
    record = services.consent_give(purpose="share_with_host", subject=registration)
    assert (record.text_version, record.subject) == (
        "3",
        f"events.EventRegistration:{registration.pk}",
    )
    assert services.consent_active(purpose="share_with_host", subject=registration)
    assert services.consent_withdraw(purpose="share_with_host", subject=registration) == 1
    assert not services.consent_active(purpose="share_with_host", subject=registration)
    assert ConsentRecord.objects.get().withdrawn_at is not None


def test_a_consent_record_holds_no_contact_details():
    registration = EventRegistrationFactory(email="vera@example.org", name="Vera")
    record = services.consent_give(purpose="share_with_host", subject=registration)
    assert "vera" not in str(vars(record)).lower()


def test_agreeing_again_to_the_same_text_records_nothing_new_a_new_version_replaces(settings):
    registration = EventRegistrationFactory()
    first = services.consent_give(purpose="share_with_host", subject=registration)

    assert services.consent_give(purpose="share_with_host", subject=registration) == first

    settings.PRIVACY_CONSENT_TEXT_VERSIONS = {"share_with_host": "2", "newsletter": "1"}
    second = services.consent_give(purpose="share_with_host", subject=registration)
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert (second.text_version, second.withdrawn_at) == ("2", None)


def test_every_recorded_version_of_a_text_can_be_shown():
    assert services.consent_text(purpose="share_with_host", version="1").startswith(
        "Share my name, organization and e-mail address"
    )
    assert services.consent_text(purpose="share_with_host", version="99") == ""


def test_the_back_office_shows_what_was_agreed_and_filters_withdrawn_consents(client, secretariat):
    kept = services.consent_give(purpose="share_with_host", subject=EventRegistrationFactory())
    withdrawn_for = EventRegistrationFactory()
    services.consent_give(purpose="share_with_host", subject=withdrawn_for)
    services.consent_withdraw(purpose="share_with_host", subject=withdrawn_for)
    client.force_login(secretariat)

    detail = client.get(reverse("admin:privacy_consentrecord_change", args=[kept.pk]))
    active = client.get(
        reverse("admin:privacy_consentrecord_changelist") + "?withdrawn_at__isempty=1"
    )

    assert "Share my name, organization and e-mail address" in detail.content.decode()
    assert active.context["cl"].result_count == 1


def test_my_data_lists_my_newsletter_consent_with_the_page_that_manages_it(client):
    from newsletter.tokens import manage_token
    from tests.factories.accounts import UserFactory
    from tests.factories.newsletter import SubscriberFactory

    me = UserFactory(email="Vera@City.test")
    other = UserFactory(email="someone@city.test")
    mine = SubscriberFactory(email="vera@city.test")
    theirs = SubscriberFactory(email="someone@city.test")
    for subscriber in (mine, theirs):
        services.consent_give(purpose="newsletter", subject=subscriber)

    client.force_login(me)
    page = client.get(reverse("privacy:my_data")).content.decode()

    manage = reverse("newsletter:preferences", args=[manage_token(mine.key)])
    assert "vera@city.test" in page
    assert manage in page
    assert "someone@city.test" not in page
    assert client.get(manage).status_code == 200

    # Managed there, not withdrawn here: the privacy endpoint refuses the newsletter's record
    # (withdrawing only the consent would leave the subscription sending).
    record = ConsentRecord.objects.get(subject=services.consent_subject(mine))
    response = client.post(reverse("privacy:consent_withdraw", args=[record.pk]))
    assert response.status_code == 404
    client.force_login(other)
    assert "vera@city.test" not in client.get(reverse("privacy:my_data")).content.decode()
