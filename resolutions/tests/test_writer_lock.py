"""One index writer for every archive host that shares a PostgreSQL database: the writer lock is an advisory lock.

The drainers here are separate processes on the test database (committed rows, transaction=True), as two hosts'
gunicorn workers would be: one drains while the other leaves its task to it; a drainer killed mid-drain (SIGKILL)
loses the lock with its session, and the next drain takes it and does the work.
"""
from __future__ import annotations

import multiprocessing
import time
import urllib.parse

import pytest
from django.db import connection

from resolutions.models import IndexTask, Paragraph
from resolutions.search import indexing
from resolutions.search.service import compare_index, drain_index_tasks, search_paragraphs
from resolutions.tests import writer_lock_processes
from resolutions.tests.search_fixtures import DATA, ingest_file

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the advisory lock needs PostgreSQL: run the suite with DATABASE_URL=postgres://… (CI's second run does)",
)
pytestmark = [needs_postgresql, pytest.mark.postgres]


def database_url() -> str:
    """The test database (the one pytest-django created) as a URL a spawned process can use."""
    s = connection.settings_dict
    user = urllib.parse.quote(s["USER"] or "", safe="")
    password = urllib.parse.quote(s["PASSWORD"] or "", safe="")
    return f"postgres://{user}:{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def advisory_locks_held(key: int) -> int:
    """Sessions holding the advisory lock `key` (a bigint key is pg_locks' classid and objid halves)."""
    unsigned = key % 2**64
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = %s AND objid = %s AND objsubid = 1",
            [unsigned >> 32, unsigned & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]


class Drainer:
    """A process draining the outbox that stops, lock held, until `go_on()`."""

    def __init__(self, index_dir):
        context = multiprocessing.get_context("spawn")
        self.draining, self.proceed, self.queue = context.Event(), context.Event(), context.Queue()
        self.process = context.Process(
            target=writer_lock_processes.drain_when_told,
            args=(database_url(), str(index_dir), self.draining, self.proceed, self.queue),
        )

    def start_draining(self) -> Drainer:
        self.process.start()
        assert self.draining.wait(120), "the drainer never got to drain"
        return self

    def go_on(self) -> int:
        self.proceed.set()
        done = self.queue.get(timeout=120)
        self.process.join(60)
        assert self.process.exitcode == 0
        return done

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no finally, no close; only the server can end its session
        self.process.join(30)


@pytest.fixture
def committed(transactional_db, settings, search_index_dir):
    """Rows commit (other processes see them); services leave their tasks in the outbox for the drainers."""
    settings.SEARCH_INDEX_DRAIN = "worker"
    return search_index_dir


def test_the_writer_lock_on_postgresql_is_an_advisory_lock_of_a_session_of_its_own(committed):
    key = indexing.advisory_lock_key()
    with indexing.writer_lock(block=False) as acquired:
        assert acquired is True
        assert advisory_locks_held(key) == 1
        # Another session (another host, or this process again) cannot take it meanwhile.
        with indexing.writer_lock(block=False) as again:
            assert again is False
    assert advisory_locks_held(key) == 0
    with indexing.writer_lock(block=False) as acquired:
        assert acquired is True


def test_a_second_process_leaves_its_task_to_the_one_draining_and_that_one_does_it(committed):
    chinese = ingest_file(DATA / "A_RES_67_161.txt")
    drainer = Drainer(committed).start_draining()
    assert advisory_locks_held(indexing.advisory_lock_key()) == 1

    english = ingest_file(DATA / "A_RES_78_171.txt")  # committed with its task while the other process drains
    started = time.monotonic()
    assert drain_index_tasks() == 0  # the lock is taken: this process leaves its task and returns at once
    assert time.monotonic() - started < 2
    assert sorted(IndexTask.objects.values_list("resolution_id", flat=True)) == sorted([chinese.pk, english.pk])

    assert drainer.go_on() == 2  # the holder drained its own task and the one left to it
    assert IndexTask.objects.count() == 0
    assert advisory_locks_held(indexing.advisory_lock_key()) == 0
    difference, _ = compare_index()
    assert not difference
    assert search_paragraphs("国家防范机制", per_page=100).total == Paragraph.objects.filter(
        resolution=chinese, text__contains="国家防范机制").count() > 0
    assert {h.paragraph.resolution_id for h in search_paragraphs("reaffirming", per_page=100).hits} == {english.pk}


def test_a_drainer_killed_while_holding_the_lock_releases_it_and_the_next_drain_does_the_work(committed):
    resolution = ingest_file(DATA / "A_RES_67_161.txt")
    drainer = Drainer(committed).start_draining()
    assert drain_index_tasks() == 0

    drainer.kill()
    deadline = time.monotonic() + 10
    done = drain_index_tasks()
    while not done and time.monotonic() < deadline:  # the server ends the dead session as soon as it reads EOF
        time.sleep(0.1)
        done = drain_index_tasks()
    assert done == 1
    assert IndexTask.objects.count() == 0
    difference, _ = compare_index()
    assert not difference
    assert len(get_indexed()) == Paragraph.objects.filter(resolution=resolution).count() > 20


def get_indexed() -> dict[int, tuple]:
    from resolutions.search.engine import get_engine

    return get_engine().indexed_state()
