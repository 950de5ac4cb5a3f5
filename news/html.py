"""Article bodies: HTML from the admin's editor, cleaned with nh3 (Ammonia) before it is
stored. What remains is structure only: paragraphs, headings, lists, quotes, emphasis and
links to http(s) or mailto addresses. Scripts, event handlers, styles, ``javascript:`` links,
images and frames are removed."""

import nh3
from django.db import models

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str | None) -> str:
    """``html`` with only the allowed tags and attributes; links open safely."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


class SanitizedHTMLField(models.TextField):
    """A text field of HTML cleaned by ``clean_html`` whenever the row is saved, whoever saves
    it (the admin, a service, an import): nothing unclean is ever stored."""

    def pre_save(self, model_instance, add):
        value = clean_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        from .widgets import ArticleBodyWidget

        return super().formfield(**{"widget": ArticleBodyWidget, **kwargs})
