"""The original files, kept in MEDIA_ROOT/sources/: names that carry their upload time, and a journal.

Should the database be lost with the originals kept, `manage.py replay_originals` must bring back each
resolution's live text, not whichever version sorts last by name. So every original is stored as

    sources/2026/12/20261203T120501.123456Z-1f0c3a…(16 hex)-A_HRC_RES_45_32.txt

(upload time first, name shortened to a safe length), and every ingest that changed a text appends
one line to sources/journal.jsonl after its commit: when, which file, what it became. The journal
also records a file given again later (an earlier version brought back), which a name cannot.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath

from django.conf import settings

SOURCES_DIRNAME = "sources"
JOURNAL_NAME = "journal.jsonl"
# A file name component may have 255 bytes; the time and checksum take 34, the rest is the original name.
NAME_BYTES = 120
STAMP_FORMAT = "%Y%m%dT%H%M%S.%fZ"
STAMPED_RE = re.compile(r"^(?P<stamp>\d{8}T\d{6}\.\d{6}Z)-(?P<sha>[0-9a-f]{16})-")
LEGACY_RE = re.compile(r"^(?P<sha>[0-9a-f]{16})-")


def sources_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / SOURCES_DIRNAME


def safe_name(filename: str, *, limit: int = NAME_BYTES) -> str:
    """The original name cut to `limit` UTF-8 bytes (keeping its extension), without path or control characters."""
    name = PurePath(filename.replace("\\", "/")).name or "source"
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip(" .") or "source"
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix.encode()) > 10:
        stem, suffix = name, ""
    suffix = f".{suffix}" if suffix else ""
    room = limit - len(suffix.encode())
    while len(stem.encode()) > room:
        stem = stem[:-1]
    return (stem or "source") + suffix


def stored_name(*, filename: str, sha256: str, uploaded_at: datetime) -> str:
    """The name of an original inside its month folder: upload time, checksum prefix, short name."""
    return f"{uploaded_at.astimezone(UTC).strftime(STAMP_FORMAT)}-{sha256[:16]}-{safe_name(filename)}"


def journal_path() -> Path:
    return sources_dir() / JOURNAL_NAME


def append_journal(entry: dict) -> None:
    """One line per text-changing ingest; a single short write with O_APPEND, so workers never interleave."""
    path = journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Replay:
    """One original to ingest again, at the time it was ingested."""

    at: datetime
    path: Path
    filename: str
    uploaded_by: str = ""
    origin: str = ""


def _time_of(path: Path) -> datetime:
    match = STAMPED_RE.match(path.name)
    if match:
        return datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)  # originals kept before names had a time


def _original_name(path: Path) -> str:
    match = STAMPED_RE.match(path.name) or LEGACY_RE.match(path.name)
    return path.name[match.end():] if match else path.name


def replay_order(folder: Path) -> list[Replay]:
    """Every ingest of an original under `folder`, oldest first, as the journal and the file names tell.

    Journal lines name each ingest, a file given twice included; originals the journal does not name
    (kept before it existed, or whose line a crash lost) come in at their upload time.
    """
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != JOURNAL_NAME and not p.name.startswith("."))
    by_relative = {p.relative_to(folder).as_posix(): p for p in files}
    events: list[Replay] = []
    named: set[Path] = set()
    journal = folder / JOURNAL_NAME
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a torn last line
            relative = PurePath(entry.get("file", "")).as_posix().removeprefix(f"{SOURCES_DIRNAME}/")
            path = by_relative.get(relative)
            if path is None:
                continue
            named.add(path)
            events.append(
                Replay(
                    at=datetime.fromisoformat(entry["at"]),
                    path=path,
                    filename=entry.get("filename") or _original_name(path),
                    uploaded_by=entry.get("user") or "",
                    origin=entry.get("origin") or "",
                )
            )
    for path in files:
        if path not in named:
            events.append(Replay(at=_time_of(path), path=path, filename=_original_name(path)))
    return sorted(events, key=lambda e: (e.at, e.path.name))
