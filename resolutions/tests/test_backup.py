"""Backups that round-trip, and recovery from the kept originals in the order they were ingested."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from resolutions import services
from resolutions.management.commands.ingest import collect_files
from resolutions.models import FormerEid, IndexTask, Paragraph, Resolution, Revision, SourceFile
from resolutions.services import ingest_resolution, record_edit, snapshot
from resolutions.tests.conftest import DATA
from resolutions.tests.search_fixtures import search_index, search_index_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
SAMPLES = Path(settings.BASE_DIR) / "sample_data"
QUERIES = ["受教育权", "酷刑", "human rights", '"persons with albinism"', "独角兽", "人人生而自由"]


def edit(paragraph: Paragraph, user, **values) -> None:
    resolution = paragraph.resolution
    before = snapshot(resolution)
    for name, value in values.items():
        setattr(paragraph, name, value)
    paragraph.save()
    record_edit(resolution, user=user, reason="curator's edit", before=before)


def wipe() -> None:
    """What a lost or new database looks like: no rows, no originals, an empty index."""
    from resolutions.backup import archive_models
    from resolutions.search.service import rebuild_index

    Revision.objects.all().delete()
    for model in reversed(archive_models()):  # referencing tables first (works, series … go last)
        model._default_manager.all().delete()
    get_user_model().objects.all().delete()
    IndexTask.objects.all().delete()
    rebuild_index()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def archive_seen_by_readers(urls: list[str]) -> dict:
    """Every page, permanent link and answer a reader or curator gets, and the archive's history."""
    client = Client()
    seen = {}
    for url in urls:
        response = client.get(url)
        seen[url] = (response.status_code, response.get("Location"), response.content.decode())
    for query in QUERIES:
        response = client.get("/api/search", {"q": query, "per_page": 100})
        seen[f"search {query}"] = response.json()
    seen["revisions"] = sorted(
        (r.pk, r.resolution_id, r.symbol, r.language, r.created_at.isoformat(), r.created_by.username if r.created_by else "",
         r.origin, r.reason, repr(r.snapshot), repr(r.changes))
        for r in Revision.objects.select_related("created_by")
    )
    seen["former"] = sorted(FormerEid.objects.values_list("resolution_id", "eid", "paragraph_id"))
    seen["originals"] = sorted(
        (s.sha256, s.filename, s.file.name, s.uploaded_at.isoformat(), s.origin, s.resolution_id, s.file.read())
        for s in SourceFile.objects.all()
    )
    seen["resolutions"] = sorted(
        Resolution.objects.values_list("pk", "symbol", "language", "created_at", "updated_at", "work_id")
    )
    seen["siblings"] = sorted(Paragraph.siblings.through.objects.values_list("from_paragraph_id", "to_paragraph_id"))
    from resolutions.backup import archive_models

    seen["rows"] = {model._meta.label: model._default_manager.count() for model in archive_models()}
    return seen


def test_export_wipe_import_gives_back_every_page_link_revision_and_search_result(tmp_path, search_index):  # noqa: F811
    curator = get_user_model().objects.create_user("wang", password="a long curator password", is_staff=True)
    files, _ = collect_files([str(SAMPLES)])
    for path in files:
        ingest_resolution(source=path.read_bytes(), filename=path.name)
    hrc = Resolution.objects.get(symbol="A/HRC/RES/45/32")
    edit(hrc.paragraphs.get(eid="op3"), curator, text=hrc.paragraphs.get(eid="op3").text.replace("双边合作", "独角兽合作"))
    edit(hrc.paragraphs.get(eid="op14"), curator, number=15)  # renumbered: /op14 redirects
    before = snapshot(hrc)
    hrc.paragraphs.get(eid="op12").delete()  # deleted: /op12 answers 410
    record_edit(hrc, user=curator, before=before)
    withdrawn = Resolution.objects.get(symbol="A/RES/78/188")
    withdrawn_urls = [withdrawn.get_absolute_url(), withdrawn.paragraphs.first().get_absolute_url()]
    services.delete_resolution(withdrawn, user=curator)
    urls = ["/", "/browse/", "/feed/", "/A/HRC/RES/45/32/zh/op14", "/A/HRC/RES/45/32/zh/op12", *withdrawn_urls]
    for resolution in Resolution.objects.all():
        urls += [resolution.get_absolute_url(), f"/api/resolutions/{resolution.symbol}?lang={resolution.language}"]
        urls += [p.get_absolute_url() for p in resolution.paragraphs.all()[:8]]
    urls += [p.get_absolute_url() for p in hrc.paragraphs.all()]
    # Scores depend on the index's statistics (Whoosh counts deleted documents until segments merge); the
    # import rebuilds the index, so the live one is rebuilt first to compare like with like.
    from resolutions.search.service import rebuild_index

    rebuild_index()
    expected = archive_seen_by_readers(urls)
    assert expected["/A/HRC/RES/45/32/zh/op12"][0] == 410 and expected[withdrawn_urls[0]][0] == 410
    assert expected["/A/HRC/RES/45/32/zh/op14"][:2] == (301, "/A/HRC/RES/45/32/zh/op15")
    assert expected["search 独角兽"]["results"][0]["eid"] == "op3"

    out = io.StringIO()
    call_command("export_archive", str(tmp_path / "backup"), stdout=out)
    assert "Exported 12 resolutions" in out.getvalue()  # the thirteen samples, one deleted
    wipe()
    assert Client().get("/A/HRC/RES/45/32/zh/op3").status_code == 404
    call_command("import_archive", str(tmp_path / "backup"), stdout=io.StringIO())

    seen = archive_seen_by_readers(urls)
    assert [key for key in expected if seen.get(key) != expected[key]] == []
    assert seen == expected
    assert get_user_model().objects.get(username="wang").check_password("a long curator password")


