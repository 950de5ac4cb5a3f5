"""Put WeGO's 2020 annual report in the library: the portal renders it from the data set (the
same PDF the Secretariat gets from "Annual report runs") in English and in Korean, and publishes
it, so the library and "WeGO in numbers" offer it after ``make run``. Idempotent.

Not part of ``load_wego_data``: laying out the PDF takes seconds, and the data set is loaded
far more often (tests, the cluster test) than a library is wanted.
"""

from django.core.management.base import BaseCommand

from reports import services
from reports.enums import RunState

YEAR = 2020
LANGUAGES = ("en", "ko")


class Command(BaseCommand):
    help = (
        "Render and publish the 2020 annual report (English, Korean) for the library. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            help="A language to render (repeatable; default: en and ko).",
        )

    def handle(self, *args, languages=None, **options):
        for language in languages or LANGUAGES:
            run = services.report_run_load(year=YEAR, language=language)
            if run.state == RunState.DONE:
                self.stdout.write(f"Annual report {YEAR} ({language}): published")
            else:
                # A machine without Pango cannot lay out PDFs; the portal runs without them.
                self.stderr.write(f"Annual report {YEAR} ({language}) not rendered: {run.message}")
