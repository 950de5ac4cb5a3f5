"""Load the figures WeGO published in its 2020 annual report (``reports/published.py``).

Idempotent: a figure is found by its key and year. The English texts come from the data; each
other language's column is filled from that language's message catalogue where it translates
the text (otherwise left empty, so the page falls back to English). A figure edited in the back
office keeps its edits: only the value, unit and qualifier are brought back to the report's.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from reports import services
from reports.models import PublishedFigure
from reports.published import FIGURES_2020, REPORT
from wego_portal.i18n import translated_columns

TEXTS = ("label", "as_of", "source", "note")


class Command(BaseCommand):
    help = "Load the figures published in WeGO's 2020 annual report. Idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for position, row in enumerate(FIGURES_2020, start=1):
            key, year, value, unit, qualifier, label, as_of, section, note = row
            source = f"{REPORT}, “{section}”"
            figure = PublishedFigure.objects.filter(key=key, year=year).first()
            if figure is None:
                figure = PublishedFigure(key=key, year=year, position=position)
                texts = {"label": label, "as_of": as_of, "note": note}
                for field, text in texts.items():
                    for column, text_value in translated_columns(field, text).items():
                        setattr(figure, column, text_value if text_value is not None else None)
                for column, text_value in self._source(section).items():
                    setattr(figure, column, text_value)
                created += 1
            figure.value, figure.unit, figure.qualifier = value, unit, qualifier
            if not figure.label:
                figure.label = label
            if not figure.source:
                figure.source = source
            figure.save()
        services.figures_changed()
        self.stdout.write(f"Published figures: {PublishedFigure.objects.count()} ({created} new)")

    @staticmethod
    def _source(section: str) -> dict[str, str | None]:
        columns = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                text = f"{gettext(REPORT)}, “{gettext(section)}”"
            columns[f"source_{code.replace('-', '_')}"] = text
        return columns
