"""Every shipped language is complete: no untranslated or fuzzy entry, placeholders intact,
and the catalogues hold every string the code and templates use today."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

NAMED = re.compile(r"%\((\w+)\)[#0\- +]?\d*(?:\.\d+)?[sdifrxXeEgGc]")
POSITIONAL = re.compile(r"%(?!\()[#0\- +]?\d*(?:\.\d+)?[sdifrxXeEgGc]")
BRACES = re.compile(r"\{\w*\}")


def po_path(code: str) -> Path:
    return LOCALE / translation.to_locale(code) / "LC_MESSAGES" / "django.po"


def placeholders(text: str, entry: polib.POEntry) -> tuple:
    text = text.replace("%%", "")
    named = frozenset(NAMED.findall(text))
    positional = tuple(POSITIONAL.findall(text))
    braces = frozenset(BRACES.findall(text)) if "python-brace-format" in entry.flags else None
    return named, positional, braces


def problems_in(code: str) -> list[str]:
    po = polib.pofile(str(po_path(code)))
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        where = f"{code}: {entry.msgid[:60]!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
            continue
        if not entry.translated():
            found.append(f"{where} is not translated")
            continue
        if entry.msgid_plural and len(entry.msgstr_plural) != nplurals:
            found.append(f"{where} has {len(entry.msgstr_plural)} plural forms, not {nplurals}")
            continue
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        expected = {placeholders(s, entry) for s in sources}
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            got = placeholders(text, entry)
            # Plural forms may drop the count (Korean "1개" vs "%(count)s개" is not required),
            # but may never add a placeholder or lose a named one the singular needs.
            if entry.msgid_plural:
                ok = any(got[0] <= e[0] and got[2] == e[2] for e in expected) and got[1] in {
                    e[1] for e in expected
                } | {()}
            else:
                ok = got in expected
            if not ok:
                found.append(f"{where}: placeholders {got} differ from {expected.pop()}")
    return found


@pytest.mark.parametrize("code", SHIPPED)
def test_catalogue_complete_and_placeholders_match(code):
    assert po_path(code).is_file(), f"{po_path(code)} is missing: run `make messages`"
    assert problems_in(code) == []


def test_every_language_has_a_catalogue_and_nothing_else():
    shipped = {translation.to_locale(code) for code in SHIPPED}
    present = {p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/django.po")}
    assert present == shipped


def test_placeholder_check_catches_a_broken_translation():
    entry = polib.POEntry(msgid="%(count)s members in %(country)s", msgstr="%(count)s membres")
    entry.flags.append("python-format")
    expected = placeholders(entry.msgid, entry)

    assert placeholders(entry.msgstr, entry) != expected
    assert placeholders("%(country)s : %(count)s membres", entry) == expected


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="extracting strings needs GNU gettext (xgettext, msgmerge), as `make messages` does",
)
def test_catalogues_hold_every_string_of_the_code(tmp_path):
    """Extract the strings from a copy of the source tree and compare with the Korean catalogue:
    a new string that nobody extracted (and therefore nobody translated) fails here."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv",
        ".git",
        "node_modules",
        "staticfiles",
        "media",
        "private_media",
        "*.mo",
        "__pycache__",
        "test-artifacts",
        ".test-media",
        "*.sqlite3",
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ko",
            "--add-location=never",
            "--ignore=tests",
            "--ignore=bench",
            "--ignore=staticfiles",
            "--ignore=node_modules",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )

    def keys(path):
        return {
            (e.msgctxt, e.msgid, e.msgid_plural) for e in polib.pofile(str(path)) if not e.obsolete
        }

    extracted = keys(copy / "locale" / "ko" / "LC_MESSAGES" / "django.po")
    shipped = keys(po_path("ko"))
    assert sorted(m[1] for m in extracted - shipped) == [], "run `make messages` and translate"
    assert sorted(m[1] for m in shipped - extracted) == [], "obsolete entries: run `make messages`"
