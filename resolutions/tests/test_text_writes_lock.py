"""Two hosts writing texts of one series at once: on PostgreSQL the writes run one after the other.

In the scale-out run (README, "Two archive hosts") one host replaced a resolution while the other deleted a
resolution of the same series; their transactions took lineage and series rows in opposite orders and PostgreSQL
failed one of them with "deadlock detected". Every text write now takes one advisory lock before any row.
The writers here are separate processes on the committed test database, as two hosts' workers would be.
"""
from __future__ import annotations

import multiprocessing
import time

import pytest
from django.db import connection

from resolutions.models import ParagraphLineage, Resolution, SeriesMember
from resolutions.services import ingest_resolution
from resolutions.tests import writer_lock_processes
from resolutions.tests.test_series import SERIES_DATA
from resolutions.tests.test_writer_lock import advisory_locks_held, database_url
from resolutions.text_writes import TEXT_WRITES_LOCK_KEY

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the text writers' lock is a PostgreSQL advisory lock (SQLite lets one writer in at a time by itself): "
        "run the suite with DATABASE_URL=postgres://… (CI's second run does)",
    ),
    pytest.mark.postgres,
]


def advisory_lock_waiters(key: int) -> int:
    unsigned = key % 2**64
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = %s AND objid = %s",
            [unsigned >> 32, unsigned & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]


class Writer:
    def __init__(self, index_dir, action: str, target: str, *, stop: bool):
        context = multiprocessing.get_context("spawn")
        self.writing, self.queue = context.Event(), context.Queue()
        self.proceed = context.Event() if stop else None
        self.process = context.Process(
            target=writer_lock_processes.write_text_when_told,
            args=(database_url(), str(index_dir), action, target, self.writing, self.proceed, self.queue),
        )
        self.process.start()

    def outcome(self) -> str:
        if self.proceed is not None:
            self.proceed.set()
        result = self.queue.get(timeout=180)
        self.process.join(60)
        return result


@pytest.fixture
def series_of_three(transactional_db, settings, search_index_dir, tmp_path):
    """78/224 → 79/187 → 80/187 (as the series tests make it), committed; 79/187 reworded in a file to replace it."""
    from resolutions.tests.test_series import _third_text

    settings.SEARCH_INDEX_DRAIN = "worker"
    for name in ("A_RES_78_224.txt", "A_RES_79_187.txt"):
        ingest_resolution(source=(SERIES_DATA / name).read_bytes(), filename=name)
    ingest_resolution(source=_third_text(), filename="A_RES_80_187.txt")
    reworded = tmp_path / "A_RES_79_187.txt"
    text = (SERIES_DATA / "A_RES_79_187.txt").read_text(encoding="utf-8")
    reworded.write_text(text.replace("Strongly encourages Member States", "Urges Member States", 1), encoding="utf-8")
    return search_index_dir, reworded


def test_a_delete_and_a_replace_in_one_series_on_two_hosts_run_one_after_the_other(series_of_three):
    index_dir, reworded = series_of_three
    deleting = Writer(index_dir, "delete", "A/RES/78/224", stop=True)
    assert deleting.writing.wait(120), "the deleting host never got to the series"
    assert advisory_locks_held(TEXT_WRITES_LOCK_KEY) == 1  # the deleting transaction holds it, mid-way

    replacing = Writer(index_dir, "replace", str(reworded), stop=False)
    deadline = time.monotonic() + 60
    while advisory_lock_waiters(TEXT_WRITES_LOCK_KEY) == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert advisory_lock_waiters(TEXT_WRITES_LOCK_KEY) == 1  # the second host waits before touching any row
    assert not replacing.writing.is_set()

    assert deleting.outcome() == "ok"
    assert replacing.outcome() == "ok"
    assert advisory_locks_held(TEXT_WRITES_LOCK_KEY) == 0
    assert not Resolution.objects.filter(symbol="A/RES/78/224").exists()
    replaced = Resolution.objects.get(symbol="A/RES/79/187")
    assert replaced.paragraphs.filter(text__startswith="Urges Member States").count() == 1
    members = list(SeriesMember.objects.order_by("position").values_list("symbol", "previous_symbol"))
    assert members == [("A/RES/79/187", ""), ("A/RES/80/187", "A/RES/79/187")]
    # 79/187 opens its series now: none of its paragraphs has a match before it.
    assert not ParagraphLineage.objects.filter(paragraph__resolution=replaced, previous__isnull=False).exists()
