from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.inventory import render_markdown, uncovered_fields


class Command(BaseCommand):
    help = "Write docs/privacy.md from the inventory of personal data (privacy/inventory.py)."

    def handle(self, *args, **options):
        missing = uncovered_fields()
        if missing:
            self.stderr.write("Not in the inventory: " + ", ".join(missing))
        path = settings.BASE_DIR / "docs" / "privacy.md"
        path.write_text(render_markdown(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
