import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from awards import services
from awards.enums import Result, Stage
from awards.models import Entry
from members.services import office_staff_group_ensure
from tests.factories.accounts import UserFactory
from tests.factories.awards import EntryFactory, JudgeFactory, ScoreFactory
from tests.factories.members import OfficeFactory, OrganizationFactory
from tests.members.files import png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def judged(edition, category, seoul, makati, secretariat):
    """Judging over: Seoul scored 9 and 7 (avg 8), Makati 6 (avg 6); a corporation-free panel."""
    now = timezone.now()
    edition.entries_open_at = now - datetime.timedelta(days=30)
    edition.entries_close_at = now - datetime.timedelta(days=3)
    edition.judging_starts_at = now - datetime.timedelta(days=2)
    edition.judging_ends_at = now - datetime.timedelta(days=1)
    edition.stage = Stage.JUDGING
    edition.save()
    a, b = (JudgeFactory(edition=edition, categories=[category]) for _ in range(2))
    seoul_entry = EntryFactory(
        category=category, organization=seoul, project_title="Seoul Safe Return", submitted=True
    )
    makati_entry = EntryFactory(
        category=category, organization=makati, project_title="Makati Alert", submitted=True
    )
    marks = ["innovation", "impact", "sustainability", "replicability", "citizen_benefit"]
    ScoreFactory(judge=a, entry=seoul_entry, **dict.fromkeys(marks, 9))
    ScoreFactory(judge=b, entry=seoul_entry, **dict.fromkeys(marks, 7))
    ScoreFactory(judge=a, entry=makati_entry, **dict.fromkeys(marks, 6))
    return seoul_entry, makati_entry


def test_the_scoring_overview_shows_averages_and_ranks(client, judged, secretariat):
    seoul_entry, makati_entry = judged
    client.force_login(secretariat)

    response = client.get(reverse("admin:awards_edition_scoring", args=[seoul_entry.edition_id]))

    [block] = response.context["overview"]
    assert [(r.entry, r.rank, r.average, r.score_count) for r in block["rows"]] == [
        (seoul_entry, 1, 8.0, 2),
        (makati_entry, 2, 6.0, 1),
    ]
    assert block["judges"] == 2
    assert "8.00" in response.content.decode()


