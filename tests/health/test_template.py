"""The Data Portal's downloadable template: built, filled, uploaded, read and refused."""

import datetime
import io
import zipfile

import docx as python_docx
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
    one paragraph per line, as Word would save it."""
    document = python_docx.Document(io.BytesIO(template or docx.build_template()))
    rows = {row.cells[0].paragraphs[0].text: row for row in document.tables[0].rows}
    for label, text in answers.items():
        answer = rows[label].cells[1]
        first, *more = text.split("\n")
        answer.paragraphs[0].text = first
        for line in more:
            answer.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word_document(*paragraphs: str) -> bytes:
    """A Word document that is not the template."""
    document = python_docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
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
    client.force_login(seoul_editor)

    response = client.post(
        reverse("health:initiative_import"),
        {"template": upload(word_document("Minutes", "Present: the mayor"))},
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


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<lolz>&lol3;</lolz>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">&x;'
    b"</Relationships>"
)


def _with_main_type(content_type: str) -> bytes:
    parts = _template_parts()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        docx.DOCX_MAIN_TYPE.encode(), content_type.encode()
    )
    return _zip(parts)


def _renamed_main_part(data: bytes) -> bytes:
    """The main document under a name that does not end in .xml (its content type says XML)."""
    parts = _template_parts()
    parts.pop("word/document.xml")
    parts["word/document.bin"] = data
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/word/document.bin"
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/document.bin")
    return _zip(parts)


def _long_document() -> bytes:
    paragraph = f"<w:p><w:r><w:t>{'x' * 1000}</w:t></w:r></w:p>"
    body = paragraph * (docx.MAX_DOCUMENT_XML_BYTES // len(paragraph) + 1)
    return f'<w:document xmlns:w="{docx.W}"><w:body>{body}</w:body></w:document>'.encode()


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
        (
            _zip({**_template_parts(), "word/styles.xml": BILLION_LAUGHS}),
            "must be a Word document",
        ),
        (
            _zip({**_template_parts(), "_rels/.rels": XXE}),
            "must be a Word document",
        ),
        (
            _zip(
                {
                    **_template_parts(),
                    "[Content_Types].xml": b"<!DOCTYPE t>"
                    + _template_parts()["[Content_Types].xml"].split(b"?>", 1)[1],
                }
            ),
            "must be a Word document",
        ),
        (_renamed_main_part(BILLION_LAUGHS), "must be a Word document"),
        (
            _zip(
                {
                    "[Content_Types].xml": _template_parts()["[Content_Types].xml"],
                    "word/document.xml": f'<w:document xmlns:w="{docx.W}"/>'.encode(),
                }
            ),
            "must be a Word document",
        ),
        (
            _with_main_type("application/vnd.ms-word.document.macroEnabled.main+xml"),
            "must be a Word document",
        ),
        (
            _with_main_type(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
            ),
            "must be a Word document",
        ),
        (_zip({**_template_parts(), "../evil.xml": b"<x/>"}), "must be a Word document"),
        (docx.build_template()[:2000], "must be a Word document"),
        (
            _zip({**_template_parts(), "word/document.xml": b"<w:document><w:body>"}),
            "could not be read",
        ),
        (
            _zip({**_template_parts(), **{f"word/media/p{n}.png": b"" for n in range(1001)}}),
            "unpacks to far more than a form",
        ),
        (
            _zip({**_template_parts(), "word/document.xml": _long_document()}),
            "too long for a form",
        ),
    ],
    ids=[
        "executable",
        "pdf",
        "other-zip",
        "macros",
        "zip-bomb",
        "entities",
        "entities-in-another-part",
        "external-entity-in-relationships",
        "dtd-in-content-types",
        "entities-in-a-renamed-main-part",
        "no-relationships",
        "macro-enabled-type",
        "spreadsheet",
        "path-traversal",
        "truncated",
        "broken-xml",
        "too-many-parts",
        "main-part-too-long",
    ],
)
def test_uploads_that_are_not_plain_word_documents_are_refused(data, message):
    with pytest.raises(ValidationError, match=message):
        docx.validate_docx(upload(data))


def test_a_template_over_the_size_limit_is_refused(settings):
    settings.MAX_DOCUMENT_UPLOAD_BYTES = 1000

    with pytest.raises(ValidationError, match="The file is too large"):
        docx.validate_docx(upload(docx.build_template()))


def test_a_renamed_but_harmless_main_part_is_still_read():
    """python-docx follows the package's relationships, not a fixed part name."""
    parts = _template_parts()
    filled = zipfile.ZipFile(io.BytesIO(filled_template({"City or locality": "Seoul"})))
    parts.pop("word/document.xml")
    parts["word/main.xml"] = filled.read("word/document.xml")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/word/main.xml"
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"word/document.xml", b"word/main.xml")

    assert docx.read_template(upload(_zip(parts))).values == {"city": "Seoul"}


def test_answers_typed_with_track_changes_on_are_read():
    document = python_docx.Document(io.BytesIO(docx.build_template()))
    city = next(row for row in document.tables[0].rows if row.cells[0].text.startswith("City"))
    paragraph = city.cells[1].paragraphs[0]._p
    inserted = paragraph.makeelement(python_docx.oxml.ns.qn("w:ins"))
    inserted.set(python_docx.oxml.ns.qn("w:id"), "1")
    inserted.set(python_docx.oxml.ns.qn("w:author"), "Seoul")
    run = python_docx.oxml.OxmlElement("w:r")
    text = python_docx.oxml.OxmlElement("w:t")
    text.text = "Busan"
    run.append(text)
    inserted.append(run)
    paragraph.append(inserted)
    out = io.BytesIO()
    document.save(out)

    assert docx.read_template(upload(out.getvalue())).values == {"city": "Busan"}


def test_the_template_reads_as_a_word_document_with_its_questions():
    document = python_docx.Document(io.BytesIO(docx.build_template()))

    assert document.paragraphs[0].text == "WeGO Smart Health Responder · Data Portal"
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[1].style.name == "Heading 1"
    table = document.tables[0]
    assert [row.cells[0].paragraphs[0].text for row in table.rows] == [
        "Question",
        *(question.label for question in docx.questions()),
    ]
    assert all(row.cells[1].text == "" for row in table.rows[1:])
    assert document.core_properties.title == "WeGO Data Portal: initiative template"
