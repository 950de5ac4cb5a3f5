from django.core.management.base import BaseCommand

from wego_portal.catalogues import compile_catalogues


class Command(BaseCommand):
    help = "Compile the message catalogues (.po → .mo) with polib; no GNU gettext needed."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile every catalogue.")

    def handle(self, *args, force: bool = False, **options):
        written = compile_catalogues(force=force)
        self.stdout.write(f"Compiled {len(written)} catalogue(s).")
