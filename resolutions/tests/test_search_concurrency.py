"""Several processes change resolutions at once; afterwards the index and the database agree exactly."""
from __future__ import annotations

import multiprocessing

from resolutions.tests import search_concurrency


def test_concurrent_saves_edits_and_deletes_leave_nothing_stale_or_missing(tmp_path):
    context = multiprocessing.get_context("spawn")
    var_dir = str(tmp_path)
    migrate = context.Process(target=search_concurrency.migrate, args=(var_dir,))
    migrate.start()
    migrate.join(120)
    assert migrate.exitcode == 0
    workers = [context.Process(target=search_concurrency.churn, args=(var_dir, w, 12)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(300)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    queue = context.Queue()
    check = context.Process(target=search_concurrency.final_state, args=(var_dir, queue))
    check.start()
    state = queue.get(timeout=120)
    check.join(60)
    # Writers drained after their own commits, so (almost) nothing was left for the final drain.
    assert state["missing"] == state["stale"] == state["changed"] == 0
    assert state["found"] == state["expected"] and state["expected"]
    assert state["paragraphs"] > 0
