"""python manage.py ingest PATH… — load resolution texts (.txt, .pdf, .docx, udhr .xml) from files or folders."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resolutions.models import Origin
from resolutions.parsing import ParseError
from resolutions.services import CuratorEditsError, ingest_resolution

SUFFIXES = (".txt", ".pdf", ".docx", ".xml")
# When one folder holds the same document in several forms, the first of these is read (structured XML first).
PREFERENCE = {".xml": 0, ".txt": 1, ".docx": 2, ".pdf": 3}


def collect_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Files to ingest, in a stable order, and notes about what was passed over."""
    files: list[Path] = []
    notes: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            chosen: dict[Path, Path] = {}
            for candidate in candidates:
                stem = candidate.with_suffix("")
                current = chosen.get(stem)
                if current is None or PREFERENCE[candidate.suffix.lower()] < PREFERENCE[current.suffix.lower()]:
                    if current is not None:
                        notes.append(f"skipped {current} (same document as {candidate.name})")
                    chosen[stem] = candidate
                else:
                    notes.append(f"skipped {candidate} (same document as {current.name})")
            files.extend(sorted(chosen.values()))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{raw}: no such file or folder")
    return files, notes


class Command(BaseCommand):
    help = (
        "Load resolutions from .txt, .pdf, .docx or udhr .xml files (or folders of them); re-ingesting replaces in "
        "place. A file that would replace curators' edits is refused, listing them, unless --replace-edits."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument(
            "--replace-edits",
            action="store_true",
            help="store the files even where they replace paragraphs curators edited since the last ingest",
        )

    def handle(self, *args, paths: list[str], verbosity: int = 1, replace_edits: bool = False, **options):
        files, notes = collect_files(paths)
        if not files:
            raise CommandError("no .txt, .pdf, .docx or .xml files found in " + ", ".join(paths))
        for note in notes:
            if verbosity >= 2:
                self.stdout.write(note)
        failed: list[str] = []
        refused: list[str] = []
        counts = {"created": 0, "replaced": 0, "unchanged": 0}
        width = len(str(len(files)))
        for index, path in enumerate(files, start=1):
            prefix = f"[{index:>{width}}/{len(files)}] {path.name}: "
            try:
                result = ingest_resolution(
                    source=path.read_bytes(), filename=path.name, origin=Origin.INGEST, replace_edits=replace_edits
                )
            except ParseError as error:
                failed.append(f"{path}: {error}")
                self.stderr.write(prefix + f"FAILED {error}")
                continue
            except CuratorEditsError as refusal:
                refused.append(f"{path}: {refusal.resolution.symbol} ({refusal.resolution.language})")
                self.stderr.write(prefix + f"REFUSED: {refusal}")
                for edit in refusal.edits:
                    self.stderr.write(f"    curator edit: {edit.describe()}")
                continue
            counts[result.status] += 1
            self.stdout.write(prefix + result.describe())
            for warning in result.warnings:
                self.stdout.write(f"    warning: {warning}")
        summary = ", ".join(f"{n} {status}" for status, n in counts.items())
        self.stdout.write(f"{len(files)} files: {summary}, {len(refused)} refused, {len(failed)} failed")
        problems = []
        if refused:
            problems.append(
                "not stored, they would replace curators' edits (run again with --replace-edits to replace them):\n  "
                + "\n  ".join(refused)
            )
        if failed:
            problems.append("could not parse:\n  " + "\n  ".join(failed))
        if problems:
            raise CommandError("\n".join(problems))
