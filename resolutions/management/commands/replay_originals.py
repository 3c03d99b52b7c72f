"""python manage.py replay_originals [FOLDER] — rebuild lost resolutions from the kept original files, in upload order.

For a database lost with its backups but not its originals (MEDIA_ROOT/sources). Every ingest is replayed in
the order it happened (the journal, else the upload time each original's name carries), so each resolution
comes back with the text it had last, not the one whose file name sorts last. Curators' hand edits and the
revisions are not in the originals: export_archive keeps those.
"""
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from resolutions.models import Origin, SourceFile
from resolutions.originals import SOURCES_DIRNAME, replay_order
from resolutions.parsing import ParseError
from resolutions.services import CuratorEditsError, ingest_resolution, sha256_of


class Command(BaseCommand):
    help = "Ingest the kept originals again, oldest first, as they were ingested (journal, then upload times)."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="default: MEDIA_ROOT/sources")

    def handle(self, *args, folder: str | None = None, **options):
        folder = Path(folder) if folder else Path(settings.MEDIA_ROOT) / SOURCES_DIRNAME
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder")
        media = Path(settings.MEDIA_ROOT).resolve()
        events = replay_order(folder)
        users = {u.get_username(): u for u in get_user_model().objects.all()}
        failed: list[str] = []
        counts = {"created": 0, "replaced": 0, "unchanged": 0}
        for index, event in enumerate(events, start=1):
            data = event.path.read_bytes()
            checksum = sha256_of(data)
            user = users.get(event.uploaded_by)
            # The original stays where it is: recorded as kept, with the time it was first given.
            if not SourceFile.objects.filter(sha256=checksum).exists() and event.path.resolve().is_relative_to(media):
                SourceFile.objects.create(
                    file=str(event.path.resolve().relative_to(media)), filename=event.filename[:255], sha256=checksum,
                    size=len(data), uploaded_by=user, uploaded_at=event.at, origin=event.origin or Origin.INGEST,
                )
            try:
                result = ingest_resolution(source=data, filename=event.filename, uploaded_by=user, origin=Origin.IMPORT)
            except ParseError as error:
                failed.append(f"{event.path}: {error}")
                continue
            except CuratorEditsError as refusal:  # only in an archive curators have worked on since
                failed.append(f"{event.path}: {refusal}")
                continue
            counts[result.status] += 1
            self.stdout.write(f"[{index}/{len(events)}] {event.at:%Y-%m-%d %H:%M:%S} {event.filename}: {result.describe()}")
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        self.stdout.write(f"{len(events)} ingests replayed: {summary}, {len(failed)} failed")
        if failed:
            raise CommandError("not replayed:\n  " + "\n  ".join(failed))
