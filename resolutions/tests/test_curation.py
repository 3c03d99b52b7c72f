"""A curator's work is never lost: re-ingest over edits, restore, old addresses, links that follow their words."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from resolutions import services
from resolutions.models import (
    Footnote,
    FormerEid,
    Paragraph,
    Reference,
    Revision,
)
from resolutions.services import (
    CuratorEditsError,
    ingest_resolution,
    record_edit,
    snapshot,
)
from resolutions.tests.conftest import DATA
from resolutions.tests.search_fixtures import search_index, search_index_dir  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

OP3_45_32 = "特别指出，在促进和保护人权，包括与确保受教育权有关的人权的过程中，需要加强国际、区域和双边合作与对话；"


def ingest(name: str, source: bytes | None = None, **options):
    data = source if source is not None else (DATA / name).read_bytes()
    return ingest_resolution(source=data, filename=name, **options)


def edit_text(paragraph: Paragraph, text: str, user=None) -> Revision | None:
    """What the admin does: save the new text, then record the edit."""
    resolution = paragraph.resolution
    before = snapshot(resolution)
    paragraph.text = text
    paragraph.save()
    return record_edit(resolution, user=user, reason="test edit", before=before)


def cited_words(paragraph: Paragraph) -> dict[str, str]:
    """symbol -> the words its link covers ('' when flagged), for the paragraph's own references."""
    paragraph.refresh_from_db()
    return {r.target_symbol: paragraph.text[r.start : r.end] for r in paragraph.references.filter(footnote=None)}


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("wang", password="a long curator password", is_staff=True)


# --- Re-ingest over curator edits -------------------------------------------------------------------


def test_reingest_over_an_edit_is_refused_listing_it_then_stored_with_replace_edits_and_recorded(curator, tmp_path):
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    op3 = resolution.paragraphs.get(eid="op3")
    edit_text(op3, OP3_45_32.replace("双边合作与对话", "双边合作与建设性对话"), user=curator)

    with pytest.raises(CuratorEditsError) as refusal:
        ingest("A_HRC_RES_45_32.txt")

    assert [(e.part, e.what, e.by) for e in refusal.value.edits] == [("op3", "edited", "wang")]
    assert "has curator edits this file would replace: op3 edited by wang on " in str(refusal.value)
    op3.refresh_from_db()
    assert op3.text == OP3_45_32.replace("双边合作与对话", "双边合作与建设性对话")

    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "A_HRC_RES_45_32.txt").write_bytes((DATA / "A_HRC_RES_45_32.txt").read_bytes())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("ingest", str(folder), stdout=out, stderr=err)
    assert "[1/1] A_HRC_RES_45_32.txt: REFUSED: A/HRC/RES/45/32 (zh) has curator edits" in err.getvalue()
    assert "    curator edit: op3 edited by wang on " in err.getvalue()
    assert "1 files: 0 created, 0 replaced, 0 unchanged, 1 refused, 0 failed" in out.getvalue()
    assert "run again with --replace-edits" in str(failure.value)
    op3.refresh_from_db()
    assert "建设性对话" in op3.text

    out = io.StringIO()
    call_command("ingest", str(folder), "--replace-edits", stdout=out)

    assert "replaced A/HRC/RES/45/32 (zh): 15 preambular, 14 operative, 1 footnote; replaced curator edits: op3 edited by wang" in out.getvalue()
    op3.refresh_from_db()
    assert op3.text == OP3_45_32
    latest = Revision.objects.filter(resolution=resolution).first()
    assert (latest.origin, latest.reason) == ("ingest", "replaced from A_HRC_RES_45_32.txt; replaced curator edits: op3")
    assert latest.changes["paragraphs"] == {"op3": "edited"}
    # The same file once more: nothing to do, nothing refused.
    assert ingest("A_HRC_RES_45_32.txt").status == "unchanged"
    assert Revision.objects.filter(resolution=resolution).count() == 3


