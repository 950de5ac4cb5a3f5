"""Stale-decision guard: a decision made on a status the application no longer has is refused."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from notifications.models import Notification
from programs import services
from programs.enums import ApplicationKind, ApplicationStatus
from programs.errors import ApplicationChangedMeanwhile
from programs.models import Application, ApplicationTransition, SmartCityArea
from tests.factories.programs import CallFactory
from wego_portal.stale_decisions import (
    ChangedMeanwhile,
    check_expected_status,
    expected_status_from_if_match,
)

S = ApplicationStatus
PI = ApplicationKind.PROJECT_IMPLEMENTER
SF = ApplicationKind.SOLUTION_FINDER
STATUS_NOTICE = "programs.application.status_changed"


@pytest.fixture
def areas(db):
    """The area the applications need (an earlier test that commits may have flushed the
    areas the migrations load)."""
    area, _created = SmartCityArea.objects.get_or_create(
        slug="water-management", defaults={"name": "Water management"}
    )
    return {area.slug: area}


def _move_url(application, status):
    return reverse("admin:programs_application_move", args=[application.pk, status])


def _status_notices(application) -> int:
    return Notification.objects.filter(kind=STATUS_NOTICE, object_id=application.pk).count()


@pytest.mark.django_db
def test_second_officer_gets_changed_meanwhile_and_the_city_one_email(
    client, secretariat, seoul_editor, make_application, django_capture_on_commit_callbacks
):
    application = make_application(kind=PI, status=S.SUBMITTED)
    client.force_login(secretariat)
    # Officer A opens the change page while it is "submitted" and follows "Decline".
    change_page = client.get(reverse("admin:programs_application_change", args=[application.pk]))
    decline_link = f"{_move_url(application, S.DECLINED)}?expected_status=submitted"
    assert decline_link.replace("&", "&amp;") in change_page.content.decode()
    ask = client.get(decline_link)

    # Officer B starts the review meanwhile.
    with django_capture_on_commit_callbacks(execute=True):
        services.application_start_review(
            application=application, by=secretariat, expected_status=S.SUBMITTED
        )
    assert [m.to for m in mail.outbox] == [[seoul_editor.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            decline_link,
            {"expected_status": ask.context["form"]["expected_status"].value(), "note": "No."},
        )

    application.refresh_from_db()
    assert refused.status_code == 200
    assert "This application changed meanwhile: it is now “Under review”." in (
        refused.content.decode()
    )
    assert application.status == S.UNDER_REVIEW
    assert list(application.transitions.values_list("to_status", flat=True)) == [S.UNDER_REVIEW]
    assert _status_notices(application) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_move_on_the_status_the_officer_saw_applies(client, secretariat, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    response = client.post(
        _move_url(application, S.DECLINED), {"expected_status": S.UNDER_REVIEW, "note": "No."}
    )

    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == S.DECLINED


@pytest.mark.django_db
def test_a_move_form_without_the_status_seen_is_refused(client, secretariat, make_application):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)
    client.force_login(secretariat)

    response = client.post(_move_url(application, S.DECLINED), {"note": "No."})

    application.refresh_from_db()
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    assert application.status == S.UNDER_REVIEW


@pytest.mark.django_db
def test_bulk_move_refuses_an_application_that_changed_after_the_confirmation_page(
    client, secretariat, make_application, abuja
):
    changed = make_application(kind=PI, status=S.SUBMITTED)
    unchanged = make_application(kind=SF, status=S.SUBMITTED, organization=abuja)
    data = {"action": "decline", "_selected_action": [changed.pk, unchanged.pk]}
    client.force_login(secretariat)
    ask = client.post(reverse("admin:programs_application_changelist"), data)
    assert f'name="expected_status_{changed.pk}" value="submitted"' in ask.content.decode()

    services.application_start_review(application=changed, by=secretariat)
    response = client.post(
        reverse("admin:programs_application_changelist"),
        {
            **data,
            "confirmed": "yes",
            "note": "Not this year",
            f"expected_status_{changed.pk}": "submitted",
            f"expected_status_{unchanged.pk}": "submitted",
        },
        follow=True,
    )

    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {changed.pk: S.UNDER_REVIEW, unchanged.pk: S.DECLINED}
    assert "This application changed meanwhile" in response.content.decode()


@pytest.mark.django_db
def test_city_withdrawal_on_a_stale_page_is_refused(
    client, make_application, seoul_editor, secretariat
):
    application = make_application(kind=SF, status=S.SUBMITTED)
    client.force_login(seoul_editor)
    url = reverse("programs:application_withdraw", args=[application.pk])
    ask = client.get(url)
    services.application_start_review(application=application, by=secretariat)

    response = client.post(
        url, {"expected_status": ask.context["form"]["expected_status"].value()}, follow=True
    )

    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    assert "This application changed meanwhile" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_apply_exactly_one_move(
    secretariat, seoul_editor, make_application, pi_program
):
    """Ten pairs of concurrent decisions (each its own connection) on submitted applications."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL")
    applications = [
        make_application(
            kind=PI,
            status=S.SUBMITTED,
            call=CallFactory(program=pi_program, slug=f"pi-{n}", kind=PI),
        )
        for n in range(10)
    ]

    def decide(application, to_status, outcomes):
        try:
            services.application_staff_move(
                application=Application.objects.get(pk=application.pk),
                to_status=to_status,
                by=secretariat,
                note="",
                expected_status=S.SUBMITTED,
            )
        except ApplicationChangedMeanwhile:
            outcomes.append(("refused", to_status))
        else:
            outcomes.append(("applied", to_status))
        finally:
            connection.close()

    for application in applications:
        outcomes: list = []
        barrier = threading.Barrier(2)

        def run(status, application=application, outcomes=outcomes, barrier=barrier):
            barrier.wait()
            decide(application, status, outcomes)

        threads = [threading.Thread(target=run, args=(s,)) for s in (S.UNDER_REVIEW, S.DECLINED)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(kind for kind, _status in outcomes) == ["applied", "refused"]
        applied = next(status for kind, status in outcomes if kind == "applied")
        application.refresh_from_db()
        assert application.status == applied
        assert ApplicationTransition.objects.filter(application=application).count() == 1
        assert _status_notices(application) == 1


def test_check_expected_status_names_the_current_status():
    check_expected_status(current="submitted", expected=None)
    check_expected_status(current="submitted", expected="submitted")

    with pytest.raises(ChangedMeanwhile) as refused:
        check_expected_status(current="under_review", expected="submitted", labels=dict(S.choices))

    assert (refused.value.expected, refused.value.current) == ("submitted", "under_review")
    assert "it is now “Under review”" in str(refused.value)


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("*", None), ('"submitted"', "submitted"), ('W/"declined", "x"', "declined")],
)
def test_if_match_names_the_status_seen(rf, header, expected):
    request = rf.post("/", HTTP_IF_MATCH=header) if header else rf.post("/")

    assert expected_status_from_if_match(request) == expected
