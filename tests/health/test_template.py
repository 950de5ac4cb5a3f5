"""The Data Portal's downloadable template: built, filled, uploaded, read and refused."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from health import docx
from health.enums import ModerationStatus
from health.models import Initiative

pytestmark = pytest.mark.django_db
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def filled_template(answers: dict[str, str], *, template: bytes | None = None) -> bytes:
    """The template with ``answers`` (question label -> text) typed into the answer column,
    as Word would save it."""
    source = zipfile.ZipFile(io.BytesIO(template or docx.build_template()))
    document = source.read("word/document.xml").decode()
    for label, text in answers.items():
        paragraphs = "".join(
            f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>'
            for line in text.split("\n")
        )
        pattern = re.compile(
            rf"(<w:t xml:space=\"preserve\">{re.escape(label)}</w:t>.*?</w:tc><w:tc>"
            rf"<w:tcPr>.*?</w:tcPr>)<w:p></w:p>",
            re.S,
        )
        document, found = pattern.subn(lambda m, p=paragraphs: m.group(1) + p, document, count=1)
        assert found == 1, label
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = document.encode() if item.filename == "word/document.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


def upload(data: bytes, name: str = "initiative.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX_TYPE)


ANSWERS = {
    "Title of the initiative": "Walk-through testing booths",
    "City or locality": "Seoul",
    "Country": "Republic of Korea",
    "Topic": "Testing",
    "Started": "March 2020",
    "Ended": "ongoing",
    "Summary": "Booths with gloves built into the wall.\nStaff and visitors never touch.",
    "Links": "Video: https://example.org/booth\nhttps://example.org/report",
}


def test_template_download_is_a_valid_word_document(client):
    response = client.get(reverse("health:initiative_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="wego-data-portal-initiative-template.docx"'
    )
    docx.validate_docx(upload(response.content))
    package = zipfile.ZipFile(io.BytesIO(response.content))
    assert package.testzip() is None
    assert "Title of the initiative" in package.read("word/document.xml").decode()


def test_template_is_the_same_on_every_build():
    assert docx.build_template() == docx.build_template()


def test_reading_the_filled_template_finds_every_answer():
    answers = docx.read_template(upload(filled_template(ANSWERS)))

    assert answers.values == {
        "title": "Walk-through testing booths",
        "city": "Seoul",
        "country": "KR",
        "topic": "testing",
        "started_on": datetime.date(2020, 3, 1),
        "summary": "Booths with gloves built into the wall.\nStaff and visitors never touch.",
        "links": [
            {"title": "Video", "url": "https://example.org/booth"},
            {"title": "https://example.org/report", "url": "https://example.org/report"},
        ],
    }
    assert answers.problems == []


def test_answers_that_cannot_be_understood_are_reported_not_guessed():
    answers = docx.read_template(
        upload(
            filled_template(
                {"Topic": "Vaccines for pets", "Started": "soon", "Country": "Atlantis"}
            )
        )
    )

    assert "topic" not in answers.values
    assert "started_on" not in answers.values
    assert "country" not in answers.values
    assert answers.problems == [
        "Country: “Atlantis” is not a country we know.",
        "Topic: “Vaccines for pets” is not one of the topics.",
        "Started: “soon” is not a month we understand (use 2020-05).",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05", datetime.date(2020, 5, 1)),
        ("2020-05-17", datetime.date(2020, 5, 1)),
        ("05/2020", datetime.date(2020, 5, 1)),
        ("Sept 2021", datetime.date(2021, 9, 1)),
        ("2019", datetime.date(2019, 1, 1)),
        ("2020-13", None),
        ("next spring", None),
    ],
)
def test_months_are_read_in_common_spellings(text, expected):
    assert docx.parse_month(text) == expected


def test_city_uploads_the_filled_template_and_gets_a_prefilled_draft(client, seoul, seoul_editor):
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_import"), {"template": upload(filled_template(ANSWERS))}
    )

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("health:initiative_edit", args=[initiative.pk])
    assert initiative.status == ModerationStatus.DRAFT
    assert initiative.title == "Walk-through testing booths"
    assert initiative.topic == "testing"
    assert initiative.started_on == datetime.date(2020, 3, 1)
    stored = initiative.files.get()
    assert (stored.kind, stored.original_name) == ("template", "initiative.docx")
    follow = client.get(response.url)
    assert "We copied 7 answers from your template." in follow.content.decode()


def test_a_word_document_that_is_not_the_template_is_refused(client, seoul, seoul_editor):
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as package:
        package.writestr(
            "[Content_Types].xml", f'<Types><Override ContentType="{docx.DOCX_MAIN_TYPE}"/></Types>'
        )
        package.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{docx.W}"><w:body><w:p><w:r><w:t>Minutes</w:t></w:r></w:p></w:body></w:document>',
        )
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_import"), {"template": upload(other.getvalue())}
    )

    assert response.status_code == 200
    assert Initiative.objects.count() == 0
    assert "This document is not the WeGO Data Portal template" in response.content.decode()


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def _template_parts() -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(docx.build_template()))
    return {item.filename: source.read(item) for item in source.infolist()}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 300, "must be a Word document"),
        (b"%PDF-1.4\n%%EOF\n", "must be a Word document"),
        (_zip({"hello.txt": b"hi"}), "must be a Word document"),
        (
            _zip({**_template_parts(), "word/vbaProject.bin": b"\x00" * 10}),
            "Documents with macros are not accepted",
        ),
        (
            _zip({**_template_parts(), "word/padding.bin": b"\x00" * (40 * 1024 * 1024)}),
            "unpacks to far more than a form",
        ),
        (
            _zip(
                {
                    **_template_parts(),
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                }
            ),
            "must be a Word document",
        ),
    ],
    ids=["executable", "pdf", "other-zip", "macros", "zip-bomb", "entities"],
)
def test_uploads_that_are_not_plain_word_documents_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        docx.validate_docx(upload(data))


def test_a_template_over_the_size_limit_is_refused(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1000

    with pytest.raises(ValidationError, match="The file is too large"):
        docx.validate_docx(upload(docx.build_template()))