def test_a_new_version_agreeing_with_the_curators_correction_is_stored_without_asking(curator):
    original = (DATA / "A_HRC_RES_45_32.txt").read_bytes()
    resolution = ingest("A_HRC_RES_45_32.txt", original).resolution
    edit_text(resolution.paragraphs.get(eid="op3"), OP3_45_32.replace("双边合作与对话", "双边合作与建设性对话"), user=curator)
    corrected = original.decode().replace("双边合作与对话", "双边合作与建设性对话").replace("包容性进程", "包容的进程").encode()

    result = ingest("A_HRC_RES_45_32.txt", corrected)

    assert (result.status, result.replaced_edits) == ("replaced", ())
    assert resolution.paragraphs.get(eid="op5").text.startswith("重申技术合作应当始终是一个包容的进程")


def test_after_a_paragraph_was_deleted_the_official_file_can_bring_it_back(curator, client):
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    op14 = resolution.paragraphs.get(eid="op14")
    text, pk = op14.text, op14.pk
    before = snapshot(resolution)
    op14.delete()
    record_edit(resolution, user=curator, reason="deleted op14", before=before)
    assert client.get("/A/HRC/RES/45/32/zh/op14").status_code == 410

    with pytest.raises(CuratorEditsError) as refusal:
        ingest("A_HRC_RES_45_32.txt")
    assert [(e.part, e.what) for e in refusal.value.edits] == [("op14", "deleted")]

    result = ingest("A_HRC_RES_45_32.txt", replace_edits=True)

    assert result.status == "replaced"
    back = resolution.paragraphs.get(eid="op14")
    assert (back.text, back.position) == (text, 29)
    assert back.pk != pk  # a new row; its address is the same
    assert client.get("/A/HRC/RES/45/32/zh/op14").status_code == 200


def test_edits_of_metadata_and_footnotes_count_as_curator_edits(curator):
    resolution = ingest("A_RES_67_161.txt").resolution
    before = snapshot(resolution)
    resolution.title = "酷刑和其他残忍、不人道或有辱人格的待遇或处罚（订正）"
    resolution.save()
    footnote = resolution.footnotes.get(number=2)
    footnote.text = "同上，第 75 卷，第 970 至 973 号（订正）。"
    footnote.save()
    record_edit(resolution, user=curator, before=before)

    with pytest.raises(CuratorEditsError) as refusal:
        ingest("A_RES_67_161.txt")

    assert [(e.part, e.what, e.by) for e in refusal.value.edits] == [("title", "edited", "wang"), ("footnote 2", "edited", "wang")]


# --- Old addresses --------------------------------------------------------------------------------


def test_a_renumbered_paragraph_s_old_address_redirects_to_it(curator, client):
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    op14 = resolution.paragraphs.get(eid="op14")
    before = snapshot(resolution)
    op14.number = 15
    op14.save()
    record_edit(resolution, user=curator, before=before)

    op14.refresh_from_db()
    assert op14.eid == "op15"
    assert list(FormerEid.objects.filter(resolution=resolution).values_list("eid", "paragraph_id")) == [("op14", op14.pk)]
    response = client.get("/A/HRC/RES/45/32/zh/op14")
    assert (response.status_code, response["Location"]) == (301, "/A/HRC/RES/45/32/zh/op15")
    latest = Revision.objects.filter(resolution=resolution).first()
    assert latest.changes["paragraphs"] == {"op15": "renumbered from op14"}


def test_a_new_version_without_a_preambular_paragraph_redirects_the_address_no_paragraph_holds(client):
    source = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    pp15_text = resolution.paragraphs.get(eid="pp15").text
    pp2_start = source.index("回顾维护人人受教育的人权")
    pp3_start = source.index("\n", source.index("《残疾人权利公约》", pp2_start)) + 1
    shorter = source[:pp2_start] + source[pp3_start:]

    result = ingest("A_HRC_RES_45_32.txt", shorter.encode("utf-8"))

    assert result.status == "replaced"
    assert resolution.paragraphs.filter(kind="preambular").count() == 14
    assert resolution.paragraphs.get(eid="pp14").text == pp15_text
    response = client.get("/A/HRC/RES/45/32/zh/pp15")
    assert (response.status_code, response["Location"]) == (301, "/A/HRC/RES/45/32/zh/pp14")


