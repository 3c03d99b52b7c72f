"""python manage.py export_archive DIR — the whole archive into a new folder (see resolutions.backup)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resolutions.backup import BackupError, export_archive


class Command(BaseCommand):
    help = "Write every resolution, revision, account and original file into DIR; import_archive DIR reads it back."

    def add_arguments(self, parser):
        parser.add_argument("directory", help="a new or empty folder")

    def handle(self, *args, directory: str, **options):
        try:
            manifest = export_archive(Path(directory), say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(self.style.SUCCESS(
            f"Exported {counts.get('resolutions.Resolution', 0)} resolutions, {counts.get('resolutions.Revision', 0)} revisions"
            f" and {len(manifest['originals'])} original files to {directory} (it holds password hashes: keep it private)"
        ))
