import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from awards import services
from awards.enums import EntryStatus, Result, Stage
from awards.models import Entry, EntryDocument
from tests.factories.awards import (
    CategoryFactory,
    EditionFactory,
    EntryDocumentFactory,
    EntryFactory,
    EntryImageFactory,
    JudgeFactory,
    ScoreFactory,
    publish_results,
)
from tests.factories.members import OrganizationFactory, OrganizationUserFactory
from tests.members.files import (
    image_bomb_upload,
    pdf_upload,
    png_upload,
    polyglot_upload,
    renamed_executable_upload,
)

pytestmark = pytest.mark.django_db
PORTAL = reverse("awards:portal")

FORM = {
    "project_title": "Seoul Safe Return",
    "summary": "Safe walks home at night.",
    "problem": "Night-time safety.",
    "solution": "An app linked to CCTV and patrols.",
    "ict_used": "Mobile app, CCTV, IoT.",
    "results_impact": "40,000 escorted trips a year.",
    "started_on": "2019-05-01",
    "partners": "Seoul Metropolitan Police",
}


def pass_deadline(edition):
    edition.entries_open_at = timezone.now() - datetime.timedelta(days=30)
    edition.entries_close_at = timezone.now() - datetime.timedelta(minutes=1)
    edition.stage = Stage.JUDGING
    edition.save()