def test_import_refuses_an_archive_that_is_not_empty_and_an_altered_export(tmp_path, search_index):  # noqa: F811
    ingest_resolution(source=(DATA / "A_HRC_RES_45_32.txt").read_bytes(), filename="A_HRC_RES_45_32.txt")
    call_command("export_archive", str(tmp_path / "backup"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="the archive is not empty"):
        call_command("import_archive", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="is not empty: export into a new folder"):
        call_command("export_archive", str(tmp_path / "backup"))
    wipe()
    [original] = (tmp_path / "backup" / "originals").rglob("*.txt")
    original.write_bytes(original.read_bytes() + b" ")
    with pytest.raises(CommandError, match="is missing or altered"):
        call_command("import_archive", str(tmp_path / "backup"))
    assert Resolution.objects.count() == 0


# Issue 18, item 5: recovery from the originals alone.


def versions_of_45_32() -> list[bytes]:
    """Five texts of 45/32, each a correction of the one before (op3's last words change)."""
    text = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    words = ["合作与对话", "合作与交流", "合作与协商", "合作与沟通", "合作与互助"]
    return [text.replace("双边合作与对话", "双边" + word).encode() for word in words]


def op3_now() -> str:
    return Resolution.objects.get(symbol="A/HRC/RES/45/32").paragraphs.get(eid="op3").text


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [0, 1, 0]], ids=["five versions", "reversed", "back to the first"])
def test_replaying_the_originals_brings_back_the_live_version(search_index, order, django_capture_on_commit_callbacks):  # noqa: F811
    versions = versions_of_45_32()
    for n in order:
        with django_capture_on_commit_callbacks(execute=True):  # the journal line is written after the commit
            ingest_resolution(source=versions[n], filename=f"A_HRC_RES_45_32-v{n}.txt")
    live = op3_now()
    names = sorted(p.name for p in (Path(settings.MEDIA_ROOT) / "sources").rglob("*.txt"))
    assert len(names) == len(set(order))
    media = Path(settings.MEDIA_ROOT)
    # The database is lost; the originals are kept.
    Revision.objects.all().delete()
    Resolution.objects.all().delete()
    SourceFile.objects.all().delete()
    assert media.joinpath("sources").is_dir()

    out = io.StringIO()
    call_command("replay_originals", stdout=out)

    assert op3_now() == live
    assert f"{len(order)} ingests replayed" in out.getvalue()
    assert SourceFile.objects.count() == len(set(order))  # the originals are registered where they are, not copied
    assert sorted(p.name for p in (media / "sources").rglob("*.txt")) == names
    assert Revision.objects.filter(symbol="A/HRC/RES/45/32").first().origin == "import"


def test_replay_without_the_journal_follows_the_upload_times_in_the_names(search_index):  # noqa: F811
    versions = versions_of_45_32()
    for n in [3, 0, 4, 1]:  # a sha256 order that differs from the upload order
        ingest_resolution(source=versions[n], filename=f"A_HRC_RES_45_32-v{n}.txt")
    live = op3_now()
    assert not (Path(settings.MEDIA_ROOT) / "sources" / "journal.jsonl").exists()  # never committed, never written
    Revision.objects.all().delete()
    Resolution.objects.all().delete()
    SourceFile.objects.all().delete()

    call_command("replay_originals", stdout=io.StringIO())

    assert op3_now() == live
    assert "双边合作与交流" in live  # version 1, the last one ingested
