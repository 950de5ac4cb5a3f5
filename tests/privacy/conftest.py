# ruff: noqa: F811  (fixtures imported from tests/programs/conftest.py are parameters here)
import pytest

from programs.enums import ApplicationStatus
from tests.factories.accounts import UserFactory
from tests.factories.events import EventRegistrationFactory
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.programs import ApplicationAttachmentFactory, ApplicationMessageFactory
from tests.programs.conftest import (  # noqa: F401  (shared fixtures: offices, cities, people)
    abuja,
    africa_office,
    africa_staff,
    areas,
    east_asia,
    east_asia_staff,
    make_application,
    pi_call,
    pi_program,
    secretariat,
    seoul,
    seoul_editor,
    sf_call,
    sf_program,
)


@pytest.fixture
def makati(east_asia):
    return OrganizationFactory(name="Makati", slug="makati", country="PH", office=east_asia)


@pytest.fixture
def makati_editor(makati):
    user = UserFactory(email="editor@makati.test", full_name="Juan Makati")
    OrganizationUserFactory(organization=makati, user=user)
    return user


@pytest.fixture
def seoul_data(make_application, seoul_editor):
    application = make_application(status=ApplicationStatus.SUBMITTED)
    application.created_by = seoul_editor
    application.save(update_fields=["created_by"])
    attachment = ApplicationAttachmentFactory(
        application=application, uploaded_by=seoul_editor, original_name="plan.pdf"
    )
    ApplicationMessageFactory(application=application, author=seoul_editor, body="Our answer.")
    registration = EventRegistrationFactory(
        user=seoul_editor, email=seoul_editor.email, name=seoul_editor.full_name
    )
    notice = NotificationFactory(recipient=seoul_editor, subject="Your application was received")
    return application, attachment, registration, notice


@pytest.fixture
def makati_data(make_application, makati, makati_editor, sf_call):
    application = make_application(organization=makati)
    application.created_by = makati_editor
    application.save(update_fields=["created_by"])
    EventRegistrationFactory(user=makati_editor, email=makati_editor.email, name="Juan Makati")
    NotificationFactory(recipient=makati_editor, subject="Makati notice")
    return application
