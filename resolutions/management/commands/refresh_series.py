"""Recompute every series and paragraph lineage from the archive (curators' decisions are kept and applied)."""
from django.core.management.base import BaseCommand

from resolutions.series import refresh_all


class Command(BaseCommand):
    help = "Recompute the series of every resolution and each paragraph's match in the previous member."

    def handle(self, *args, **options):
        held = refresh_all()
        self.stdout.write(f"{held} series")