def test_the_secretariat_records_results_and_publishes(
    client,
    judged,
    secretariat,
    seoul_editor,
    makati_editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    seoul_entry, makati_entry = judged
    edition = seoul_entry.edition
    client.force_login(secretariat)
    scoring = reverse("admin:awards_edition_scoring", args=[edition.pk])

    publish = reverse("admin:awards_edition_publish", args=[edition.pk])

    client.post(scoring, {"entry": seoul_entry.pk, "result": Result.WINNER})
    client.post(scoring, {"entry": makati_entry.pk, "result": Result.SPECIAL_MENTION})
    too_early = client.post(publish)
    client.post(
        reverse("admin:awards_edition_move", args=[edition.pk, Stage.RESULTS_RECORDED]),
        {"note": "Panel met on 3 March."},
    )
    confirm = client.get(publish)
    without_reason = client.post(publish)
    edition.refresh_from_db()
    assert edition.results_published is False  # one judge has not scored Makati
    with django_capture_on_commit_callbacks(execute=True):
        published = client.post(publish, {"override_reason": "Judge unreachable; panel agreed."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish, {"override_reason": "again"})

    edition.refresh_from_db()
    assert too_early.status_code == 302
    html = confirm.content.decode()
    assert "2 entrant cities will be e-mailed." in html
    assert "Ranking" in html and "Makati Alert" in html and "8.00" in html
    assert "1 entry is not scored by every judge of its panel" in html
    assert without_reason.status_code == 302
    assert published.status_code == 302
    assert edition.results_published is True
    assert list(
        edition.transitions.values_list("from_stage", "to_stage", "by", "note", "override")
    ) == [
        ("judging", "results_recorded", secretariat.pk, "Panel met on 3 March.", False),
        ("results_recorded", "published", secretariat.pk, "Judge unreachable; panel agreed.", True),
    ]
    assert sorted(Entry.objects.values_list("result", flat=True)) == [
        "special_mention",
        "winner",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == ["editor@makati.test", "editor@seoul.test"]
    public = client.get(edition.get_absolute_url()).content.decode()
    assert "Seoul Safe Return" in public and "Makati Alert" in public


def test_regional_office_staff_cannot_open_the_awards_back_office(client, judged):
    staff = UserFactory(is_staff=True)
    staff.groups.add(office_staff_group_ensure(office=OfficeFactory()))
    client.force_login(staff)

    changelist = client.get(reverse("admin:awards_score_changelist"))
    scoring = client.get(reverse("admin:awards_edition_scoring", args=[judged[0].edition_id]))

    assert changelist.status_code == 403
    assert scoring.status_code == 404  # not in the (empty) list of editions it may see


def test_entries_filter_by_region_and_status(client, judged, secretariat, category):
    EntryFactory(
        category=category,
        organization=OrganizationFactory(name="Abuja", country="NG", region="africa"),
    )
    client.force_login(secretariat)
    changelist = reverse("admin:awards_entry_changelist")

    africa = client.get(changelist, {"region": "africa"})
    submitted = client.get(changelist, {"status__exact": "submitted"})

    assert [e.entrant_name for e in africa.context["cl"].result_list] == ["Abuja"]
    assert {e.entrant_name for e in submitted.context["cl"].result_list} == {"Seoul", "Makati"}


def test_export_scores_as_csv(client, judged, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:awards_score_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"scoreresource_{f}": "on" for f in ["entrant", "judge", "impact", "mean"]},
        },
    )

    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "Seoul" in body and "9.0" in body


def test_export_entries_as_csv(client, judged, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("admin:awards_entry_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"entryresource_{f}": "on" for f in ["entrant_name", "project_title", "status"]},
        },
    )

    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "Seoul Safe Return" in body and "Makati Alert" in body


def test_assigning_a_judge_in_the_admin_tells_the_judge(
    client, edition, category, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    account = UserFactory(email="panel@judge.test")
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:awards_judge_add"),
            {
                "edition": edition.pk,
                "name": "Shipra Narang Suri",
                "title": "Chief",
                "affiliation": "UN-Habitat",
                "bio": "",
                "user": account.pk,
                "categories": [category.pk],
                "position": 1,
                "photo_upload": png_upload(width=900, height=600),
            },
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    judge = account.award_judgeships.get()
    assert list(judge.categories.all()) == [category]
    assert [m.to for m in mailoutbox] == [["panel@judge.test"]]
    with Image.open(judge.photo.path) as photo, Image.open(judge.photo_thumbnail.path) as thumb:
        assert (photo.format, photo.size, max(thumb.size)) == ("PNG", (600, 400), 200)


def test_the_staff_digest_counts_entries_awaiting_results(judged, secretariat):
    from notifications.digest import digest_items_for

    lines = {item.label: item.count for item in digest_items_for(secretariat)}
    regional = UserFactory(is_staff=True)

    assert lines["WeGO Awards entries awaiting judging and results"] == 2
    assert "WeGO Awards entries awaiting judging and results" not in {
        item.label for item in digest_items_for(regional)
    }


def test_entry_actions_record_results(client, judged, secretariat):
    _seoul_entry, makati_entry = judged
    client.force_login(secretariat)

    client.post(
        reverse("admin:awards_entry_changelist"),
        {"action": "record_special_mention", "_selected_action": [makati_entry.pk]},
    )

    makati_entry.refresh_from_db()
    assert makati_entry.result == Result.SPECIAL_MENTION


def test_a_result_recorded_meanwhile_by_a_colleague_is_not_overwritten(client, judged, secretariat):
    seoul_entry, _makati_entry = judged
    client.force_login(secretariat)
    scoring = reverse("admin:awards_edition_scoring", args=[seoul_entry.edition_id])
    page = client.get(scoring).content.decode()
    assert '<input type="hidden" name="expected_result" value="">' in page

    # A colleague records "winner"; this officer, still seeing no award, picks a special mention.
    services.entry_record_result(
        entry=seoul_entry, result=Result.WINNER, recorded_by=secretariat, expected_result=""
    )
    response = client.post(
        scoring,
        {"entry": seoul_entry.pk, "result": Result.SPECIAL_MENTION, "expected_result": ""},
        follow=True,
    )

    seoul_entry.refresh_from_db()
    assert seoul_entry.result == Result.WINNER
    assert "This entry changed meanwhile: it is now “Winner”." in response.content.decode()


def test_a_stage_move_on_a_stale_page_is_refused(client, judged, secretariat):
    seoul_entry, _makati_entry = judged
    edition = seoul_entry.edition
    client.force_login(secretariat)
    services.entry_record_result(entry=seoul_entry, result=Result.WINNER, recorded_by=secretariat)
    move = reverse("admin:awards_edition_move", args=[edition.pk, Stage.RESULTS_RECORDED])
    ask = client.get(move)
    assert f'name="expected_stage" value="{Stage.JUDGING}"' in ask.content.decode()
    services.edition_move(edition=edition, to_stage=Stage.RESULTS_RECORDED, by=secretariat)

    # Seeing "judging", the officer confirms; meanwhile it moved on: nothing happens twice.
    response = client.post(move, {"expected_stage": Stage.JUDGING, "note": ""}, follow=True)

    assert "This edition changed meanwhile" in response.content.decode()
    assert edition.transitions.filter(to_stage=Stage.RESULTS_RECORDED).count() == 1
