"""The data migration for archives made before instruments were structures (0008_annex_restructure), run on a
test database holding what such an archive held: 79/243's annex as flat blocks, the Declaration's articles as
op1 … op30 (both frozen in tests/data/*_before_*.json from the earlier parser), their original files."""
from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from resolutions.parsing import parse_resolution
from resolutions.tests.conftest import DATA

BEFORE = [("resolutions", "0007_annex_structure")]
AFTER = [("resolutions", "0008_annex_restructure")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def store_old(apps, frozen_name: str, source_name: str, *, edited: bool = False):
    """A resolution as the earlier archive stored it, with the original file it was read from."""
    Resolution = apps.get_model("resolutions", "Resolution")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    Footnote = apps.get_model("resolutions", "Footnote")
    SourceFile = apps.get_model("resolutions", "SourceFile")
    Revision = apps.get_model("resolutions", "Revision")
    frozen = json.loads((DATA / frozen_name).read_text(encoding="utf-8"))
    data = (DATA / source_name).read_bytes()
    checksum = hashlib.sha256(data).hexdigest()
    work, _ = apps.get_model("resolutions", "Work").objects.get_or_create(symbol=frozen["symbol"])
    resolution = Resolution.objects.create(
        symbol=frozen["symbol"], language=frozen["language"], body="GA", session="0", number="0", title="as before",
        source_filename=source_name, source_sha256=checksum, work=work,
    )
    rows = [Paragraph(resolution=resolution, position=k, **row) for k, row in enumerate(frozen["paragraphs"], start=1)]
    Paragraph.objects.bulk_create(rows)
    signed = Paragraph.objects.filter(resolution=resolution, text__endswith="have signed this Convention.").first()
    if signed is not None:
        Footnote.objects.create(resolution=resolution, paragraph=signed, number=1, offset=len(signed.text), text="It is noted …")
    source = SourceFile(resolution=resolution, filename=source_name, sha256=checksum, size=len(data))
    source.file.save(f"{checksum[:16]}-{source_name}", ContentFile(data), save=True)
    if edited:
        Revision.objects.create(resolution=resolution, reason="edited: paragraph op19", snapshot={})
    return resolution


def store_parsed(apps, source_name: str):
    """A resolution without an annex, stored as any archive held it (paragraphs only)."""
    Resolution = apps.get_model("resolutions", "Resolution")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    parsed = parse_resolution((DATA / source_name).read_text(encoding="utf-8"))
    work, _ = apps.get_model("resolutions", "Work").objects.get_or_create(symbol=parsed.symbol)
    resolution = Resolution.objects.create(
        symbol=parsed.symbol, language=parsed.language, body="GA", session=parsed.session, number=parsed.number,
        title=parsed.title, work=work,
    )
    Paragraph.objects.bulk_create(
        Paragraph(resolution=resolution, position=k, kind=p.kind.value, number=p.number, item=p.item, eid=p.eid, text=p.text)
        for k, p in enumerate(parsed.paragraphs, start=1)
    )
    return resolution


@pytest.mark.django_db(transaction=True)
def test_an_old_archive_gets_its_annexes_and_articles_and_keeps_its_old_addresses():
    apps = migrate(BEFORE)
    convention = store_old(apps, "A_RES_79_243_before_annexes.json", "A_RES_79_243.txt")
    declaration = store_old(apps, "A_RES_217_A_III_before_articles.json", "A_RES_217_A_III.pdf")
    citing = store_parsed(apps, "A_RES_79_175.txt")
    old_article_5 = apps.get_model("resolutions", "Paragraph").objects.get(resolution=convention, text="Article 5").eid

    apps = migrate(AFTER)
    Division = apps.get_model("resolutions", "Division")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    FormerEid = apps.get_model("resolutions", "FormerEid")
    ArticleCitation = apps.get_model("resolutions", "ArticleCitation")
    IndexTask = apps.get_model("resolutions", "IndexTask")
    assert Division.objects.filter(resolution_id=convention.pk, kind="chapter").count() == 9
    assert Division.objects.filter(resolution_id=convention.pk, kind="article", eid__startswith="annex_1/").count() == 68
    assert Division.objects.filter(resolution_id=declaration.pk, kind="article").count() == 30
    assert not Paragraph.objects.filter(resolution_id=convention.pk, eid__regex=r"^annex\d+$").exists()
    assert Paragraph.objects.get(resolution_id=convention.pk, eid="annex_1/art_5/para_2").text.startswith("Nothing in this Convention")
    assert Paragraph.objects.get(resolution_id=declaration.pk, eid="art_19/para_1").division.eid == "art_19"
    renamed = dict(FormerEid.objects.filter(resolution_id=convention.pk).values_list("eid", "paragraph__eid"))
    assert len(renamed) == 431 and renamed[old_article_5] == "annex_1/art_5/para_1"
    assert FormerEid.objects.get(resolution_id=declaration.pk, eid="op19").paragraph.eid == "art_19/para_1"
    # The footnote follows its words into the closing words of the Convention.
    footnote = apps.get_model("resolutions", "Footnote").objects.get(resolution_id=convention.pk, number=1)
    assert footnote.paragraph.eid == "annex_1/conclusions/para_1"
    # Article citations of every resolution, linked to the articles now held.
    udhr_12 = ArticleCitation.objects.filter(paragraph__resolution_id=citing.pk, instrument="udhr", article__gt=0).order_by("paragraph__position")
    assert [(c.paragraph.eid, c.target_eid, c.target.resolution_id) for c in udhr_12] == [
        ("pp9", "art_12", declaration.pk), ("op1", "art_12", declaration.pk)
    ]
    assert ArticleCitation.objects.get(paragraph__resolution_id=convention.pk, paragraph__eid="op4").target.eid == "annex_1/art_56"
    assert sorted(IndexTask.objects.values_list("resolution_id", flat=True)) == sorted([convention.pk, declaration.pk])
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_resolution_a_curator_edited_is_left_as_the_curator_left_it():
    apps = migrate(BEFORE)
    declaration = store_old(apps, "A_RES_217_A_III_before_articles.json", "A_RES_217_A_III.pdf", edited=True)
    missing = store_old(apps, "A_RES_79_243_before_annexes.json", "A_RES_79_243.txt")
    SourceFile = apps.get_model("resolutions", "SourceFile")
    SourceFile.objects.get(resolution_id=missing.pk).file.delete()  # the original is gone

    apps = migrate(AFTER)
    Paragraph = apps.get_model("resolutions", "Paragraph")
    assert list(Paragraph.objects.filter(resolution_id=declaration.pk, kind="operative").values_list("eid", flat=True)) == [
        f"op{n}" for n in range(1, 31)
    ]
    assert not apps.get_model("resolutions", "Division").objects.exists()
    assert Paragraph.objects.filter(resolution_id=missing.pk, eid__regex=r"^annex\d+$").count() == 431
    assert not apps.get_model("resolutions", "IndexTask").objects.exists()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
