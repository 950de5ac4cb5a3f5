from django.utils.translation import gettext_lazy as _

from search.sources import Source


def _public():
    from .selectors import public_publications

    return public_publications()


def publications_source() -> Source:
    return Source(
        key="publications",
        label=_("Publications"),
        queryset=_public,
        fields=(("title", "A"), ("summary", "B")),
        name_field="title",
        stored_document=True,
        summary=lambda o: f"{o.get_kind_display()} · {o.year} · {o.summary}",
    )
