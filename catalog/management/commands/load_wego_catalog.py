"""Put the recorded WeGO results in the project catalog (``catalog_records_publish``). Idempotent.

Run by ``load_wego_data`` after the awards and programs loaders: the 18 results of the 4th WeGO
Awards and the Project Implementer 2020 project become catalog projects.
"""

from django.core.management.base import BaseCommand

from catalog.models import Project
from catalog.services import catalog_records_publish


class Command(BaseCommand):
    help = (
        "Publish the recorded WeGO Awards results and Project Implementer projects in the catalog."
    )

    def handle(self, *args, **options):
        added = catalog_records_publish()
        self.stdout.write(
            f"Catalog: {Project.objects.count()} projects ({added['award_entries']} award results "
            f"and {added['projects']} Project Implementer projects added)"
        )