# --- Links that follow their words --------------------------------------------------------------------

PP4_START = "铭记大会 2006 年 3 月 15 日第 60/251 号决议载明的人权理事会所负任务"


@pytest.fixture
def pp4(db):
    return ingest("A_HRC_RES_45_32.txt").resolution.paragraphs.get(eid="pp4")


def test_an_edit_before_a_reference_moves_its_link_with_the_words(pp4):
    edit_text(pp4, "（重要）" + pp4.text)
    words = cited_words(pp4)
    assert words["A/RES/60/251"] == "第 60/251 号决议"
    assert words["A/HRC/RES/16/21"] == "第 16/21 号决议"
    assert pp4.text.startswith("（重要）铭记大会")


def test_an_edit_after_a_reference_leaves_its_link_where_it_was(pp4):
    start = pp4.references.get(target_symbol="A/RES/60/251").start
    edit_text(pp4, pp4.text.replace("咨询服务、技术援助和能力建设", "咨询服务和能力建设"))
    assert cited_words(pp4)["A/RES/60/251"] == "第 60/251 号决议"
    assert pp4.references.get(target_symbol="A/RES/60/251").start == start
    assert cited_words(pp4)["A/HRC/RES/16/21"] == "第 16/21 号决议"


def test_an_edit_inside_a_reference_that_still_cites_it_keeps_the_link_on_the_new_words(pp4):
    edit_text(pp4, pp4.text.replace("第 60/251 号决议", "第60/251号决议"))
    assert cited_words(pp4)["A/RES/60/251"] == "第60/251号决议"
    assert pp4.references.get(target_symbol="A/RES/60/251").review_note == ""


def test_an_edit_that_changes_what_a_reference_cites_flags_the_old_link_and_links_the_new_words(pp4):
    edit_text(pp4, pp4.text.replace("第 60/251 号决议", "第 65/281 号决议"))
    old = pp4.references.get(target_symbol="A/RES/60/251")
    assert (old.start, old.end) == (0, 0)  # links no words: never the wrong ones
    assert old.review_note == (
        "an edit changed the cited words «第 60/251 号决议»; A/RES/60/251 is no longer cited in the text as it was"
    )
    assert cited_words(pp4)["A/RES/65/281"] == "第 65/281 号决议"
    assert cited_words(pp4)["A/HRC/RES/5/2"] == "第 5/2 号决议"
    # The reader's page links the new words and nothing else for the flagged one.
    from django.test import Client

    page = Client().get("/A/HRC/RES/45/32/zh/pp4").content.decode()
    assert ">第 65/281 号决议</a>" in page and ">第 60/251 号决议</a>" not in page


def test_a_citation_typed_into_a_paragraph_becomes_a_reference(pp4):
    op = pp4.resolution.paragraphs.get(eid="op14")
    edit_text(op, op.text + "并回顾大会第 70/1 号决议。")
    assert cited_words(op) == {"A/RES/70/1": "第 70/1 号决议"}


def test_footnote_markers_follow_the_character_they_follow_or_are_flagged():
    resolution = ingest("A_RES_67_161.txt").resolution
    pp4 = resolution.paragraphs.get(eid="pp4")
    footnote = resolution.footnotes.get(number=1)
    assert pp4.text[footnote.offset - 3 : footnote.offset] == "公约》"

    edit_text(pp4, pp4.text.replace("还回顾", "还回顾并重申", 1))
    footnote.refresh_from_db()
    assert pp4.text[footnote.offset - 3 : footnote.offset] == "公约》" and footnote.review_note == ""

    edit_text(pp4, pp4.text.replace("处罚公约》", "处罚公约（1984 年）》"))
    footnote.refresh_from_db()
    assert pp4.text[footnote.offset - 9 : footnote.offset] == "（1984 年）》"

    edit_text(pp4, pp4.text.replace("《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约（1984 年）》", "该公约"))
    footnote.refresh_from_db()
    assert footnote.offset is None
    assert footnote.review_note.startswith("an edit changed the words «")
    assert footnote.paragraph_id == pp4.pk  # still the paragraph's footnote, listed under it


