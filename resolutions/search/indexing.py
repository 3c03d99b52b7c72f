"""One writer for the search index, fed by an outbox of IndexTask rows, whichever engine holds the index.

A service that changes a resolution calls `schedule_reindex(resolution.id)` inside its transaction:
the IndexTask row commits or rolls back with the change itself, so no committed change can miss the
index. After the commit, whoever takes the writer lock drains the outbox until it is empty; a process
that finds the lock taken leaves its task to the holder and returns at once, so a web request never
waits on another writer. On PostgreSQL the lock is an advisory lock of the database every archive host
shares (held by a connection of its own while draining, released with that session: on exit, or by the
server when the process dies), so one writer serves all hosts; on SQLite (one host) it is an exclusive,
non-blocking flock on a file beside the index. The
`index_worker` command drains too and can run as a service (settings.SEARCH_INDEX_DRAIN = "worker"
leaves all draining to it).

Draining a task: replace every index document of the resolution by its current paragraphs (none if
it was deleted), through the engine (resolutions.search.engine: Whoosh in one commit). Tasks are deleted
by id only after the engine has taken the change, so a crash in between only repeats work.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections as databases, transaction
from haystack import connections

from ..models import IndexTask, Paragraph
from ..search_indexes import ParagraphIndex, indexed_paragraphs
from .engine import get_engine, replace_resolutions

log = logging.getLogger(__name__)

BATCH = 200  # tasks per index commit


def _mode() -> str:
    """'commit' (drain after each commit, the default), 'immediate' (tests) or 'worker' (only the worker)."""
    return getattr(settings, "SEARCH_INDEX_DRAIN", "commit")


def schedule_reindex(resolution_id: int) -> None:
    """Record that `resolution_id` changed (created, replaced, edited or deleted) and drain after commit."""
    IndexTask.objects.create(resolution_id=resolution_id)
    mode = _mode()
    if mode == "immediate":
        # Tests run inside a transaction that never commits; the writer reads through the same connection.
        drain_index_tasks()
    elif mode == "commit":
        transaction.on_commit(_drain_quietly, robust=True)


def _drain_quietly() -> None:
    try:
        drain_index_tasks()
    except Exception:  # the outbox keeps the task; the worker or the next commit retries it
        log.exception("search index drain failed; tasks stay in the outbox")


def lock_path() -> Path:
    """A file beside the Whoosh index (an engine with no local directory: beside SEARCH_INDEX_DIR)."""
    path = Path(connections["default"].options.get("PATH") or settings.SEARCH_INDEX_DIR)
    return path.parent / f"{path.name}.writer.lock"


@contextlib.contextmanager
def writer_lock(*, block: bool) -> Iterator[bool]:
    """Hold the single-writer lock; yields False at once when another process holds it and not `block`.

    PostgreSQL: an advisory lock in the database (every host that shares it); otherwise a file lock (this host).
    """
    lock = _advisory_lock if databases[DEFAULT_DB_ALIAS].vendor == "postgresql" else _file_lock
    with lock(block=block) as acquired:
        yield acquired


def advisory_lock_key() -> int:
    """The advisory lock's key (a signed 64-bit integer): one per index, as the lock file is one per index.

    An OpenSearch index is named by its alias, whatever host writes to it; a Whoosh index by its directory.
    """
    options = connections["default"].options
    index = f"opensearch:{options['INDEX_NAME']}" if options.get("INDEX_NAME") else f"whoosh:{lock_path()}"
    digest = hashlib.blake2b(f"resolution-archive index writer {index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextlib.contextmanager
def _advisory_lock(*, block: bool) -> Iterator[bool]:
    """pg_try_advisory_lock (pg_advisory_lock when `block`) on a connection of its own, closed afterwards.

    The lock belongs to that session, not to a transaction, so the drain's own transactions neither end it nor
    are held open by it; closing the session releases it, and so does the server when this process dies (its
    socket closes: the server ends the session at once; a host cut off from the network is noticed through
    PostgreSQL's tcp_keepalives_* settings).
    """
    key = advisory_lock_key()
    holder = databases[DEFAULT_DB_ALIAS].copy()
    try:
        with holder.cursor() as cursor:
            if block:
                cursor.execute("SELECT pg_advisory_lock(%s)", [key])
                acquired = True
            else:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
                acquired = cursor.fetchone()[0]
        yield acquired
        if acquired:
            # Closing alone releases it too, but the server ends a session only after the client has gone: unlock
            # first, so that the next writer (on any host) can take the lock the moment this one returns.
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    finally:
        holder.close()


@contextlib.contextmanager
def _file_lock(*, block: bool) -> Iterator[bool]:
    """An exclusive flock on lock_path() (one host: the processes that share the index directory)."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def drain_index_tasks(*, block: bool = False) -> int:
    """Apply every pending IndexTask to the index if this process gets the writer lock; returns tasks done."""
    done = 0
    while True:
        with writer_lock(block=block) as acquired:
            if not acquired:
                return done
            while batch := list(IndexTask.objects.order_by("id").values_list("id", "resolution_id")[:BATCH]):
                reindex_resolutions({resolution_id for _, resolution_id in batch})
                IndexTask.objects.filter(id__in=[task_id for task_id, _ in batch]).delete()
                done += len(batch)
        # A task committed while we held the lock may have found it taken: look once more after releasing.
        if not IndexTask.objects.exists():
            return done


def reindex_resolutions(resolution_ids: set[int]) -> None:
    """Replace the index documents of these resolutions by their current paragraphs. Caller holds the lock."""
    paragraphs = indexed_paragraphs(Paragraph.objects.filter(resolution_id__in=resolution_ids)).order_by("pk")
    replace_resolutions(get_engine(), sorted(resolution_ids), paragraphs.iterator(chunk_size=2000))


def rebuild_index(*, batch_size: int = 5000, progress=None) -> int:
    """Recreate the whole index from the database; returns the paragraphs indexed.

    The engine builds the new index beside the live one and swaps it in (search never goes empty; a rebuild
    that dies leaves the live index as it was). Waits for the writer lock. Tasks already in the outbox when
    the rebuild starts are covered by it; those that come meanwhile are drained after it.
    """
    engine = get_engine()
    with writer_lock(block=True):
        last_task = IndexTask.objects.order_by("-id").values_list("id", flat=True).first() or 0
        count = engine.rebuild(_counted(ParagraphIndex().index_queryset().iterator(chunk_size=batch_size), batch_size, progress))
        IndexTask.objects.filter(id__lte=last_task).delete()
    drain_index_tasks(block=True)
    return count


def _counted(paragraphs: Iterator[Paragraph], every: int, progress) -> Iterator[Paragraph]:
    """The paragraphs, calling progress(count) after every `every` of them (as the engine takes them)."""
    for count, paragraph in enumerate(paragraphs, start=1):
        yield paragraph
        if progress is not None and count % every == 0:
            progress(count)


@dataclass(frozen=True)
class IndexDifference:
    missing: frozenset[int]  # paragraph ids in the database, not in the index
    stale: frozenset[int]  # paragraph ids in the index, gone from the database
    changed: frozenset[int]  # in both, but indexed with other values (resolution, kind, position …)

    def __bool__(self) -> bool:
        return bool(self.missing or self.stale or self.changed)


def compare_index() -> tuple[IndexDifference, set[int]]:
    """What differs between the index and the database, and the resolutions to reindex to repair it."""
    index = ParagraphIndex()
    indexed = get_engine().indexed_state()
    in_db: dict[int, tuple] = {}
    for paragraph in indexed_paragraphs(Paragraph.objects.all()).iterator(chunk_size=5000):
        in_db[paragraph.pk] = (
            paragraph.resolution_id, paragraph.kind, paragraph.position, index.prepare_verb(paragraph), paragraph.resolution.symbol,
            index.prepare_text_hash(paragraph), ",".join(index.prepare_instrument(paragraph)),
        )
    missing = frozenset(in_db.keys() - indexed.keys())
    stale = frozenset(indexed.keys() - in_db.keys())
    changed = frozenset(pk for pk in in_db.keys() & indexed.keys() if in_db[pk] != indexed[pk])
    resolutions = {in_db[pk][0] for pk in missing | changed} | {indexed[pk][0] for pk in stale | changed}
    return IndexDifference(missing, stale, changed), resolutions


def repair_index() -> tuple[IndexDifference, set[int]]:
    """Reindex every resolution whose documents differ from the database (through the outbox)."""
    difference, resolutions = compare_index()
    for resolution_id in sorted(resolutions):
        IndexTask.objects.create(resolution_id=resolution_id)
    drain_index_tasks(block=True)
    return difference, resolutions
