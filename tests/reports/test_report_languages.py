"""The annual report in other languages and scripts: the PDF has every glyph it needs."""

import logging
import re
import shutil
import subprocess

import pytest
from django.utils import translation
from django.utils.translation import gettext

from reports import services, tasks
from reports.enums import RunState
from tests.factories.reports import ReportRunFactory

POPPLER = shutil.which("pdffonts") and shutil.which("pdftotext")
SCRIPT = {"zh-hans": r"[\u4e00-\u9fff]", "ar": r"[\u0600-\u06ff]", "ko": r"[\uac00-\ud7a3]"}
FONT = {
    "zh-hans": re.compile(r"Noto-?Sans-?CJK"),
    "ar": re.compile(r"Noto-?(?:Sans|Naskh)-?Arabic"),
    "ko": re.compile(r"Noto-?Sans-?CJK"),
}
# pdftotext marks right-to-left runs with Unicode embedding controls: not part of the words.
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


def poppler(tool: str, pdf_path) -> str:
    return subprocess.run(
        [shutil.which(tool), str(pdf_path), "-"]
        if tool == "pdftotext"
        else [
            shutil.which(tool),
            str(pdf_path),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def missing_glyphs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if ".notdef glyph" in r.getMessage()]


def test_missing_glyph_check_catches_a_character_no_font_covers(caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        services.render_document(
            '<html lang="en"><body><p>WeGO \U000f0000</p></body></html>'
        ).write_pdf()

    assert len(missing_glyphs(caplog)) == 1


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdffonts, pdftotext), as CI has")
@pytest.mark.parametrize("code", ["zh-hans", "ar"])
def test_2020_report_pdf_in_chinese_and_arabic_has_no_missing_glyph(
    wego_data, secretariat, tmp_path, code, caplog
):
    run = ReportRunFactory(year=2020, requested_by=secretariat, language=code)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        tasks.generate_annual_report_task(run.pk)

    run.refresh_from_db()
    assert run.state == RunState.DONE
    pdf_path = tmp_path / "report.pdf"
    pdf_path.write_bytes(run.pdf.read())
    fonts = poppler("pdffonts", pdf_path).splitlines()[2:]
    text = " ".join(BIDI_CONTROLS.sub("", poppler("pdftotext", pdf_path)).split())
    with translation.override(code):
        title = gettext("WeGO annual report %(year)s") % {"year": 2020}

    # The catalogue's own words come out of the PDF as text: each glyph was found and drawn.
    assert re.search(SCRIPT[code], title)
    assert " ".join(title.split()) in text
    # WeasyPrint draws a .notdef box, and says so, for any character no font covers.
    assert missing_glyphs(caplog) == []
    assert "\ufffd" not in text
    # Every font is embedded, and the script's Noto font is among them.
    assert fonts
    assert all(" yes " in line for line in fonts)
    assert any(FONT[code].search(line) for line in fonts)


def test_report_run_request_keeps_the_language_and_refuses_unknown_ones(secretariat, monkeypatch):
    monkeypatch.setattr(tasks.generate_annual_report_task, "delay", lambda pk: None)

    run = services.report_run_request(year=2020, requested_by=secretariat, language="ko")

    assert run.language == "ko"
    with pytest.raises(ValueError):
        services.report_run_request(year=2020, requested_by=secretariat, language="xx")


def test_report_document_declares_its_language_and_direction(wego_data):
    with translation.override("ar"):
        html = services.annual_report_html(year=2020)

    assert '<html lang="ar" dir="rtl">' in html


def test_arabic_report_charts_leave_their_words_to_the_tables(wego_data):
    import base64

    from reports import selectors
    from reports.presentation import report_context

    with translation.override("ar"):
        arabic = report_context(selectors.annual_report(2020))
    with translation.override("ko"):
        korean = report_context(selectors.annual_report(2020))

    def svg(uri):
        """The text the chart draws (its <text> elements; <desc> is never drawn)."""
        from xml.etree import ElementTree

        root = ElementTree.fromstring(base64.b64decode(uri.split(",", 1)[1]))  # noqa: S314 (our own SVG)
        return " ".join(
            "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
        )

    assert not re.search(SCRIPT["ar"], svg(arabic["region_chart"]))
    assert re.search(SCRIPT["ko"], svg(korean["region_chart"]))
