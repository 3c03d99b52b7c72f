"""The ingest service: one writer for the command, the admin and the API."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from resolutions.models import Footnote, IndexTask, Paragraph, Reference, Resolution, Revision, SourceFile
from resolutions.parsing import ParseError
from resolutions.services import delete_resolution, ingest_resolution, link_references, record_edit
from resolutions.tests.conftest import DATA

pytestmark = pytest.mark.django_db


def ingest(name: str, source: bytes | None = None):
    return ingest_resolution(source=source if source is not None else (DATA / name).read_bytes(), filename=name)


def test_ingest_stores_metadata_paragraphs_footnotes_and_references_of_67_161():
    result = ingest("A_RES_67_161.txt")
    resolution = result.resolution
    assert result.status == "created"
    assert (resolution.symbol, resolution.language, resolution.body) == ("A/RES/67/161", "zh", "GA")
    assert resolution.title == "酷刑和其他残忍、不人道或有辱人格的待遇或处罚"
    assert resolution.adopted_on.isoformat() == "2012-12-20"
    assert resolution.committee_report == "A/67/457/Add.1"
    assert resolution.paragraphs.filter(kind="preambular").count() == 10
    assert resolution.paragraphs.filter(kind="operative").count() == 41
    assert list(resolution.paragraphs.values_list("eid", flat=True)[:12]) == [f"pp{n}" for n in range(1, 11)] + ["op1", "op2"]
    assert resolution.footnotes.count() == 10
    footnote_5 = resolution.footnotes.get(number=5)
    assert footnote_5.paragraph.eid == "op3"
    assert footnote_5.text == "联合国，《条约汇编》，第 2375 卷，第 24841 号。"
    op3 = resolution.paragraphs.get(eid="op3")
    assert "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约任择议定书》的缔约国履行义务" in op3.text
    assert op3.text[footnote_5.offset - 1] == "》"
    # Footnote 4 (第 61/177 号决议，附件。) is a reference of the paragraph citing it, kept with the footnote.
    via_footnote = Reference.objects.get(footnote__resolution=resolution, footnote__number=4)
    assert (via_footnote.paragraph.eid, via_footnote.target_symbol) == ("pp8", "A/RES/61/177")
    assert SourceFile.objects.get(resolution=resolution).size == (DATA / "A_RES_67_161.txt").stat().st_size


def test_reingesting_the_same_text_changes_nothing():
    first = ingest("A_HRC_RES_45_32.txt")
    ids = list(first.resolution.paragraphs.values_list("pk", "eid"))
    second = ingest("A_HRC_RES_45_32.txt")
    assert second.status == "unchanged"
    assert Resolution.objects.count() == 1
    assert Paragraph.objects.count() == 29
    assert Footnote.objects.count() == 1
    assert list(second.resolution.paragraphs.values_list("pk", "eid")) == ids
    # One revision: the text as the first ingest stored it (who, when, from where).
    [revision] = Revision.objects.all()
    assert (revision.origin, revision.reason, revision.created_by) == ("ingest", "created from A_HRC_RES_45_32.txt", None)
    assert SourceFile.objects.count() == 1


def test_a_corrected_text_replaces_in_place_keeps_paragraph_identity_and_a_revision():
    original = (DATA / "A_HRC_RES_45_32.txt").read_bytes()
    first = ingest("A_HRC_RES_45_32.txt", original)
    op5_before = first.resolution.paragraphs.get(eid="op5")
    corrected = original.replace("包容性进程".encode(), "包容的进程".encode())
    second = ingest("A_HRC_RES_45_32.txt", corrected)
    assert second.status == "replaced"
    assert second.resolution.pk == first.resolution.pk
    op5_after = second.resolution.paragraphs.get(eid="op5")
    assert op5_after.pk == op5_before.pk
    assert op5_after.text.startswith("重申技术合作应当始终是一个包容的进程")
    latest, earlier = Revision.objects.filter(resolution=second.resolution)
    old_op5 = next(p for p in earlier.snapshot["paragraphs"] if p["eid"] == "op5")
    assert old_op5["text"] == op5_before.text
    assert next(p for p in latest.snapshot["paragraphs"] if p["eid"] == "op5")["text"] == op5_after.text
    assert latest.changes["paragraphs"] == {"op5": "edited"} and latest.reason == "replaced from A_HRC_RES_45_32.txt"
    assert Paragraph.objects.count() == 29


def test_a_correction_that_removes_a_paragraph_drops_only_that_paragraph():
    original = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    first = ingest("A_HRC_RES_45_32.txt")
    kept = dict(first.resolution.paragraphs.values_list("eid", "pk"))
    start = original.index(" 14. 吁请各国")
    shortened = original[:start] + original[original.index("2020 年 10 月 7 日", start):]
    # op13 now ends the text; the full stop of op14 is gone with it.
    second = ingest("A_HRC_RES_45_32.txt", shortened.encode())
    eids = list(second.resolution.paragraphs.values_list("eid", flat=True))
    assert eids[-1] == "op13" and "op14" not in eids
    assert all(kept[eid] == pk for eid, pk in second.resolution.paragraphs.values_list("eid", "pk"))


def test_references_link_both_ways_whichever_resolution_arrives_first():
    citing = ingest("A_RES_79_160.txt").resolution
    waiting = Reference.objects.filter(paragraph__resolution=citing, target_symbol="A/RES/78/190")
    assert waiting.count() >= 1 and all(r.target_id is None for r in waiting)
    assert waiting.first().get_absolute_url().startswith("https://documents.un.org/")
    cited = ingest("A_RES_78_190.txt").resolution
    assert {r.target_id for r in waiting.all()} == {cited.pk}
    assert cited.cited_by.filter(paragraph__resolution=citing).count() == waiting.count()


def test_deleting_a_resolution_points_its_citations_back_to_the_un_document_system():
    citing = ingest("A_RES_79_160.txt").resolution
    cited = ingest("A_RES_78_190.txt").resolution
    cited_pk = cited.pk
    delete_resolution(cited)
    reference = Reference.objects.filter(paragraph__resolution=citing, target_symbol="A/RES/78/190").first()
    assert reference.target_id is None
    assert reference.get_absolute_url() == (
        "https://documents.un.org/api/symbol/access?s=A/RES/78/190&l=E&t=pdf"
    )
    assert not Resolution.objects.filter(pk=cited_pk).exists()
    # Created, then deleted: both reach the index through the outbox.
    assert list(IndexTask.objects.values_list("resolution_id", flat=True)).count(cited_pk) == 2


def test_record_edit_keeps_the_text_before_the_edit_and_schedules_a_reindex():
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    from resolutions.services import snapshot

    before = snapshot(resolution)
    paragraph = resolution.paragraphs.get(eid="op1")
    paragraph.text = "强调议程项目 10 下的一般性辩论是一个重要平台。"
    paragraph.save()
    tasks_before = IndexTask.objects.count()
    record_edit(resolution, reason="typo", before=before)
    latest, earlier = Revision.objects.filter(resolution=resolution)
    assert (latest.reason, latest.origin, latest.changes["paragraphs"]) == ("typo", "edit", {"op1": "edited"})
    assert next(p for p in earlier.snapshot["paragraphs"] if p["eid"] == "op1")["text"].startswith(
        "强调议程项目 10 下的一般性辩论是一个重要平台，人权理事会成员国"
    )
    assert next(p for p in latest.snapshot["paragraphs"] if p["eid"] == "op1")["text"] == paragraph.text
    assert IndexTask.objects.count() == tasks_before + 1


def test_text_that_is_not_a_resolution_raises_parse_error_and_writes_nothing():
    with pytest.raises(ParseError):
        ingest("notes.txt", "这是一段普通的文字，不是决议。\n没有标题，也没有执行部分。\n".encode())
    assert Resolution.objects.count() == 0
    assert SourceFile.objects.count() == 0


def test_a_reference_links_to_its_own_language_once_that_version_arrives():
    citing = ingest("A_HRC_RES_45_32.txt").resolution
    reference = Reference.objects.get(paragraph__resolution=citing, target_symbol="A/RES/60/251")
    english = Resolution.objects.create(symbol="A/RES/60/251", language="en", body="GA", session="60", number="251", title="Human Rights Council")
    link_references(english)
    reference.refresh_from_db()
    assert reference.target_id == english.pk  # the only version held
    chinese = Resolution.objects.create(symbol="A/RES/60/251", language="zh", body="GA", session="60", number="251", title="人权理事会")
    assert link_references(chinese) == 1
    reference.refresh_from_db()
    assert reference.target_id == chinese.pk
    assert reference.get_absolute_url() == "/A/RES/60/251/zh/"


def test_ingest_command_reports_each_file_and_fails_listing_unparseable_files(tmp_path):
    (tmp_path / "A_HRC_RES_45_32.txt").write_bytes((DATA / "A_HRC_RES_45_32.txt").read_bytes())
    (tmp_path / "shopping.txt").write_text("milk\neggs\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ingest", str(tmp_path), stdout=out, stderr=err)
    assert "[1/2] A_HRC_RES_45_32.txt: created A/HRC/RES/45/32 (zh): 15 preambular, 14 operative, 1 footnote" in out.getvalue()
    assert "2 files: 1 created, 0 replaced, 0 unchanged, 0 refused, 1 failed" in out.getvalue()
    assert "shopping.txt" in str(failure.value)
    assert Resolution.objects.get().symbol == "A/HRC/RES/45/32"


def test_ingest_command_reads_one_form_of_a_document_held_as_txt_and_pdf(tmp_path):
    for name in ("A_RES_78_171.txt",):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    (tmp_path / "A_RES_78_171.pdf").write_bytes(b"%PDF-1.4 not read")
    out = io.StringIO()
    call_command("ingest", str(tmp_path), stdout=out, verbosity=2)
    assert "skipped" in out.getvalue() and "A_RES_78_171.pdf" in out.getvalue()
    assert "1 files: 1 created" in out.getvalue()
