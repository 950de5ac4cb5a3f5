from django.core.management.base import BaseCommand

from wego_portal.object_storage import ensure_buckets


class Command(BaseCommand):
    help = (
        "Create the object-storage buckets when missing: the public media bucket (objects "
        "readable by address) and the private bucket (public access blocked). Idempotent; "
        "does nothing when files are kept on local disk."
    )

    def handle(self, *args, **options):
        done = ensure_buckets()
        for line in done or ["Files are on local disk: no bucket to prepare."]:
            self.stdout.write(line)
