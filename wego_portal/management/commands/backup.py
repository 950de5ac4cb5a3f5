from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wego_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, one consistent snapshot) and every media and private "
        "file, with a manifest of row counts and SHA-256 checksums; keeps the newest --keep "
        "backups in the target folder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=settings.BACKUP_DIR,
            help="target folder (default: BACKUP_DIR, %(default)s)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help="how many backups to keep (default: BACKUP_KEEP, %(default)s)",
        )

    def handle(self, *args, **options):
        try:
            report = backup_create(target=Path(options["to"]), keep=options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = ", ".join(f"{count} {alias}" for alias, count in report.files.items())
        self.stdout.write(
            f"Backup {report.folder}: {report.tables} tables, {report.rows} rows, files: {files}."
        )
        for path in report.removed:
            self.stdout.write(f"Removed old backup {path}")
