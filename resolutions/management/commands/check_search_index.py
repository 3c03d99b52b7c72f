"""Compare the search index with the database; with --repair, reindex what differs."""
from django.core.management.base import BaseCommand, CommandError

from resolutions.search.service import compare_index, repair_index


class Command(BaseCommand):
    help = "Report paragraphs missing from, stale in, or changed in the search index; --repair fixes them."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true")

    def handle(self, *args, repair: bool, **options):
        difference, resolutions = repair_index() if repair else compare_index()
        self.stdout.write(
            f"missing={len(difference.missing)} stale={len(difference.stale)} changed={len(difference.changed)} "
            f"resolutions={len(resolutions)}"
        )
        if difference and repair:
            self.stdout.write(self.style.SUCCESS(f"Reindexed {len(resolutions)} resolutions."))
            after, _ = compare_index()
            if after:
                raise CommandError("The index still differs from the database after the repair.")
        elif difference:
            raise CommandError("The index differs from the database; run with --repair.")
        else:
            self.stdout.write(self.style.SUCCESS("The index agrees with the database."))
