"""Compiling the message catalogues (.po → .mo) in Python, without GNU gettext.

The .mo files are build output (never committed): ``make run``, the test suite and the Docker
image compile them with polib, so a fresh machine needs no gettext tools. Extracting strings
(``make messages``) still uses Django's makemessages, i.e. GNU gettext, on a translator's or
developer's machine.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def catalogue_files() -> list[Path]:
    files: list[Path] = []
    for locale_dir in settings.LOCALE_PATHS:
        files.extend(sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")))
    return files


def compile_catalogues(*, force: bool = False) -> list[Path]:
    """Write each catalogue's .mo beside its .po when missing or older; return those written.

    Fuzzy entries are left out, as msgfmt does.
    """
    import polib

    written = []
    for po_path in catalogue_files():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Written beside it and renamed into place: a process reading the catalogue meanwhile
        # (a parallel test worker compiling too, a running server) sees the old or the new
        # file, never a half-written one.
        partial = mo_path.with_name(f".{mo_path.stem}-{os.getpid()}.partial.mo")
        polib.pofile(str(po_path)).save_as_mofile(str(partial))
        os.replace(partial, mo_path)
        written.append(mo_path)
    if written:
        _reset_translation_cache()
    return written


def _reset_translation_cache() -> None:
    from django.utils.translation import trans_real

    # Django's private translation caches (not in django-stubs), emptied so new .mo files load.
    trans_real._translations = {}  # type: ignore[attr-defined]
    trans_real._default = None  # type: ignore[attr-defined]
