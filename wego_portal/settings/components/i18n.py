"""Languages, translated content, formats and the time zone."""

from django.utils.translation import gettext_lazy as _

from ..environment import BASE_DIR

# --- Internationalization ----------------------------------------------------------------------
# English is WeGO's working language and the default: its URLs carry no prefix; the other
# languages live under /ko/, /zh-hans/, /ru/, /es/, /fr/, /ar/ (right to left) and /tr/.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (wego_portal/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["wego_portal.formats"]
LANGUAGE_COOKIE_NAME = "wego_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Content translation (django-modeltranslation): one column per language in the same table, so
# reading a translated directory needs no join. An empty translation falls back to English,
# then to whichever language the text was written in (a city may write in its own language);
# pages say "not yet translated" beside a fallback. Created objects get their English column
# from the text given (AUTO_POPULATE "default").
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
