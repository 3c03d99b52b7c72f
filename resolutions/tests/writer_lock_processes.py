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


def write_text_when_told(database_url: str, index_dir: str, action: str, path: str, writing, proceed, queue) -> None:
    """Replace (`action` "replace": ingest the file at `path`) or delete (`action` "delete": the resolution of
    symbol `path`) a text, stopping where the series is worked out again until `proceed` is set (None: no stop).

    Sets `writing` when it gets there; puts "ok" or the error on `queue`.
    """
    setup_django(database_url, index_dir)
    from pathlib import Path

    from resolutions import series, services
    from resolutions.models import Resolution

    refresh = series.refresh_series

    def refresh_after_the_signal(symbol: str, **kwargs) -> None:
        writing.set()
        if proceed is not None and not proceed.wait(120):
            raise TimeoutError("the test never let the writer go on")
        refresh(symbol, **kwargs)

    services.refresh_series = refresh_after_the_signal
    try:
        if action == "replace":
            source = Path(path).read_bytes()
            services.ingest_resolution(source=source, filename=Path(path).name)
        else:
            services.delete_resolution(Resolution.objects.get(symbol=path, language="en"))
    except Exception as error:  # reported to the test, which shows it
        queue.put(f"{type(error).__name__}: {error}")
    else:
        queue.put("ok")
