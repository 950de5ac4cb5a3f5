"""The annual report in other languages and scripts: the PDF has every glyph it needs."""

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
FONT = {"zh-hans": "NotoSansCJK", "ar": "NotoSansArabic", "ko": "NotoSansCJK"}


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


@pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (pdffonts, pdftotext), as CI has")
@pytest.mark.parametrize("code", ["zh-hans", "ar"])
def test_2020_report_pdf_in_chinese_and_arabic_has_no_missing_glyph(
    wego_data, secretariat, tmp_path, code
):
    run = ReportRunFactory(year=2020, requested_by=secretariat, language=code)

    tasks.generate_annual_report_task(run.pk)

    run.refresh_from_db()
    assert run.state == RunState.DONE
    pdf_path = tmp_path / "report.pdf"
    pdf_path.write_bytes(run.pdf.read())
    fonts = poppler("pdffonts", pdf_path).splitlines()[2:]
    text = poppler("pdftotext", pdf_path)
    with translation.override(code):
        title = gettext("WeGO annual report %(year)s") % {"year": 2020}
        members = gettext("Member overview")

    # The catalogue's own words come out of the PDF as text: each glyph was found and drawn.
    assert re.search(SCRIPT[code], title)
    assert " ".join(title.split()) in " ".join(text.split())
    assert " ".join(members.split()) in " ".join(text.split())
    assert "\ufffd" not in text
    # Every font is embedded, and the script's Noto font is among them.
    assert fonts
    assert all(" yes " in line for line in fonts)
    assert any(FONT[code] in line for line in fonts)


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
