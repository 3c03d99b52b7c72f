"""python manage.py import_archive DIR — load an export_archive folder into an empty archive, then rebuild the index."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resolutions.backup import BackupError, import_archive


class Command(BaseCommand):
    help = "Load an export (export_archive DIR) into an empty, migrated archive and rebuild the search index."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory: str, **options):
        try:
            result = import_archive(Path(directory), say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result['counts'].get('resolutions.Resolution', 0)} resolutions and"
            f" {result['counts'].get('resolutions.Revision', 0)} revisions; {result['indexed']} paragraphs indexed."
        ))