def test_english_references_and_markers_follow_whole_words():
    resolution = ingest("A_RES_78_171.txt").resolution
    pp4 = resolution.paragraphs.get(eid="pp4")
    note = resolution.footnotes.get(number=11)
    assert pp4.text[note.offset - 8 : note.offset] == "albinism"

    edit_text(pp4, pp4.text.replace("Recalling also Human Rights Council", "Recalling further the Human Rights Council"))

    assert cited_words(pp4)["A/HRC/RES/23/13"] == "resolutions 23/13"
    note.refresh_from_db()
    assert pp4.text[note.offset - 13 : note.offset] == "with albinism"


# --- Restore ------------------------------------------------------------------------------------------


def test_a_deleted_paragraph_is_restored_with_its_references_footnote_and_addresses(curator, client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    op11 = resolution.paragraphs.get(eid="op11")
    pk, text = op11.pk, op11.text
    before = snapshot(resolution)
    op11.number = 16  # a curator renumbers it: /op11 now redirects to /op16
    op11.save()
    record_edit(resolution, user=curator, before=before)
    assert client.get("/A/HRC/RES/45/32/zh/op11")["Location"] == "/A/HRC/RES/45/32/zh/op16"
    before = snapshot(resolution)
    Paragraph.objects.get(pk=pk).delete()
    record_edit(resolution, user=curator, reason="deleted op16", before=before)
    assert Footnote.objects.get(resolution=resolution, number=1).paragraph is None
    gone = client.get("/A/HRC/RES/45/32/zh/op16")
    assert gone.status_code == 410
    assert '<span lang="en">Withdrawn on</span> <time datetime=' in gone.content.decode()
    assert "A curator removed it." in gone.content.decode()
    assert client.get("/A/HRC/RES/45/32/zh/op11").status_code == 410

    kept_in = Revision.objects.filter(resolution=resolution)[1]
    restored = services.restore_paragraph(resolution, kept_in, "op16", user=curator)

    assert (restored.pk, restored.eid, restored.text, restored.position) == (pk, "op16", text, 26)
    assert cited_words(restored) == {"A/HRC/RES/42/32": "第 42/32 号决议"}
    footnote = Footnote.objects.get(resolution=resolution, number=1)
    assert (footnote.paragraph_id, footnote.offset) == (pk, 250)
    assert list(Reference.objects.filter(footnote=footnote).values_list("target_symbol", flat=True)) == ["A/HRC/44/37"]
    assert client.get("/A/HRC/RES/45/32/zh/op16").status_code == 200
    assert client.get("/A/HRC/RES/45/32/zh/op11")["Location"] == "/A/HRC/RES/45/32/zh/op16"
    latest = Revision.objects.filter(resolution=resolution).first()
    assert (latest.origin, latest.created_by, latest.changes["paragraphs"]) == ("restore", curator, {"op16": "added"})
    assert latest.reason.startswith("restored op16 as of ")
    assert list(resolution.paragraphs.values_list("eid", flat=True))[24:27] == ["op10", "op16", "op12"]
    from resolutions.tests.admin_pages import search_hits

    assert search_hits(client, "纳尔逊·曼德拉规则") == {("A/HRC/RES/45/32", "zh", "op16")}


def test_restoring_a_revision_brings_back_the_whole_text_as_it_was(curator):
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    first = Revision.objects.get(resolution=resolution)
    op3 = resolution.paragraphs.get(eid="op3")
    edit_text(op3, "（改写）" + op3.text, user=curator)
    edit_text(resolution.paragraphs.get(eid="pp4"), "铭记。", user=curator)

    services.restore_revision(first, user=curator)

    assert services.content(snapshot(resolution)) == services.content(first.snapshot)
    latest = Revision.objects.filter(resolution=resolution).first()
    assert latest.origin == "restore" and latest.changes["paragraphs"] == {"pp4": "edited", "op3": "edited"}
    assert cited_words(resolution.paragraphs.get(eid="pp4"))["A/RES/60/251"] == "第 60/251 号决议"


def test_a_deleted_resolution_answers_410_then_is_restored_with_its_links_and_citations(curator, client, search_index):  # noqa: F811
    cited = ingest("A_RES_78_190.txt").resolution
    citing = ingest("A_RES_79_160.txt").resolution
    ids = list(cited.paragraphs.values_list("pk", flat=True))
    op1_url = cited.paragraphs.get(eid="op1").get_absolute_url()
    title = cited.title
    tombstone = services.delete_resolution(cited, user=curator)

    page = client.get(cited.get_absolute_url())
    assert page.status_code == 410
    assert title in page.content.decode() and f"{tombstone.created_at:%Y-%m-%d}" in page.content.decode()
    gone = client.get(op1_url)
    assert gone.status_code == 410
    assert Reference.objects.filter(paragraph__resolution=citing, target_symbol="A/RES/78/190", target=None).exists()

    restored = services.restore_revision(tombstone, user=curator)

    assert list(restored.paragraphs.values_list("pk", flat=True)) == ids
    assert client.get(op1_url).status_code == 200
    assert set(Reference.objects.filter(paragraph__resolution=citing, target_symbol="A/RES/78/190").values_list("target_id", flat=True)) == {restored.pk}
    assert list(Revision.objects.filter(resolution=restored).values_list("origin", flat=True)) == ["restore", "delete", "ingest"]


def test_the_api_says_a_deleted_resolution_was_withdrawn_and_when(curator, client):
    resolution = ingest("A_HRC_RES_45_32.txt").resolution
    tombstone = services.delete_resolution(resolution, user=curator)

    response = client.get("/api/resolutions/A/HRC/RES/45/32")

    assert response.status_code == 410
    assert response.json() == {
        "error": "A/HRC/RES/45/32 (zh) was withdrawn from the archive",
        "symbol": "A/HRC/RES/45/32",
        "language": "zh",
        "withdrawn_at": tombstone.created_at.isoformat(),
        "title": "加强人权领域的技术合作和能力建设",
    }
    assert client.get("/api/resolutions/A/RES/99/999").status_code == 404


def test_merging_a_subparagraph_with_renumbering_keeps_the_following_numbers(curator, client):
    """A merge frees a number only when no paragraph holds it any more: op8(a) joined onto op8 leaves op9 as op9
    (it once tried to become op8 beside op8 and the database refused: a 500 for the curator)."""
    resolution = ingest("A_RES_79_175.txt").resolution
    op8, op8a = resolution.paragraphs.get(eid="op8"), resolution.paragraphs.get(eid="op8(a)")
    op9_text = resolution.paragraphs.get(eid="op9").text
    expected = op8.text + " " + op8a.text
    items = [p.eid for p in resolution.paragraphs.filter(number=8, kind="operative").order_by("position")]
    assert items[:3] == ["op8", "op8(a)", "op8(b)"]

    merged = services.merge_paragraphs(op8, renumber_following=True, user=curator)

    assert merged.text == expected
    assert resolution.paragraphs.get(eid="op9").text == op9_text
    assert [p.eid for p in resolution.paragraphs.filter(number=8, kind="operative").order_by("position")] == [items[0]] + items[2:]
    assert client.get("/A/RES/79/175/en/op8a")["Location"] == "/A/RES/79/175/en/op8"
    assert Revision.objects.filter(resolution=resolution).first().reason == "merged op8(a) into op8"


def test_merging_two_numbered_paragraphs_with_renumbering_renumbers_the_following(curator):
    resolution = ingest("A_RES_79_175.txt").resolution
    last = resolution.paragraphs.filter(kind="operative").order_by("-number").first().number
    op11, op12, op13 = (resolution.paragraphs.get(eid=f"op{n}").text for n in (11, 12, 13))

    services.merge_paragraphs(resolution.paragraphs.get(eid="op11"), renumber_following=True, user=curator)

    assert resolution.paragraphs.get(eid="op11").text == op11 + " " + op12
    assert resolution.paragraphs.get(eid="op12").text == op13
    assert resolution.paragraphs.filter(kind="operative").order_by("-number").first().number == last - 1
