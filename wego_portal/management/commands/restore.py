from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wego_portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder (from `manage.py backup`) into an empty database and empty "
        "storage, then compare every table's row count and every file's checksum with the "
        "backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a wego-backup-... folder")

    def handle(self, *args, **options):
        try:
            report = backup_restore(folder=Path(options["folder"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = ", ".join(f"{count} {alias}" for alias, count in report.files.items())
        self.stdout.write(
            f"Restored and verified: {report.tables} tables, {report.rows} rows, files: {files}; "
            "row counts and checksums equal the backup's."
        )
