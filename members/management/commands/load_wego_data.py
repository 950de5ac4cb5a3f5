from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the built-in WeGO data set (offices, members, partners). Idempotent."

    def handle(self, *args, **options):
        self.stdout.write("WeGO data set: nothing to load yet.")
