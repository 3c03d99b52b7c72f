"""Drain the search index outbox (IndexTask) as the single writer, once or as a long-running service."""
import time

from django.core.management.base import BaseCommand

from resolutions.search.service import drain_index_tasks


class Command(BaseCommand):
    help = "Apply pending index tasks; with --forever keep doing so every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--forever", action="store_true", help="run as a service")
        parser.add_argument("--interval", type=float, default=2.0)

    def handle(self, *args, forever: bool, interval: float, **options):
        while True:
            done = drain_index_tasks(block=True)
            if done or not forever:
                self.stdout.write(f"Applied {done} index tasks.")
            if not forever:
                return
            time.sleep(interval)
