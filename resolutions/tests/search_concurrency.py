"""Work done in separate processes by test_search_concurrency (each process runs django.setup itself)."""
from __future__ import annotations

import os
import random


def setup_django(var_dir: str) -> None:
    os.environ["ARCHIVE_VAR_DIR"] = var_dir
    # Processes spawned by a test are outside the test database: give them a database file of their own, even
    # when the suite runs on PostgreSQL, rather than writing into the real DATABASE_URL.
    os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(var_dir, 'archive.sqlite3')}"
    os.environ["SEARCH_INDEX_DIR"] = os.path.join(var_dir, "search-index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django

    django.setup()


def migrate(var_dir: str) -> None:
    setup_django(var_dir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def churn(var_dir: str, worker: int, rounds: int) -> None:
    """Create, edit and delete resolutions, each change in its own transaction with its index task."""
    setup_django(var_dir)
    import datetime

    from django.db import transaction

    from resolutions.models import Paragraph, Resolution
    from resolutions.search.service import schedule_reindex

    rng = random.Random(worker)
    mine: list[int] = []
    for i in range(rounds):
        with transaction.atomic():
            resolution = Resolution.objects.create(
                symbol=f"A/RES/{90 + worker}/{i}", language="zh", body="GA", session=str(90 + worker), number=str(i),
                title="t", adopted_on=datetime.date(2030, 1, 1),
            )
            for n in range(1, 4):
                Paragraph.objects.create(resolution=resolution, kind="operative", position=n, number=n, eid=f"op{n}",
                                         text=f"决定第{worker}组第{i}项原文{n}。")
            schedule_reindex(resolution.pk)
        mine.append(resolution.pk)
        action = rng.random()
        target = rng.choice(mine)
        with transaction.atomic():
            if action < 0.4:
                Paragraph.objects.filter(resolution_id=target, position=1).update(text=f"请第{worker}组修改稿{i}。")
                schedule_reindex(target)
            elif action < 0.7:
                Resolution.objects.filter(pk=target).delete()
                mine.remove(target)
                schedule_reindex(target)


def final_state(var_dir: str, queue) -> None:
    """After all writers: drain what is left, then report differences and what searches find."""
    setup_django(var_dir)
    from resolutions.models import IndexTask, Paragraph
    from resolutions.search.service import compare_index, drain_index_tasks
    from resolutions.search.service import search_paragraphs

    pending_before = IndexTask.objects.count()
    drain_index_tasks(block=True)
    difference, _ = compare_index()
    found = sorted(h.paragraph.pk for page in [search_paragraphs("修改稿", per_page=100)] for h in page.hits)
    expected = sorted(p.pk for p in Paragraph.objects.all() if "修改稿" in p.text)
    queue.put({
        "pending_before": pending_before,
        "missing": len(difference.missing), "stale": len(difference.stale), "changed": len(difference.changed),
        "found": found, "expected": expected, "paragraphs": Paragraph.objects.count(),
    })
