import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.enums import Stage
from awards.models import ConflictOfInterest, Score
from tests.factories.accounts import UserFactory
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryFactory,
    JudgeFactory,
    ScoreFactory,
)

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("awards:judging")
SCORE = {
    "innovation": "8",
    "impact": "9",
    "sustainability": "7",
    "replicability": "6",
    "citizen_benefit": "10",
    "comments": "Convincing figures.",
}


@pytest.fixture
def judging(edition, category, other_category, judge, seoul, makati):
    """Deadline passed, panel open: two Safe City entries (the judge's) and one Mobility."""
    now = timezone.now()
    edition.entries_open_at = now - datetime.timedelta(days=30)
    edition.entries_close_at = now - datetime.timedelta(days=2)
    edition.judging_starts_at = now - datetime.timedelta(days=1)
    edition.judging_ends_at = now + datetime.timedelta(days=10)
    edition.stage = Stage.JUDGING
    edition.save()
    return {
        "seoul": EntryFactory(
            category=category, organization=seoul, project_title="Seoul Safe Return", submitted=True
        ),
        "makati": EntryFactory(
            category=category, organization=makati, project_title="Makati Alert", submitted=True
        ),
        "mobility": EntryFactory(
            category=other_category, project_title="Bike sharing", submitted=True
        ),
        "draft": EntryFactory(category=category, project_title="Unfinished draft"),
    }


def test_the_dashboard_lists_the_judges_submitted_entries(client, judging, judge_user):
    client.force_login(judge_user)

    response = client.get(DASHBOARD)

    html = response.content.decode()
    assert [e.project_title for e in response.context["seats"][0]["entries"]] == [
        "Makati Alert",
        "Seoul Safe Return",
    ]
    assert "Bike sharing" not in html and "Unfinished draft" not in html
    assert "2 entries to judge" in html


def test_a_judge_scores_an_entry(client, judging, judge, judge_user):
    client.force_login(judge_user)
    entry = judging["seoul"]

    response = client.post(reverse("awards:judging_entry", args=[entry.pk]), SCORE)

    score = Score.objects.get()
    assert response.url == DASHBOARD
    assert (score.judge, score.entry, score.marks) == (judge, entry, [8, 9, 7, 6, 10])
    assert "Scored" in client.get(DASHBOARD).content.decode()


def test_an_invalid_mark_is_explained(client, judging, judge_user):
    client.force_login(judge_user)

    response = client.post(
        reverse("awards:judging_entry", args=[judging["seoul"].pk]), {**SCORE, "impact": "12"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Convincing figures." in html
    assert Score.objects.count() == 0


def test_a_judge_cannot_open_an_entry_of_a_category_not_assigned(client, judging, judge_user):
    client.force_login(judge_user)
    url = reverse("awards:judging_entry", args=[judging["mobility"].pk])

    assert client.get(url).status_code == 404
    assert client.post(url, SCORE).status_code == 404
    assert (
        client.get(reverse("awards:judging_conflict", args=[judging["mobility"].pk])).status_code
        == 404
    )
    assert Score.objects.count() == 0


def test_drafts_are_not_open_to_judges(client, judging, judge_user):
    client.force_login(judge_user)

    response = client.get(reverse("awards:judging_entry", args=[judging["draft"].pk]))

    assert response.status_code == 404


def test_declaring_a_conflict_blocks_the_scoring_page(client, judging, judge, judge_user):
    client.force_login(judge_user)
    entry = judging["seoul"]

    form = client.get(reverse("awards:judging_conflict", args=[entry.pk]))
    declared = client.post(
        reverse("awards:judging_conflict", args=[entry.pk]), {"reason": "I advised Seoul."}
    )
    scoring_get = client.get(reverse("awards:judging_entry", args=[entry.pk]))
    scoring_post = client.post(reverse("awards:judging_entry", args=[entry.pk]), SCORE)
    again = client.get(reverse("awards:judging_conflict", args=[entry.pk]))
    dashboard = client.get(DASHBOARD).content.decode()

    assert "Declare a conflict of interest" in form.content.decode()
    assert declared.url == DASHBOARD
    assert ConflictOfInterest.objects.get().judge == judge
    assert (scoring_get.status_code, scoring_post.status_code) == (404, 404)
    assert Score.objects.count() == 0
    assert "You declared a conflict of interest" in again.content.decode()
    assert "Conflict declared" in dashboard


def test_judges_do_not_see_each_others_scores_before_the_panel_closes(
    client, judging, edition, category, judge, judge_user, secretariat
):
    other = JudgeFactory(edition=edition, name="Philip Bane", categories=[category])
    entry = judging["seoul"]
    ScoreFactory(judge=judge, entry=entry, comments="MY-OWN-VIEW")
    ScoreFactory(judge=other, entry=entry, comments="OTHER-JUDGE-VIEW")
    client.force_login(judge_user)
    url = reverse("awards:judging_entry", args=[entry.pk])

    open_panel = client.get(url).content.decode()
    services.edition_close_panel(edition=edition, closed_by=secretariat)
    closed_panel = client.get(url).content.decode()

    assert "MY-OWN-VIEW" in open_panel
    assert "OTHER-JUDGE-VIEW" not in open_panel
    assert "Philip Bane" not in open_panel
    assert "OTHER-JUDGE-VIEW" in closed_panel
    assert "The panel&#x27;s scores" in closed_panel or "The panel's scores" in closed_panel


def test_a_closed_panel_takes_no_more_scores(client, judging, edition, judge_user, secretariat):
    services.edition_close_panel(edition=edition, closed_by=secretariat)
    client.force_login(judge_user)

    response = client.post(
        reverse("awards:judging_entry", args=[judging["seoul"].pk]), SCORE, follow=True
    )

    assert response.status_code == 200
    assert "only while the judging panel is open" in response.content.decode()
    assert Score.objects.count() == 0


def test_someone_without_a_seat_sees_no_entries(client, judging):
    client.force_login(UserFactory())

    dashboard = client.get(DASHBOARD).content.decode()
    entry = client.get(reverse("awards:judging_entry", args=[judging["seoul"].pk]))

    assert "You are not on a panel of judges" in dashboard
    assert entry.status_code == 404


def test_a_judge_of_another_edition_cannot_score(client, judging, category):
    from tests.factories.awards import CategoryFactory, EditionFactory

    elsewhere = EditionFactory(judging=True)
    stranger = JudgeFactory(
        edition=elsewhere, user=UserFactory(), categories=[CategoryFactory(edition=elsewhere)]
    )
    client.force_login(stranger.user)

    assert (
        client.get(reverse("awards:judging_entry", args=[judging["seoul"].pk])).status_code == 404
    )


def _dashboard_queries(client) -> tuple[int, list]:
    client.get(DASHBOARD)  # the first request of a session records it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    return len(queries), response.context["seats"]


def test_dashboard_query_count_does_not_grow_with_seats(client, judging, judge_user):
    """One query for the entries of every seat (not one per seat)."""
    client.force_login(judge_user)
    one_seat, seats = _dashboard_queries(client)
    for number in (1, 2):
        other = EditionFactory(number=10 + number, year=2010 + number)
        extra = CategoryFactory(edition=other, slug=f"extra-{number}")
        JudgeFactory(edition=other, name=f"Seat {number}", user=judge_user, categories=[extra])
        EntryFactory(category=extra, submitted=True)

    three_seats, seats = _dashboard_queries(client)

    assert three_seats == one_seat
    assert [len(seat["entries"]) for seat in seats] == [2, 1, 1]  # newest edition first
