"""Index writers in processes of their own for test_writer_lock (each one runs django.setup itself)."""
from __future__ import annotations

import os


def setup_django(database_url: str, index_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["SEARCH_INDEX_DIR"] = index_dir
    os.environ["SEARCH_ENGINE"] = "whoosh"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()


def drain_when_told(database_url: str, index_dir: str, draining, proceed, queue) -> None:
    """Drain the outbox, stopping inside the drain (the writer lock held) until `proceed` is set.

    Sets `draining` once it holds the lock and has read its first batch; puts the number of tasks done on `queue`.
    """
    setup_django(database_url, index_dir)
    from resolutions.search import indexing

    reindex = indexing.reindex_resolutions

    def reindex_after_the_signal(resolution_ids: set[int]) -> None:
        draining.set()
        if not proceed.wait(120):
            raise TimeoutError("the test never let the drain go on")
        reindex(resolution_ids)

    indexing.reindex_resolutions = reindex_after_the_signal
    queue.put(indexing.drain_index_tasks())
