"""The Data Portal's downloadable template: a small Word document, built and read with python-docx.

The template has a title, short instructions and a two-column table, one row per question. A
city fills in the right-hand column in Word, LibreOffice or Google Docs and uploads the .docx;
``read_template`` copies the answers into a draft initiative so nothing is typed twice.

Uploads are checked by content, not by name, before python-docx opens them: a zip within size
limits both packed and unpacked (a "zip bomb" is refused before anything is decompressed), with
the parts a .docx must have and no macros, and every XML part parsed first with defusedxml's
guards (no DTD, no entities, no external references), so python-docx's own parser only ever
sees XML that passed them.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

import docx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Pt, RGBColor, Twips
from docx.table import _Cell
from lxml.etree import LxmlError

from .enums import HealthTopic

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_DOCUMENT_XML_BYTES = 5 * 1024 * 1024
MAX_PARTS = 1000
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    hint: str


def questions() -> list[Question]:
    """The template's rows, in order. The labels are how answers are found again on upload."""
    topics = ", ".join(str(label) for _value, label in HealthTopic.choices)
    return [
        Question("title", "Title of the initiative", "A short name, e.g. “Drive-through testing”."),
        Question("city", "City or locality", "The city or local government that runs it."),
        Question("country", "Country", "The country's name in English."),
        Question("topic", "Topic", f"One of: {topics}."),
        Question("started_on", "Started", "Month and year, e.g. 2020-05 or May 2020."),
        Question("ended_on", "Ended", "Month and year; leave empty if it is still running."),
        Question(
            "summary",
            "Summary",
            "What the initiative is and how it works (up to 3,000 characters).",
        ),
        Question("outcomes", "Outcomes", "What changed, with figures where you have them."),
        Question("links", "Links", "Web pages, dashboards or reports: one address per line."),
    ]


# --- Writing the template ----------------------------------------------------------------------

INSTRUCTIONS = [
    "Fill in the right-hand column, save the file as a Word document (.docx) and upload it on "
    "the WeGO Portal: Smart Health Responder › Data Portal › Share an initiative. We copy your "
    "answers into the online form, where you can check them, add PDF documents and submit. The "
    "WeGO Secretariat reviews every initiative before it is published.",
    "Please keep the questions in the left-hand column as they are: they are how the portal "
    "finds your answers.",
]
#: A fixed date keeps the template byte-for-byte identical between builds.
_BUILD_DATE = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)


def _shade(cell: _Cell, fill: str = "E8F0F9") -> None:
    """Cell shading (python-docx has no API for it: the ``w:shd`` element of the cell)."""
    shading = OxmlElement(
        "w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill}
    )
    cell._tc.get_or_add_tcPr().append(shading)


