"""python manage.py load_samples [--always] — the sample resolutions, into an empty archive only unless asked.

Starting the archive never changes its data: scripts/serve runs this at every start, and it loads nothing
once the archive holds (or held) any resolution. With --always it ingests the samples again; a sample a
curator has edited is left as the curator left it (reported, never replaced).
"""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resolutions.management.commands.ingest import collect_files
from resolutions.models import Origin, Resolution, Revision
from resolutions.parsing import ParseError
from resolutions.services import CuratorEditsError, ingest_resolution

SAMPLES = Path(settings.BASE_DIR) / "sample_data"


class Command(BaseCommand):
    help = "Load the sample resolutions into an empty archive (--always: also into one that holds resolutions)."

    def add_arguments(self, parser):
        parser.add_argument("--always", action="store_true", help="load them even when the archive is not empty")
        parser.add_argument("--path", default=str(SAMPLES), help="the folder of samples (default: sample_data/)")

    def handle(self, *args, always: bool = False, path: str = str(SAMPLES), **options):
        held = Resolution.objects.count()
        if not always and (held or Revision.objects.exists()):
            self.stdout.write(
                f"The archive holds {held} resolution{'s' if held != 1 else ''} (or held some): the samples are not loaded."
                " scripts/serve --load-samples loads them; curators' edits are never replaced."
            )
            return
        files, _ = collect_files([path])
        failed, kept = [], []
        for file in files:
            try:
                result = ingest_resolution(source=file.read_bytes(), filename=file.name, origin=Origin.INGEST)
            except CuratorEditsError as refusal:
                kept.append(file.name)
                self.stdout.write(f"{file.name}: kept the curators' edits of {refusal.resolution} (not replaced)")
                continue
            except ParseError as error:
                failed.append(f"{file.name}: {error}")
                continue
            if result.status != "unchanged" or options.get("verbosity", 1) > 1:
                self.stdout.write(f"{file.name}: {result.describe()}")
        self.stdout.write(f"{len(files)} samples: {len(files) - len(failed) - len(kept)} loaded or unchanged, {len(kept)} kept as curators edited them")
        if failed:
            raise CommandError("could not parse:\n  " + "\n  ".join(failed))
