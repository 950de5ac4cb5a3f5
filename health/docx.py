"""The Data Portal's downloadable template: a small Word document, built here, and read back.

The template is written with ``zipfile`` (no Office, no third-party library): a title, short
instructions and a two-column table, one row per question. A city fills in the right-hand
column in Word, LibreOffice or Google Docs and uploads the .docx; ``read_template`` copies the
answers into a draft initiative so nothing is typed twice.

Uploads are checked by content, not by name: a real Office Open XML word-processing package
(the parts a .docx must have, no macros), within size limits both packed and unpacked (a
"zip bomb" is refused before anything is decompressed), and XML without DTDs or entities.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .enums import HealthTopic

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_DOCUMENT_XML_BYTES = 5 * 1024 * 1024
MAX_PARTS = 1000
DOCX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run(text: str, *, bold: bool = False, size: int | None = None, colour: str = "") -> str:
    props = ""
    if bold or size or colour:
        props = "<w:rPr>"
        props += "<w:b/>" if bold else ""
        props += f'<w:color w:val="{colour}"/>' if colour else ""
        props += f'<w:sz w:val="{size}"/>' if size else ""
        props += "</w:rPr>"
    return f'<w:r>{props}<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'


def _paragraph(*runs: str, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{''.join(runs)}</w:p>"


def _cell(content: str, width: int, *, shaded: bool = False) -> str:
    shade = '<w:shd w:val="clear" w:color="auto" w:fill="E8F0F9"/>' if shaded else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>{content}</w:tc>'


def _document_xml() -> str:
    border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="8A9499"/>'
    borders = "".join(
        border.format(side=side)
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    rows = [
        "<w:tr>"
        + _cell(_paragraph(_run("Question", bold=True)), 3600, shaded=True)
        + _cell(_paragraph(_run("Your answer", bold=True)), 5800, shaded=True)
        + "</w:tr>"
    ]
    for question in questions():
        label = _paragraph(_run(question.label, bold=True)) + _paragraph(
            _run(question.hint, size=18, colour="505A5F")
        )
        rows.append(
            "<w:tr>" + _cell(label, 3600, shaded=True) + _cell(_paragraph(), 5800) + "</w:tr>"
        )
    table = (
        f"<w:tbl><w:tblPr><w:tblW w:w='9400' w:type='dxa'/><w:tblBorders>{borders}"
        "</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w='3600'/><w:gridCol w:w='5800'/>"
        f"</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    body = "".join(
        [
            _paragraph(_run("WeGO Smart Health Responder · Data Portal"), style="Title"),
            _paragraph(_run("Share your city's public-health initiative"), style="Heading1"),
            _paragraph(
                _run(
                    "Fill in the right-hand column, save the file as a Word document (.docx) "
                    "and upload it on the WeGO Portal: Smart Health Responder › Data Portal › "
                    "Share an initiative. We copy your answers into the online form, where you "
                    "can check them, add PDF documents and submit. The WeGO Secretariat reviews "
                    "every initiative before it is published."
                )
            ),
            _paragraph(
                _run(
                    "Please keep the questions in the left-hand column as they are: they are "
                    "how the portal finds your answers."
                )
            ),
            table,
            _paragraph(),
            _paragraph(
                _run("Questions? Write to the WeGO Secretariat: secretariat@wego-cities.org")
            ),
            '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134"'
            ' w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/>'
            "</w:sectPr>",
        ]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{DOCX_MAIN_TYPE}"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:styles xmlns:w="{W}">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/>'
    '<w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/>'
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
    '<w:rPr><w:color w:val="0A4B8C"/><w:sz w:val="28"/></w:rPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr>'
    '<w:rPr><w:b/><w:color w:val="06305A"/><w:sz w:val="36"/></w:rPr></w:style>'
    "</w:styles>"
)
_CORE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>WeGO Data Portal: initiative template</dc:title>"
    "<dc:creator>WeGO Secretariat</dc:creator>"
    "</cp:coreProperties>"
)
#: A fixed timestamp keeps the template byte-for-byte identical between builds.
_ZIP_DATE = (2021, 1, 1, 0, 0, 0)


def build_template() -> bytes:
    """The template as .docx bytes (deterministic: the same bytes on every call)."""
    buffer = io.BytesIO()
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("word/document.xml", _document_xml()),
        ("word/_rels/document.xml.rels", _DOCUMENT_RELS),
        ("word/styles.xml", _STYLES),
        ("docProps/core.xml", _CORE),
    ]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


# --- Checking an upload ------------------------------------------------------------------------


def _not_docx() -> ValidationError:
    return ValidationError(
        _(
            "The file must be a Word document (.docx), such as the template filled in. "
            "This file is not one, whatever its name."
        ),
        code="not_docx",
    )


def _safe_xml(data: bytes) -> ElementTree.Element:
    """Parse the document's XML with defusedxml: a DTD, an entity declaration or an external
    reference is refused by the parser itself, whatever the encoding."""
    try:
        return safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise _not_docx() from exc
    except ElementTree.ParseError as exc:
        raise ValidationError(
            _("The document could not be read. Please save it again as .docx."), code="bad_docx"
        ) from exc


def _document_xml_of(upload) -> bytes:
    """The main document part of a checked .docx upload."""
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
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_PARTS or sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise ValidationError(
                    _("The document unpacks to far more than a form would. Please save it again."),
                    code="docx_too_large",
                )
            if any(name.startswith("/") or ".." in name.split("/") for name in names):
                raise _not_docx()
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise _not_docx()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise ValidationError(
                    _("Documents with macros are not accepted. Save it as a plain .docx."),
                    code="docx_macros",
                )
            content_types = package.read("[Content_Types].xml")
            if DOCX_MAIN_TYPE.encode() not in content_types:
                raise _not_docx()
            main = package.getinfo("word/document.xml")
            if main.file_size > MAX_DOCUMENT_XML_BYTES:
                raise ValidationError(
                    _("The document is too long for a form. Please shorten it."),
                    code="docx_too_large",
                )
            data = package.read("word/document.xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError) as exc:
        raise _not_docx() from exc
    finally:
        upload.seek(0)
    return data


def validate_docx(upload) -> None:
    """A real, macro-free Word document within the size limits (form field validator)."""
    _safe_xml(_document_xml_of(upload))


# --- Reading the filled template ---------------------------------------------------------------


@dataclass
class TemplateAnswers:
    """What a filled template says, ready for the initiative form; ``problems`` explains what
    could not be understood (shown to the city, who fixes it in the form)."""

    values: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _text_of(element: ElementTree.Element) -> str:
    """A cell's text: its paragraphs joined by new lines, tabs and breaks kept as spaces."""
    paragraphs = []
    for paragraph in element.iter(f"{{{W}}}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{{{W}}}t" and node.text:
                parts.append(node.text)
            elif node.tag in (f"{{{W}}}tab", f"{{{W}}}br"):
                parts.append(" ")
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
    root = _safe_xml(_document_xml_of(upload))
    by_label = {_normal(q.label): q for q in questions()}
    answers = TemplateAnswers()
    found = 0
    for row in root.iter(f"{{{W}}}tr"):
        cells = row.findall("w:tc", NS)
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
        value = parse_month(text)
        if value is None and _normal(text) not in ("ongoing", "still running", "not yet"):
            answers.problems.append(
                f"{question.label}: “{text[:40]}” is not a month we understand (use 2020-05)."
            )
        elif value is not None:
            answers.values[key] = value
    elif key == "topic":
        value = _topic(text)
        if value is None:
            answers.problems.append(f"{question.label}: “{text[:40]}” is not one of the topics.")
        else:
            answers.values[key] = value
    elif key == "country":
        value = _country(text)
        if value is None:
            answers.problems.append(f"{question.label}: “{text[:40]}” is not a country we know.")
        else:
            answers.values[key] = value
    elif key == "links":
        answers.values[key] = _links(text)
    else:
        limits = {"title": 200, "city": 120, "summary": 3000, "outcomes": 5000}
        answers.values[key] = text[: limits.get(key, 5000)]