def _style(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    for name, colour, size, bold in (
        ("Title", "0A4B8C", 14, False),
        ("Heading 1", "06305A", 18, True),
    ):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.color.rgb = RGBColor.from_string(colour)
        style.font.size = Pt(size)
        style.font.bold = bold
    hint = document.styles.add_style("Hint", WD_STYLE_TYPE.CHARACTER)
    hint.font.size = Pt(9)
    hint.font.color.rgb = RGBColor.from_string("505A5F")


def _table(document: Document) -> None:
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Table Grid"]
    widths = (Twips(3600), Twips(5800))
    for cell, heading in zip(table.rows[0].cells, ("Question", "Your answer"), strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
        _shade(cell)
    for question in questions():
        label, _answer = table.add_row().cells
        label.paragraphs[0].add_run(question.label).bold = True
        label.add_paragraph().add_run(question.hint, style="Hint")
        _shade(label)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def build_template() -> bytes:
    """The template as .docx bytes (deterministic: the same bytes on every call)."""
    document = docx.Document()
    _style(document)
    section = document.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin = section.bottom_margin = Twips(1134)
    section.left_margin = section.right_margin = Twips(1134)
    properties = document.core_properties
    properties.title = "WeGO Data Portal: initiative template"
    properties.author = "WeGO Secretariat"
    properties.comments = ""
    properties.created = properties.modified = _BUILD_DATE

    document.add_paragraph("WeGO Smart Health Responder · Data Portal", style="Title")
    document.add_heading("Share your city's public-health initiative", level=1)
    for text in INSTRUCTIONS:
        document.add_paragraph(text)
    _table(document)
    document.add_paragraph()
    document.add_paragraph("Questions? Write to the WeGO Secretariat: secretariat@wego-cities.org")

    saved = io.BytesIO()
    document.save(saved)
    # python-docx stamps each zip entry with the current time: restamp them with a fixed one.
    fixed = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(
                zipfile.ZipInfo(item.filename, date_time=(2021, 1, 1, 0, 0, 0)),
                source.read(item),
                zipfile.ZIP_DEFLATED,
            )
    return fixed.getvalue()


# --- Checking an upload ------------------------------------------------------------------------


def _not_docx() -> ValidationError:
    return ValidationError(
        _(
            "The file must be a Word document (.docx), such as the template filled in. "
            "This file is not one, whatever its name."
        ),
        code="not_docx",
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The document could not be read. Please save it again as .docx."), code="bad_docx"
    )


def _too_large() -> ValidationError:
    return ValidationError(
        _("The document unpacks to far more than a form would. Please save it again."),
        code="docx_too_large",
    )


def _safe_xml(data: bytes) -> ElementTree.Element:
    """Parse XML with defusedxml: a DTD, an entity declaration or an external reference is
    refused by the parser itself, whatever the encoding."""
    try:
        return safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _not_docx() from exc
    except ElementTree.ParseError as exc:
        raise _unreadable() from exc


def _check_size(upload) -> None:
    limit = settings.MAX_DOCUMENT_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The maximum is %(limit)s."),
            code="file_too_large",
            params={
                "size": f"{upload.size / (1024 * 1024):.0f} MB",
                "limit": f"{limit / (1024 * 1024):.0f} MB",
            },
        )


def _xml_parts(package: zipfile.ZipFile) -> tuple[set[str], str]:
    """The names of the parts an OPC reader parses as XML (the content types, relationships,
    and every part whose content type is XML), and the main document's name."""
    content_types = _safe_xml(package.read("[Content_Types].xml"))
    defaults = {
        item.get("Extension", "").lower(): item.get("ContentType", "")
        for item in content_types.iter(f"{CONTENT_TYPES_NS}Default")
    }
    overrides = {
        item.get("PartName", "").lstrip("/").lower(): item.get("ContentType", "")
        for item in content_types.iter(f"{CONTENT_TYPES_NS}Override")
    }
    main = next((name for name, kind in overrides.items() if kind == DOCX_MAIN_TYPE), "")
    xml = set()
    for name in package.namelist():
        kind = overrides.get(name.lower()) or defaults.get(name.rpartition(".")[2].lower(), "")
        if name.lower().endswith((".xml", ".rels")) or kind.endswith("xml"):
            xml.add(name)
    return xml, main


def _check_package(upload: IO[bytes]) -> None:
    """A macro-free Word package within the limits, its XML parts passing defusedxml."""
    with zipfile.ZipFile(upload) as package:
        infos = package.infolist()
        names = {info.filename for info in infos}
        if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise _too_large()
        if any(name.startswith("/") or ".." in name.split("/") for name in names):
            raise _not_docx()
        if "[Content_Types].xml" not in names:
            raise _not_docx()
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationError(
                _("Documents with macros are not accepted. Save it as a plain .docx."),
                code="docx_macros",
            )
        xml, main = _xml_parts(package)
        main_info = next((info for info in infos if info.filename.lower() == main), None)
        if main_info is None:
            raise _not_docx()
        if main_info.file_size > MAX_DOCUMENT_XML_BYTES:
            raise ValidationError(
                _("The document is too long for a form. Please shorten it."),
                code="docx_too_large",
            )
        for name in sorted(xml):
            _safe_xml(package.read(name))


def open_docx(upload) -> Document:
    """A checked .docx upload, opened with python-docx (``ValidationError`` if refused)."""
    _check_size(upload)
    upload.seek(0)
    try:
        _check_package(upload)
        upload.seek(0)
        return docx.Document(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OpcError, OSError, KeyError, EOFError) as exc:
        raise _not_docx() from exc
    except ValueError as exc:  # python-docx: a package, but not a Word document
        raise _not_docx() from exc
    except LxmlError as exc:
        raise _unreadable() from exc
    finally:
        upload.seek(0)


def validate_docx(upload) -> None:
    """A real, macro-free Word document within the size limits (form field validator)."""
    open_docx(upload)


# --- Reading the filled template ---------------------------------------------------------------


@dataclass
class TemplateAnswers:
    """What a filled template says, ready for the initiative form; ``problems`` explains what
    could not be understood (shown to the city, who fixes it in the form)."""

    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _text_of(cell: BaseOxmlElement) -> str:
    """A cell's text: its paragraphs joined by new lines, tabs and breaks kept as spaces.

    Read from the cell's element rather than python-docx's ``paragraph.text``, so that text
    typed with Word's "Track Changes" on (runs inside ``w:ins``) and inside content controls
    counts too; deleted text (``w:delText``) does not."""
    paragraphs = []
    for paragraph in cell.iter(qn("w:p")):
        parts = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
            parts.append(node.text or "" if node.tag == qn("w:t") else " ")
        paragraphs.append("".join(parts).strip())
    return "\n".join(paragraphs).strip()


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


def parse_month(text: str) -> datetime.date | None:
    """ "2020-05", "2020-05-17", "05/2020", "May 2020" or "2020" → the first day of that month."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", text)
    if match:
        year, month = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text):
        year, month = int(match[2]), int(match[1])
    elif match := re.fullmatch(r"([A-Za-z]+)\.?,?\s+(\d{4})", text):
        month = MONTHS.get(match[1].casefold(), 0)
        year = int(match[2])
    elif match := re.fullmatch(r"(\d{4})", text):
        year, month = int(match[1]), 1
    else:
        return None
    if not (1 <= month <= 12 and 1900 <= year <= 2100):
        return None
    return datetime.date(year, month, 1)


def _topic(text: str) -> str | None:
    wanted = _normal(text)
    for value, label in HealthTopic.choices:
        if wanted in (_normal(value.replace("_", " ")), _normal(str(label))):
            return value
    for value, label in HealthTopic.choices:
        if wanted and (_normal(str(label)).startswith(wanted) or wanted in _normal(str(label))):
            return value
    return None


#: Names cities often write that are not the ones django-countries knows.
COUNTRY_ALIASES = {
    "republic of korea": "KR",
    "korea": "KR",
    "korea republic of": "KR",
    "korea rep": "KR",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "uae": "AE",
    "lao pdr": "LA",
    "laos": "LA",
    "drc": "CD",
    "ivory coast": "CI",
}


def _country(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    code = countries.by_name(text) or COUNTRY_ALIASES.get(_normal(text))
    if code:
        return code
    folded = _normal(text)
    for code, name in countries:
        if _normal(str(name)) == folded or _normal(str(name)).startswith(folded + " "):
            return code
    return None


def _links(text: str) -> list[dict]:
    links = []
    for line in text.splitlines():
        url = next((word for word in line.split() if word.startswith(("http://", "https://"))), "")
        if url:
            title = line.replace(url, "").strip(" -–:|") or url
            links.append({"title": title[:200], "url": url[:500]})
    return links


def read_template(upload) -> TemplateAnswers:
    """The answers of a filled template (the upload must have passed ``validate_docx``).

    Raises ``ValidationError`` when the document is not the WeGO template (none of its
    questions can be found).
    """
    document = open_docx(upload)
    by_label = {_normal(q.label): q for q in questions()}
    answers = TemplateAnswers()
    found = 0
    # Every table row, nested ones included; a row's cells as written (a merged cell once).
    for row in document.element.body.iter(qn("w:tr")):
        cells = row.findall(qn("w:tc"))
        if len(cells) < 2:
            continue
        first_line = _text_of(cells[0]).split("\n", 1)[0]
        question = by_label.get(_normal(first_line))
        if question is None:
            continue
        found += 1
        text = _text_of(cells[1])
        if not text:
            continue
        _store_answer(answers, question, text)
    if not found:
        raise ValidationError(
            _(
                "This document is not the WeGO Data Portal template: none of its questions "
                "were found. Download the template, fill it in and upload it again."
            ),
            code="not_template",
        )
    return answers


def _store_answer(answers: TemplateAnswers, question: Question, text: str) -> None:
    key = question.key
    if key in ("started_on", "ended_on"):
        month = parse_month(text)
        if month is None and _normal(text) not in ("ongoing", "still running", "not yet"):
            answers.problems.append(
                f"{question.label}: “{text[:40]}” is not a month we understand (use 2020-05)."
            )
        elif month is not None:
            answers.values[key] = month
    elif key == "topic":
        topic = _topic(text)
        if topic is None:
            answers.problems.append(f"{question.label}: “{text[:40]}” is not one of the topics.")
        else:
            answers.values[key] = topic
    elif key == "country":
        country = _country(text)
        if country is None:
            answers.problems.append(f"{question.label}: “{text[:40]}” is not a country we know.")
        else:
            answers.values[key] = country
    elif key == "links":
        answers.values[key] = _links(text)
    else:
        limits = {"title": 200, "city": 120, "summary": 3000, "outcomes": 5000}
        answers.values[key] = text[: limits.get(key, 5000)]