def test_a_city_user_enters_and_submits_a_project(
    client, edition, category, seoul, seoul_editor, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(seoul_editor)
    create_url = reverse("awards:entry_create", args=["seoul", edition.year])

    portal = client.get(PORTAL).content.decode()
    created = client.post(create_url, {**FORM, "category": category.pk})
    entry = Entry.objects.get()
    detail = client.get(reverse("awards:entry_manage", args=[entry.pk])).content.decode()
    check = client.get(reverse("awards:entry_submit", args=[entry.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(reverse("awards:entry_submit", args=[entry.pk]))
    confirmation = client.get(submitted.url).content.decode()

    assert create_url in portal
    assert created.url == reverse("awards:entry_manage", args=[entry.pk])
    assert "Draft: not submitted yet." in detail
    assert "Check your entry before submitting it" in check and "40,000 escorted trips" in check
    assert submitted.url == reverse("awards:entry_submitted", args=[entry.pk])
    assert "Entry submitted" in confirmation
    entry.refresh_from_db()
    assert (entry.status, entry.organization, entry.category) == ("submitted", seoul, category)
    assert [m.to for m in mailoutbox] == [["editor@seoul.test"]]
    listing = client.get(PORTAL).content.decode()
    assert "Seoul Safe Return" in listing and "Submitted" in listing


def test_a_draft_may_be_saved_incomplete(client, edition, category, seoul_editor):
    client.force_login(seoul_editor)

    client.post(
        reverse("awards:entry_create", args=["seoul", edition.year]),
        {"project_title": "Early idea", "category": category.pk},
    )

    entry = Entry.objects.get()
    page = client.get(reverse("awards:entry_manage", args=[entry.pk])).content.decode()
    assert entry.status == EntryStatus.DRAFT
    assert "Incomplete" in page
    assert "Still to complete:" in page


def test_the_entry_form_explains_errors_and_keeps_input(client, edition, category, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_create", args=["seoul", edition.year]),
        {**FORM, "project_title": "", "category": category.pk, "summary": "Kept summary"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Kept summary" in html
    assert Entry.objects.count() == 0


def test_a_project_start_date_in_the_future_is_refused(client, edition, category, seoul_editor):
    client.force_login(seoul_editor)
    next_year = timezone.localdate().year + 1

    response = client.post(
        reverse("awards:entry_create", args=["seoul", edition.year]),
        {**FORM, "category": category.pk, "started_on": f"{next_year}-01-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["started_on"] == [
        "Enter the date the project started: it must be running already, not planned."
    ]
    assert Entry.objects.count() == 0


def test_entering_the_same_project_again_is_explained(client, draft, other_category, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_create", args=["seoul", draft.edition.year]),
        {**FORM, "project_title": "SEOUL SAFE RETURN", "category": other_category.pk},
    )

    assert response.status_code == 200
    assert "already entered this project in this edition" in response.content.decode()
    assert Entry.objects.count() == 1


def test_editing_a_draft(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_edit", args=[draft.pk]),
        {**FORM, "summary": "A better summary", "category": draft.category.pk},
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.summary == "A better summary"


def test_submitting_after_the_deadline_is_refused_and_the_draft_kept(client, draft, seoul_editor):
    pass_deadline(draft.edition)
    client.force_login(seoul_editor)

    response = client.post(reverse("awards:entry_submit", args=[draft.pk]), follow=True)

    draft.refresh_from_db()
    html = response.content.decode()
    assert draft.status == EntryStatus.DRAFT
    assert "The entry deadline has passed, so the entry cannot be submitted." in html
    assert "can no longer be changed. It is kept for your records." in html


def test_a_draft_cannot_be_edited_after_the_deadline(client, draft, seoul_editor):
    pass_deadline(draft.edition)
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_edit", args=[draft.pk]),
        {**FORM, "summary": "Too late", "category": draft.category.pk},
    )

    draft.refresh_from_db()
    assert response.url == reverse("awards:entry_manage", args=[draft.pk])
    assert draft.summary != "Too late"


def test_withdrawing_an_entry_asks_first(client, draft, seoul_editor):
    services.entry_submit(entry=draft, submitted_by=seoul_editor)
    client.force_login(seoul_editor)

    confirm = client.get(reverse("awards:entry_withdraw", args=[draft.pk]))
    client.post(reverse("awards:entry_withdraw", args=[draft.pk]))

    draft.refresh_from_db()
    assert "Withdraw “Seoul Safe Return”?" in confirm.content.decode()
    assert draft.status == EntryStatus.WITHDRAWN


@pytest.mark.parametrize(
    "url_name",
    [
        "awards:entry_manage",
        "awards:entry_edit",
        "awards:entry_images",
        "awards:entry_documents",
        "awards:entry_submit",
        "awards:entry_submitted",
        "awards:entry_withdraw",
    ],
)
def test_another_citys_entry_is_not_found(client, draft, makati_editor, url_name):
    client.force_login(makati_editor)
    url = reverse(url_name, args=[draft.pk])

    get = client.get(url)
    post = client.post(url, {**FORM, "category": draft.category.pk})

    draft.refresh_from_db()
    assert (get.status_code, post.status_code) == (404, 404)
    assert draft.status == EntryStatus.DRAFT
    assert draft.project_title == "Seoul Safe Return"


def test_another_citys_files_cannot_be_removed(client, draft, makati_editor):
    image = EntryImageFactory(entry=draft)
    document = EntryDocumentFactory(entry=draft)
    client.force_login(makati_editor)

    responses = [
        client.post(reverse("awards:entry_image_delete", args=[draft.pk, image.pk])),
        client.post(reverse("awards:entry_document_delete", args=[draft.pk, document.pk])),
        client.post(
            reverse("awards:entry_document_visibility", args=[draft.pk, document.pk]),
            {"is_public": "on"},
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    document.refresh_from_db()
    assert draft.images.count() == 1
    assert document.is_public is False


def test_a_user_cannot_enter_for_another_city(client, edition, category, makati_editor):
    client.force_login(makati_editor)

    response = client.post(
        reverse("awards:entry_create", args=["seoul", edition.year]),
        {**FORM, "category": category.pk},
    )

    assert response.status_code == 404
    assert Entry.objects.count() == 0


def test_a_corporation_cannot_enter(client, edition, category, corporation_editor):
    client.force_login(corporation_editor)

    form = client.get(reverse("awards:entry_create", args=["fatos", edition.year]))
    portal = client.get(PORTAL).content.decode()

    assert form.status_code == 404
    assert "open to active local-government members only" in portal
    assert "/enter/" not in portal


def test_visitors_are_asked_to_sign_in(client, draft):
    response = client.get(reverse("awards:entry_manage", args=[draft.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Files -------------------------------------------------------------------------------------


def test_an_image_is_reencoded_with_a_thumbnail(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_images", args=[draft.pk]),
        {"image": png_upload(width=2400, height=1200), "caption": "The app"},
    )

    image = draft.images.get()
    assert response.status_code == 302
    with image.image.open("rb") as full, Image.open(full) as picture:
        assert (picture.format, picture.size) == ("PNG", (1600, 800))
    with image.thumbnail.open("rb") as thumb, Image.open(thumb) as picture:
        assert max(picture.size) == 480
    served = client.get(reverse("awards:image_thumbnail", args=[image.pk]))
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (renamed_executable_upload, "The file must be an image"),
        (image_bomb_upload, "The image has too many pixels"),
    ],
)
def test_hostile_images_are_refused(client, draft, seoul_editor, upload, message):
    client.force_login(seoul_editor)

    response = client.post(reverse("awards:entry_images", args=[draft.pk]), {"image": upload()})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert draft.images.count() == 0


def test_a_polyglot_image_keeps_only_its_pixels(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    client.post(reverse("awards:entry_images", args=[draft.pk]), {"image": polyglot_upload()})

    stored = draft.images.get().image.read()
    assert stored.startswith(b"\x89PNG")
    assert b"<script>" not in stored


def test_a_document_must_be_a_pdf(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("awards:entry_documents", args=[draft.pk]),
        {"file": png_upload(name="report.pdf"), "title": "Report"},
    )

    assert "The file must be a PDF document" in response.content.decode()
    assert draft.documents.count() == 0


def test_a_document_is_stored_privately_and_its_publication_chosen(client, draft, seoul_editor):
    client.force_login(seoul_editor)

    client.post(
        reverse("awards:entry_documents", args=[draft.pk]),
        {"file": pdf_upload(), "title": "Impact evaluation"},
    )
    document = EntryDocument.objects.get()
    client.post(
        reverse("awards:entry_document_visibility", args=[draft.pk, document.pk]),
        {"is_public": "on"},
    )

    document.refresh_from_db()
    assert (document.title, document.is_public) == ("Impact evaluation", True)
    with pytest.raises(ValueError, match="no public URL"):
        document.file.url  # noqa: B018


# --- Scores stay with the panel ----------------------------------------------------------------


def test_cities_never_see_scores(
    client, edition, category, seoul, seoul_editor, secretariat, judge
):
    entry = EntryFactory(category=category, organization=seoul, submitted=True)
    other_judge = JudgeFactory(edition=edition, categories=[category])
    ScoreFactory(judge=judge, entry=entry, innovation=9, comments="SECRET-COMMENT-ONE")
    ScoreFactory(judge=other_judge, entry=entry, comments="SECRET-COMMENT-TWO")
    pass_deadline(edition)
    services.entry_record_result(entry=entry, result=Result.WINNER, recorded_by=secretariat)
    client.force_login(seoul_editor)

    pages = [
        client.get(PORTAL),
        client.get(reverse("awards:entry_manage", args=[entry.pk])),
        client.get(reverse("awards:judging_entry", args=[entry.pk])),
    ]
    publish_results(edition, secretariat)
    pages += [
        client.get(reverse("awards:entry_manage", args=[entry.pk])),
        client.get(edition.get_absolute_url()),
        client.get(reverse("awards:entry", args=[edition.year, entry.pk])),
        client.get(seoul.get_absolute_url()),
    ]

    assert pages[2].status_code == 404
    for page in pages:
        html = page.content.decode()
        assert "SECRET-COMMENT" not in html
        assert "Innovation" not in html
        assert "Mean" not in html


def _portal_queries(client) -> tuple[int, str]:
    client.get(PORTAL)  # the first request of a session records it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PORTAL)
    return len(queries), response.content.decode()


def test_portal_query_count_does_not_grow_with_entries_and_editions(
    client, edition, category, seoul, seoul_editor
):
    EntryFactory(category=category, organization=seoul, project_title="First")
    client.force_login(seoul_editor)
    few, _html = _portal_queries(client)
    for number in (1, 2, 3):
        other = EditionFactory(number=20 + number, year=2000 + number)
        extra = CategoryFactory(edition=other, slug=f"more-{number}")
        EntryFactory(category=extra, organization=seoul, project_title=f"Entry {number}")
        city = OrganizationFactory(slug=f"city-more-{number}")
        OrganizationUserFactory(organization=city, user=seoul_editor)
        EntryFactory(category=category, organization=city, project_title=f"Other {number}")

    many, html = _portal_queries(client)

    assert many == few
    assert "Entry 3" in html and "Other 3" in html
