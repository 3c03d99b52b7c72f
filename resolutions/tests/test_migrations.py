"""The data migration that turns revisions into the states each change left (0009/0010), on an archive as it was."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("resolutions", "0008_annex_restructure")]
AFTER = [("resolutions", "0010_curator_revisions_as_states")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "resolutions"]


@pytest.mark.django_db(transaction=True)
def test_old_revisions_become_states_credited_to_the_change_that_made_them(django_user_model):
    try:
        apps = migrate(BEFORE)
        Resolution = apps.get_model("resolutions", "Resolution")
        Paragraph = apps.get_model("resolutions", "Paragraph")
        Revision = apps.get_model("resolutions", "Revision")
        SourceFile = apps.get_model("resolutions", "SourceFile")
        User = apps.get_model("auth", "User")
        Work = apps.get_model("resolutions", "Work")
        wang = User.objects.create(username="wang")
        resolution = Resolution.objects.create(
            work=Work.objects.create(symbol="A/RES/67/161"), symbol="A/RES/67/161", language="zh", body="GA", session="67", number="161", title="酷刑（订正）"
        )
        Paragraph.objects.create(resolution=resolution, kind="operative", position=1, number=1, eid="op1", text="第三稿")
        SourceFile.objects.create(resolution=resolution, file="sources/x.txt", filename="x.txt", sha256="0" * 64, size=1)
        untouched = Resolution.objects.create(work=Work.objects.create(symbol="A/RES/1/1"), symbol="A/RES/1/1", language="en", body="GA", session="1", number="1", title="T")
        Paragraph.objects.create(resolution=untouched, kind="preambular", position=1, number=1, eid="pp1", text="Alone")

        def old(text: str, title: str) -> dict:
            return {"symbol": "A/RES/67/161", "language": "zh", "title": title, "adopted_on": None, "meeting": "",
                    "paragraphs": [{"eid": "op1", "kind": "operative", "number": 1, "item": "", "text": text}], "footnotes": []}

        first = Revision.objects.create(resolution=resolution, reason="replaced by A_RES_67_161.txt", snapshot=old("初稿", "酷刑"))
        second = Revision.objects.create(
            resolution=resolution, created_by=wang, reason="admin edit: title", snapshot=old("第二稿", "酷刑")
        )
        Revision.objects.filter(pk=first.pk).update(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
        Revision.objects.filter(pk=second.pk).update(created_at=datetime(2025, 2, 1, tzinfo=timezone.utc))

        apps = migrate(AFTER)
        Revision = apps.get_model("resolutions", "Revision")

        states = list(Revision.objects.filter(resolution_id=resolution.pk).order_by("created_at", "pk"))
        assert [s.snapshot["paragraphs"][0]["text"] for s in states] == ["初稿", "第二稿", "第三稿"]
        assert [(s.origin, s.reason) for s in states] == [
            ("ingest", "created (the first text stored)"),
            ("ingest", "replaced by A_RES_67_161.txt"),
            ("edit", "admin edit: title"),
        ]
        assert [s.created_by_id for s in states] == [None, None, wang.pk]
        assert states[1].created_at == datetime(2025, 1, 1, tzinfo=timezone.utc)
        assert states[2].snapshot["v"] == 2 and states[2].snapshot["title"] == "酷刑（订正）"
        assert states[2].changes == {"paragraphs": {"op1": "edited"}, "fields": ["title"], "footnotes": []}
        assert all((s.symbol, s.language) == ("A/RES/67/161", "zh") for s in states)
        [alone] = Revision.objects.filter(resolution_id=untouched.pk)
        assert (alone.snapshot["paragraphs"][0]["text"], alone.origin, alone.changes["created"]) == ("Alone", "ingest", True)

        # And back: the text before each change again.
        apps = migrate(BEFORE)
        Revision = apps.get_model("resolutions", "Revision")
        back = list(Revision.objects.filter(resolution_id=resolution.pk).order_by("created_at", "pk"))
        assert [r.snapshot["paragraphs"][0]["text"] for r in back] == ["初稿", "第二稿"]
    finally:
        migrate(latest())
