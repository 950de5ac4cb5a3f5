"""Reading translated content (django-modeltranslation columns) in templates.

``{% content_language obj "field" %}`` gives the language the shown text is actually in (for a
``lang`` attribute), and ``{% untranslated_note obj "field" %}`` a small "not yet translated"
note when the page's language has no text of its own and another language's is shown.
"""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def _column(field: str, code: str) -> str:
    return f"{field}_{code.replace('-', '_')}"


def shown_language(obj, field: str) -> str | None:
    """The language whose text ``obj.<field>`` shows now (current language, else fallback)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    order = [current] + [c for c, _n in settings.LANGUAGES if c != current]
    if not hasattr(obj, _column(field, current)):
        return None
    fallbacks = [current, settings.LANGUAGE_CODE, *order]
    for code in fallbacks:
        if getattr(obj, _column(field, code), None):
            return code
    return None


@register.simple_tag
def content_language(obj, field: str) -> str:
    code = shown_language(obj, field)
    return code or translation.get_language() or settings.LANGUAGE_CODE


@register.simple_tag
def untranslated_note(obj, field: str) -> str:
    code = shown_language(obj, field)
    current = translation.get_language() or settings.LANGUAGE_CODE
    if code is None or code == current:
        return ""
    return format_html(
        '<span class="untranslated-note">{}</span>',
        _("Not yet translated: shown in %(language)s.")
        % {"language": translation.get_language_info(code)["name_translated"]},
    )
