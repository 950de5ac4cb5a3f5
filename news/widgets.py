"""The admin's rich-text editor for article bodies: django-prose-editor's ProseMirror build,
served from our static files and started by ``static/js/news-editor.js`` (an ES module file:
no inline script and no import map, so it runs under the portal's Content-Security-Policy)."""

from django import forms
from js_asset import Script


class ArticleBodyWidget(forms.Textarea):
    def __init__(self, attrs=None):
        super().__init__({"data-news-editor": "", "rows": 20, **(attrs or {})})

    @property
    def media(self):
        return forms.Media(
            css={
                "all": [
                    "django_prose_editor/material-icons.css",
                    "django_prose_editor/editor.css",
                    "django_prose_editor/overrides.css",
                    "css/news-editor.css",
                ]
            },
            js=[Script("js/news-editor.js", type="module")],
        )
