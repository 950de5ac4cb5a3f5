import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import ApiTokenName, User
from accounts.services import api_token_create
from events.models import EventRegistration
from governance import services as governance_services
from health.models import Inquiry
from members.models import MembershipApplication
from privacy.enums import ErasureState
from privacy.models import ErasureRequest
from privacy.tasks import erase_due_accounts_task
from programs.models import Application
from tests.factories.events import EventRegistrationFactory
from tests.factories.health import InquiryFactory
from tests.factories.members import MembershipApplicationFactory
from tests.factories.notifications import NotificationFactory

from .scan import tables_containing

pytestmark = pytest.mark.django_db


def test_a_user_deleted_through_the_journey_leaves_no_trace(
    client, seoul_editor, seoul_data, secretariat
):
    application, _attachment, _registration, _notice = seoul_data
    NotificationFactory(
        recipient=secretariat,
        subject="Kim Seoul submitted an application",
        body_text="Kim Seoul (editor@seoul.test) submitted SF-1.",
    )
    InquiryFactory(email="editor@seoul.test", name="Kim Seoul")
    api_token_create(user=seoul_editor, name="Kim Seoul's sync", expires_in_days=None)
    governance_services.audit("delegate.named", actor=seoul_editor)  # append-only, yet blanked
    client.force_login(seoul_editor)
    client.get(reverse("privacy:my_data"))  # a tracked session (allauth's user sessions)
    assert tables_containing("editor@seoul.test")  # the scan does find what is there

    assert client.post(reverse("privacy:erasure_request")).status_code == 302
    wrong = client.post(reverse("privacy:erasure_confirm"), {"email": "someone@else.test"})
    assert wrong.status_code == 400
    assert ErasureRequest.objects.get().state == ErasureState.REQUESTED
    confirmed = client.post(reverse("privacy:erasure_confirm"), {"email": "Editor@Seoul.test"})
    assert confirmed.status_code == 302
    request = ErasureRequest.objects.get()
    assert request.state == ErasureState.CONFIRMED
    assert request.due_at - request.confirmed_at == datetime.timedelta(days=14)

    erase_due_accounts_task.delay()  # within the grace period: nothing happens
    assert User.objects.get(pk=seoul_editor.pk).erased_at is None

    ErasureRequest.objects.filter(pk=request.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    erase_due_accounts_task.delay()

    assert tables_containing("editor@seoul.test", "Kim Seoul") == []
    erased = User.objects.get(pk=seoul_editor.pk)
    assert str(erased) == "a former contact of Seoul"
    assert not erased.is_active and not erased.has_usable_password()
    assert ErasureRequest.objects.get().state == ErasureState.DONE
    application = Application.objects.select_related("solution_finder").get(pk=application.pk)
    assert application.created_by == erased
    assert (
        application.solution_finder.urban_challenges
        == "Floods every summer cut the eastern districts off."
    )
    assert application.messages.get().body == "Our answer."
    assert application.attachments.count() == 1
    assert not AuthToken.objects.filter(user=erased).exists()
    assert not ApiTokenName.objects.exists()
    assert not EmailAddress.objects.filter(user=erased).exists()
    assert Session.objects.count() == 0
    assert client.get(reverse("privacy:my_data")).status_code == 302  # signed out everywhere


def test_erasure_can_be_cancelled_during_the_grace_period(client, seoul_editor):
    client.force_login(seoul_editor)
    client.post(reverse("privacy:erasure_request"))
    client.post(reverse("privacy:erasure_confirm"), {"email": seoul_editor.email})
    assert client.post(reverse("privacy:erasure_cancel")).status_code == 302
    ErasureRequest.objects.update(due_at=timezone.now() - datetime.timedelta(days=1))
    erase_due_accounts_task.delay()
    assert ErasureRequest.objects.get().state == ErasureState.CANCELLED
    assert User.objects.get(pk=seoul_editor.pk).email == "editor@seoul.test"


def test_secretariat_erases_a_visitors_data(client, secretariat):
    EventRegistrationFactory(email="vera@example.org", name="Vera Visitor")
    InquiryFactory(email="vera@example.org", name="Vera Visitor")
    MembershipApplicationFactory(contact_email="vera@example.org", contact_name="Vera Visitor")
    NotificationFactory(recipient=None, to_email="vera@example.org")
    kept = EventRegistrationFactory(email="otto@example.org", name="Otto Other")
    client.force_login(secretariat)
    url = reverse("admin:privacy_dataexport_visitor")

    unconfirmed = client.post(url, {"email": "vera@example.org", "erase": "1"})
    assert unconfirmed.status_code == 200
    assert EventRegistration.objects.filter(email="vera@example.org").exists()

    response = client.post(url, {"email": "vera@example.org", "erase": "1", "confirm": "yes"})
    assert response.status_code == 302
    assert tables_containing("vera@example.org", "Vera Visitor") == []
    assert list(EventRegistration.objects.all()) == [kept]
    assert not Inquiry.objects.exists() and not MembershipApplication.objects.exists()


def test_visitor_erasure_is_the_secretariats_alone(client, east_asia_staff):
    EventRegistrationFactory(email="vera@example.org")
    client.force_login(east_asia_staff)
    response = client.post(
        reverse("admin:privacy_dataexport_visitor"),
        {"email": "vera@example.org", "erase": "1", "confirm": "yes"},
    )
    assert response.status_code == 403
    assert EventRegistration.objects.filter(email="vera@example.org").exists()
