"""Rebuild the search index from the database in one writer (haystack's rebuild_index commits per batch)."""
from django.core.management.base import BaseCommand

from resolutions.search.service import rebuild_index


class Command(BaseCommand):
    help = "Recreate the search index from every paragraph in the database."

    def handle(self, *args, **options):
        count = rebuild_index(progress=lambda n: self.stdout.write(f"  {n} paragraphs …"))
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} paragraphs."))
