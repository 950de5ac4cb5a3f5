"""Who hears of what, exactly once; internal notes never reach the city."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.digest import digest_items_for
from notifications.models import Notification
from programs import services
from programs.enums import ApplicationKind, ApplicationStatus, MessageVisibility
from programs.tasks import send_reminders_task
from tests.factories.accounts import UserFactory
from tests.factories.members import OrganizationFactory
from tests.factories.programs import MilestoneFactory, ReviewFactory
from tests.members.files import pdf_upload

pytestmark = pytest.mark.django_db

S = ApplicationStatus
SF = ApplicationKind.SOLUTION_FINDER
PI = ApplicationKind.PROJECT_IMPLEMENTER
SECRET = "SECRET-NOTE-42: the mayor's budget is doubtful"


def kinds_for(address):
    return sorted(Notification.objects.filter(to_email=address).values_list("kind", flat=True))


def test_submission_sends_a_receipt_to_the_city_and_a_notice_to_reviewers_and_office(
    make_application,
    seoul_editor,
    seoul_colleague,
    reviewer,
    east_asia_staff,
    abuja_editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_application(kind=PI)
    application.call.reviewers.add(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, submitted_by=seoul_editor)

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
        [
            (
                "colleague@seoul.test",
                f"We have received your application {application.reference} to Project Implementer 2021",
            ),
            (
                "editor@seoul.test",
                f"We have received your application {application.reference} to Project Implementer 2021",
            ),
            (
                "reviewer@wego.test",
                f"New application {application.reference}: Seoul, Project Implementer 2021",
            ),
            (
                "staff@eastasia.test",
                f"New application {application.reference}: Seoul, Project Implementer 2021",
            ),
        ]
    )
    assert application.reviews.get().reviewer == reviewer
    assert kinds_for("editor@abuja.test") == []


def test_without_reviewers_or_office_the_secretariat_hears_of_a_submission(
    make_application, abuja, abuja_editor, secretariat, africa_office
):
    abuja.office = None
    abuja.save()
    application = make_application(kind=SF, organization=abuja)

    services.application_submit(application=application, submitted_by=abuja_editor)

    assert kinds_for("officer@wego.test") == ["programs.application.new_submission"]


def test_status_changes_go_to_the_citys_people_with_the_note(
    make_application,
    seoul_editor,
    seoul_colleague,
    secretariat,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_application(kind=PI, status=S.UNDER_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_shortlist(
            application=application, by=secretariat, note="Well argued proposal."
        )

    assert sorted(m.to[0] for m in mailoutbox) == ["colleague@seoul.test", "editor@seoul.test"]
    mail = mailoutbox[0]
    assert mail.subject == f"Your application {application.reference} is now: Shortlisted"
    assert "Well argued proposal." in mail.body
    assert "Your proposal is shortlisted; WeGO will select a beneficiary." in mail.body


def test_a_clarification_request_sends_the_questions(
    make_application, seoul_editor, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_clarification(
            application=application, by=secretariat, questions="Which districts flood?"
        )

    assert [m.subject for m in mailoutbox] == [
        f"WeGO has questions about your application {application.reference}"
    ]
    assert "Which districts flood?" in mailoutbox[0].body


def test_the_citys_answer_goes_to_reviewers_and_the_officer_who_asked(
    make_application,
    seoul_editor,
    secretariat,
    reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)
    ReviewFactory(application=application, reviewer=reviewer)
    services.application_request_clarification(
        application=application, by=secretariat, questions="Which districts flood?"
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.application_answer_clarification(
            application=application,
            answered_by=seoul_editor,
            answer="Districts 3 and 4.",
            files=[pdf_upload("map.pdf")],
        )

    assert sorted(m.to[0] for m in mailoutbox) == ["officer@wego.test", "reviewer@wego.test"]
    assert "Districts 3 and 4." in mailoutbox[0].body
    assert "1 file attached." in mailoutbox[0].body


def test_internal_notes_never_reach_the_city(
    client,
    make_application,
    seoul_editor,
    seoul_colleague,
    secretariat,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_application(kind=PI, status=S.SUBMITTED)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send_from_staff(
            application=application, author=secretariat, body=SECRET, visibility="internal"
        )
        # A decision with an internal note, from the back office's confirmation form.
        client.post(
            reverse("admin:programs_application_move", args=[application.pk, S.UNDER_REVIEW]),
            {
                "expected_status": S.SUBMITTED,
                "note": "We have started.",
                "internal_note": SECRET + " (again)",
            },
        )
        services.message_send_from_staff(
            application=application, author=secretariat, body="Shared hello", visibility="shared"
        )
        services.application_request_clarification(
            application=application, by=secretariat, questions="Please send the budget."
        )
    staff_page = client.get(reverse("admin:programs_application_change", args=[application.pk]))
    client.force_login(seoul_editor)
    pages = [
        client.get(application.get_absolute_url()),
        client.get(reverse("programs:application_answer", args=[application.pk])),
        client.get(reverse("programs:applications")),
    ]

    city = {"editor@seoul.test", "colleague@seoul.test"}
    city_mail = [m for m in mailoutbox if set(m.to) & city]
    city_rows = Notification.objects.filter(to_email__in=city)
    assert len(city_mail) == 6  # 3 notices x 2 people
    assert all("SECRET-NOTE-42" not in m.body for m in city_mail)
    assert all(
        "SECRET-NOTE-42" not in alt[0] for m in city_mail for alt in getattr(m, "alternatives", [])
    )
    assert all(
        "SECRET-NOTE-42" not in f"{n.subject}{n.body_text}{n.body_html}{n.message}"
        for n in city_rows
    )
    assert all("SECRET-NOTE-42" not in page.content.decode() for page in pages)
    assert "We have started." in pages[0].content.decode()
    assert "Shared hello" in pages[0].content.decode()
    assert application.messages.filter(visibility=MessageVisibility.INTERNAL).count() == 2
    assert "SECRET-NOTE-42" in staff_page.content.decode()


def test_a_shared_staff_message_is_emailed_to_the_city(
    make_application, seoul_editor, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=SF, status=S.UNDER_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send_from_staff(
            application=application, author=secretariat, body="Good news soon", visibility="shared"
        )

    assert [m.to[0] for m in mailoutbox] == ["editor@seoul.test"]
    assert "Good news soon" in mailoutbox[0].body


def test_a_reviewer_is_notified_once_when_assigned(
    make_application, secretariat, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=PI, status=S.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_assign(application=application, reviewer=reviewer, assigned_by=secretariat)
        services.review_assign(application=application, reviewer=reviewer, assigned_by=secretariat)

    assert [(m.to[0], m.subject) for m in mailoutbox] == [
        ("reviewer@wego.test", f"Please review {application.reference}: Seoul")
    ]


# --- Reminders ---------------------------------------------------------------------------------


def test_draft_reminders_go_7_days_and_1_day_before_closing_each_exactly_once(
    make_application, seoul_editor, pi_call, mailoutbox, django_capture_on_commit_callbacks
):
    make_application(kind=PI)
    closes = timezone.now() + datetime.timedelta(days=6, hours=12)
    pi_call.closes_at = closes
    pi_call.save()
    submitted = make_application(
        kind=PI, status=S.SUBMITTED, organization=OrganizationFactory(name="Busan")
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send()
        second = services.reminders_send()
        near = services.reminders_send(now=closes - datetime.timedelta(hours=20))
        near_again = services.reminders_send(now=closes - datetime.timedelta(hours=2))
        after = services.reminders_send(now=closes + datetime.timedelta(hours=1))

    assert (first.drafts, second.drafts, near.drafts, near_again.drafts, after.drafts) == (
        1,
        0,
        1,
        0,
        0,
    )
    assert [m.to[0] for m in mailoutbox] == ["editor@seoul.test", "editor@seoul.test"]
    assert "closes within 7 days" in mailoutbox[0].subject
    assert "closes within a day" in mailoutbox[1].subject
    assert "(KST)" in mailoutbox[0].body
    assert submitted.pk not in Notification.objects.values_list("object_id", flat=True)


def test_an_extended_deadline_gets_its_own_reminders(make_application, seoul_editor, pi_call):
    make_application(kind=PI)
    pi_call.closes_at = timezone.now() + datetime.timedelta(days=3)
    pi_call.save()
    services.draft_reminders_send()
    pi_call.closes_at = timezone.now() + datetime.timedelta(days=5)
    pi_call.save()

    assert services.draft_reminders_send() == 1
    assert services.draft_reminders_send() == 0


def test_review_reminders_go_once_for_reviews_outstanding_a_week(
    make_application, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    late = ReviewFactory(
        application=make_application(kind=PI, status=S.UNDER_REVIEW),
        reviewer=reviewer,
        assigned_at=timezone.now() - datetime.timedelta(days=8),
    )
    ReviewFactory(  # recent: no reminder yet
        application=make_application(kind=SF, status=S.UNDER_REVIEW),
        reviewer=reviewer,
    )

    with django_capture_on_commit_callbacks(execute=True):
        counts = [services.reminders_send().reviews for _ in range(2)]

    assert counts == [1, 0]
    assert [m.subject for m in mailoutbox] == [
        f"Reminder: your review of {late.application.reference} is not complete"
    ]


def test_milestone_reminders_go_7_days_and_1_day_before_due_each_once(
    make_application, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application(kind=PI, status=S.FEASIBILITY_STUDY)
    today = timezone.localdate()
    milestone = MilestoneFactory(
        application=application,
        title="Feasibility study report",
        due_on=today + datetime.timedelta(days=5),
    )
    MilestoneFactory(application=application, due_on=today + datetime.timedelta(days=30))
    noon = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        counts = [
            services.reminders_send(now=noon).milestones,
            services.reminders_send(now=noon).milestones,
            services.reminders_send(now=noon + datetime.timedelta(days=4)).milestones,
            services.reminders_send(now=noon + datetime.timedelta(days=4)).milestones,
        ]

    assert counts == [1, 0, 1, 0]
    assert [m.subject for m in mailoutbox] == [
        f"Milestone due on {milestone.due_on.day} {milestone.due_on:%B %Y}: Feasibility study report"
    ] * 2


def test_the_daily_task_sends_the_reminders(make_application, seoul_editor, pi_call):
    make_application(kind=PI)
    pi_call.closes_at = timezone.now() + datetime.timedelta(hours=10)
    pi_call.save()

    send_reminders_task.delay()
    send_reminders_task.delay()

    assert Notification.objects.filter(kind="programs.reminder.draft_deadline").count() == 1


def test_celery_beat_runs_the_reminders_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["programs-reminders"]

    assert entry == {"task": "programs.tasks.send_reminders_task", "schedule": 86400.0}


# --- Staff digest ------------------------------------------------------------------------------


def test_digest_counts_applications_awaiting_review_in_each_scope(
    make_application, abuja, secretariat, east_asia_staff, africa_staff, reviewer
):
    make_application(kind=SF, status=S.SUBMITTED)
    make_application(kind=PI, status=S.SUBMITTED)
    make_application(kind=PI, status=S.SUBMITTED, organization=abuja)
    in_review = make_application(kind=SF, status=S.UNDER_REVIEW, organization=abuja)
    ReviewFactory(application=in_review, reviewer=reviewer)

    def lines(user):
        return {item.label: item.count for item in digest_items_for(user)}

    awaiting = "Applications awaiting review"
    assert lines(secretariat)[awaiting] == 3
    assert lines(east_asia_staff)[awaiting] == 2
    assert lines(africa_staff)[awaiting] == 1
    assert lines(reviewer) == {"Your application reviews to complete": 1}
    assert awaiting not in lines(UserFactory(is_staff=True))
