"""Instruments stored through the ingest service: divisions, article paragraphs, citations of articles linked
both ways, old addresses kept, curators' edits respected. Real texts from tests/data (see its README)."""
from __future__ import annotations

import json

import pytest

from resolutions.models import (
    ArticleCitation,
    Division,
    FormerEid,
    Paragraph,
    Resolution,
    official_document_url,
)
from resolutions.services import delete_resolution, ingest_resolution, record_edit
from resolutions.tests.conftest import DATA

pytestmark = pytest.mark.django_db


def ingest(name: str):
    return ingest_resolution(source=(DATA / name).read_bytes(), filename=name)


def store_as_before(name: str) -> Resolution:
    """A resolution as an archive made before this change holds it: paragraphs as the earlier parser read
    them (frozen in tests/data/*_before_*.json), no divisions."""
    frozen = json.loads((DATA / name).read_text(encoding="utf-8"))
    resolution = Resolution.objects.create(
        symbol=frozen["symbol"], language=frozen["language"], body="GA", session="0", number="0", title="as before"
    )
    Paragraph.objects.bulk_create(
        Paragraph(resolution=resolution, position=k, **row) for k, row in enumerate(frozen["paragraphs"], start=1)
    )
    return resolution


def test_the_convention_is_stored_as_its_annex_chapters_and_articles():
    resolution = ingest("A_RES_79_243.txt").resolution
    assert resolution.divisions.filter(kind="chapter").count() == 9
    assert resolution.divisions.filter(kind="article", eid__startswith="annex_1/").count() == 68
    article = Division.objects.get(resolution=resolution, eid="annex_1/art_5")
    assert (article.num, article.heading, article.parent.eid, article.parent.parent.eid) == (
        "Article 5", "Protection of sovereignty", "annex_1/chp_1", "annex_1"
    )
    assert list(article.paragraphs.values_list("eid", "num", "kind", "number")) == [
        ("annex_1/art_5/para_1", "1.", "article", 1),
        ("annex_1/art_5/para_2", "2.", "article", 2),
    ]
    assert Paragraph.objects.get(resolution=resolution, eid="annex_2/para_4").division.heading == (
        "Articles 23 and 35, with regard to the term “investigation”"
    )
    footnote = resolution.footnotes.get(number=1)
    assert footnote.paragraph.eid == "annex_1/conclusions/para_1"


def test_reingesting_the_convention_duplicates_nothing():
    first = ingest("A_RES_79_243.txt")
    divisions = list(first.resolution.divisions.values_list("pk", "eid"))
    citations = ArticleCitation.objects.count()
    second = ingest("A_RES_79_243.txt")
    assert second.status == "unchanged"
    assert list(second.resolution.divisions.values_list("pk", "eid")) == divisions
    assert ArticleCitation.objects.count() == citations == 114
    # 110 articles cited, and 4 instruments named without an article (article 0: the instrument as a whole).
    named = ArticleCitation.objects.filter(article=0).order_by("paragraph__position")
    assert [(c.paragraph.eid, c.instrument, c.target_symbol, c.target_eid, c.target_id is not None) for c in named] == [
        ("op1", "cybercrime", "A/RES/79/243", "annex_1", True),
        ("op2", "cybercrime", "A/RES/79/243", "annex_1", True),
        ("annex_1/preamble/para_1", "charter", "", "", False),
        ("annex_1/art_21/para_7", "crc", "A/RES/44/25", "annex_1", False),
    ]
    assert FormerEid.objects.count() == 0


def test_the_resolution_and_its_convention_cite_the_conventions_articles_held_in_the_archive():
    resolution = ingest("A_RES_79_243.txt").resolution
    op5 = ArticleCitation.objects.filter(paragraph__resolution=resolution, paragraph__eid="op5")
    assert [(c.target_symbol, c.target_eid, c.article_paragraph, c.item, c.target.eid) for c in op5] == [
        ("A/RES/79/243", "annex_1/art_57", 5, "g", "annex_1/art_57"),
        ("A/RES/79/243", "annex_1/art_61", None, "", "annex_1/art_61"),
        ("A/RES/79/243", "annex_1/art_62", None, "", "annex_1/art_62"),
    ]
    within = ArticleCitation.objects.get(paragraph__eid="annex_1/art_2/para_1/subpara_m")
    assert (within.instrument, within.target.eid, within.target.resolution_id) == ("cybercrime", "annex_1/art_17", resolution.pk)


def test_a_citation_waits_for_the_declaration_and_links_to_its_article_when_it_arrives():
    citing = ingest("A_RES_79_175.txt").resolution
    pp9 = ArticleCitation.objects.filter(paragraph__resolution=citing, paragraph__eid="pp9").order_by("start")
    assert [(c.instrument, c.target_symbol, c.target_eid, c.target_id) for c in pp9] == [
        ("udhr", "A/RES/217(III)", "art_12", None),
        ("iccpr", "A/RES/2200(XXI)", "annex_2/art_17", None),
    ]
    udhr = ingest("A_RES_217_A_III.pdf").resolution
    article_12 = udhr.divisions.get(eid="art_12")
    linked = ArticleCitation.objects.filter(target=article_12).order_by("paragraph__position")
    assert [c.paragraph.eid for c in linked] == ["pp9", "op1"]
    # The Covenant is not held: its citation still waits, for the UN document system's link.
    assert ArticleCitation.objects.get(paragraph__eid="pp9", instrument="iccpr").target is None
    delete_resolution(udhr)
    assert list(ArticleCitation.objects.filter(instrument="udhr", article__gt=0).values_list("target", flat=True)) == [
        None, None
    ]


def test_a_chinese_paragraph_citing_the_convention_links_to_the_article_of_the_version_held():
    english = ingest("A_RES_79_243.txt").resolution
    chinese = ingest("annexed_convention_zh.txt").resolution
    assert (chinese.symbol, chinese.language) == ("A/RES/79/243", "zh")
    op3 = ArticleCitation.objects.get(paragraph__resolution=chinese, paragraph__eid="op3")  # 《公约》第 56 条
    assert (op3.target.eid, op3.target.resolution_id) == ("annex_1/art_56", english.pk)  # only the English has it
    own = ArticleCitation.objects.get(paragraph__resolution=chinese, paragraph__eid="annex_1/art_7/para_2")
    assert (own.target.eid, own.target.resolution_id, own.article_paragraph) == ("annex_1/art_5", chinese.pk, 2)
    # The English citations of article 5 of the Convention now prefer … their own language: still English.
    assert ArticleCitation.objects.get(paragraph__resolution=english, paragraph__eid="annex_1/art_22/para_2",
                                       article=5).target.resolution_id == english.pk


def test_an_archive_made_before_keeps_its_old_annex_links_as_redirects():
    before = store_as_before("A_RES_79_243_before_annexes.json")
    old = {p.eid: p.text for p in before.paragraphs.all()}
    heading_eid = next(eid for eid, text in old.items() if text == "Article 5")
    title_eid = next(eid for eid, text in old.items() if text == "Protection of sovereignty")
    block_eid = next(eid for eid, text in old.items() if text.startswith("1. States Parties shall carry out"))
    result = ingest("A_RES_79_243.txt")
    assert result.status == "replaced"
    renamed = {f.eid: f.paragraph.eid for f in FormerEid.objects.filter(resolution=result.resolution)}
    assert renamed[heading_eid] == renamed[title_eid] == renamed[block_eid] == "annex_1/art_5/para_1"
    assert (old["annex1"], renamed["annex1"]) == ("United Nations Convention against Cybercrime;", "annex_1/preamble/formula_1")
    old_annex = [eid for eid in old if eid.startswith("annex")]
    assert len(old_annex) == 431
    assert len([eid for eid in old_annex if eid in renamed]) == 431  # every old annex address still answers
    # The earlier text is kept as a revision, as for any replacement.
    assert result.resolution.revisions.count() == 1


def test_an_archive_made_before_keeps_the_declarations_op_links_as_redirects_to_its_articles():
    store_as_before("A_RES_217_A_III_before_articles.json")
    result = ingest("A_RES_217_A_III.pdf")
    renamed = {f.eid: f.paragraph.eid for f in FormerEid.objects.filter(resolution=result.resolution)}
    assert {f"op{n}" for n in range(1, 31)} <= set(renamed)
    assert (renamed["op19"], renamed["op29"], renamed["op1"]) == ("art_19/para_1", "art_29/para_1", "art_1/para_1")
    assert not any(eid.startswith("pp") for eid in renamed)  # the preamble kept its addresses


def test_a_curators_edit_finds_the_articles_its_new_words_cite_and_keeps_structural_eids():
    resolution = ingest("A_RES_79_243.txt").resolution
    paragraph = resolution.paragraphs.get(eid="annex_1/art_5/para_2")
    paragraph.text += " See also article 6 of this Convention."
    paragraph.save()
    record_edit(resolution, reason="test edit")
    paragraph.refresh_from_db()
    assert paragraph.eid == "annex_1/art_5/para_2"
    cited = ArticleCitation.objects.get(paragraph=paragraph)
    assert (cited.target.eid, paragraph.text[cited.start : cited.end]) == ("annex_1/art_6", "article 6 of this Convention")
    assert Paragraph.objects.get(resolution=resolution, eid="annex_1/art_2/para_1/subpara_e/point_ii").item == "e(ii)"


def test_an_instrument_not_held_leads_to_the_un_document_system():
    ingest("A_RES_67_161.txt")
    cat = ArticleCitation.objects.filter(paragraph__eid="pp4").get()
    assert (cat.instrument, cat.target_symbol, cat.target_eid, cat.target) == ("cat", "A/RES/39/46", "annex_1/art_1", None)
    assert official_document_url(cat.target_symbol, "zh") == (
        "https://documents.un.org/api/symbol/access?s=A/RES/39/46&l=C&t=pdf"
    )


def test_restoring_an_earlier_text_of_the_convention_brings_back_its_words_in_their_article():
    """A revision keeps the structure: a restore (and so an undo) puts the paragraph back in its article,
    with its printed number, and the citations of articles found in the restored words."""
    from resolutions.models import Revision
    from resolutions.services import restore_revision, snapshot

    resolution = ingest("A_RES_79_243.txt").resolution
    first = resolution.revisions.order_by("created_at", "pk").last()
    paragraph = Paragraph.objects.get(resolution=resolution, eid="annex_1/art_5/para_2")
    original = paragraph.text
    before = snapshot(resolution)
    paragraph.text = "Nothing in this Convention shall apply, in the spirit of article 4 of this Convention."
    paragraph.save()
    record_edit(resolution, reason="curator's test edit", before=before)
    assert ArticleCitation.objects.filter(paragraph=paragraph, article=4).count() == 1

    restore_revision(Revision.objects.get(pk=first.pk))
    paragraph.refresh_from_db()
    assert (paragraph.text, paragraph.division.eid, paragraph.num) == (original, "annex_1/art_5", "2.")
    assert not ArticleCitation.objects.filter(paragraph=paragraph, article=4).exists()
    assert resolution.divisions.filter(kind="article", eid__startswith="annex_1/").count() == 68
    assert Division.objects.filter(resolution=resolution).count() == len(snapshot(resolution)["divisions"])


def test_splitting_an_article_paragraph_keeps_both_parts_in_the_article_and_renumbers_only_that_article():
    from resolutions.services import split_paragraph

    resolution = ingest("A_RES_79_243.txt").resolution
    first = Paragraph.objects.get(resolution=resolution, eid="annex_1/art_5/para_1")
    old_second = Paragraph.objects.get(resolution=resolution, eid="annex_1/art_5/para_2")
    other_article = {p.eid: p.number for p in Paragraph.objects.filter(resolution=resolution, division__eid="annex_1/art_6")}
    at = first.text.index(" ", len(first.text) // 2) + 1
    head, tail = first.text[:at].rstrip(), first.text[at:]
    second = split_paragraph(first, at=at, kind="article", number=2, renumber_following=True)

    assert (second.eid, second.division.eid, second.text) == ("annex_1/art_5/para_2", "annex_1/art_5", tail)
    assert list(
        Paragraph.objects.filter(resolution=resolution, division__eid="annex_1/art_5").order_by("position").values_list("eid", "number")
    ) == [("annex_1/art_5/para_1", 1), ("annex_1/art_5/para_2", 2), ("annex_1/art_5/para_3", 3)]
    assert Paragraph.objects.get(pk=first.pk).text == head
    # The old para_2 is para_3 now (para_2 is the new part's address); article 6 is untouched.
    assert Paragraph.objects.get(pk=old_second.pk).eid == "annex_1/art_5/para_3"
    assert {p.eid: p.number for p in Paragraph.objects.filter(resolution=resolution, division__eid="annex_1/art_6")} == other_article


def test_merging_two_paragraphs_of_an_article_renumbers_only_that_article():
    from django.db.models import Count

    from resolutions.services import merge_paragraphs

    resolution = ingest("A_RES_79_243.txt").resolution
    # The first article of three or more numbered paragraphs without subparagraphs.
    article = next(
        d for d in Division.objects.filter(resolution=resolution, kind="article").annotate(n=Count("paragraphs")).filter(n__gte=3).order_by("position")
        if not d.paragraphs.exclude(item="").exists() and not d.paragraphs.filter(number=0).exists()
    )
    rows = list(article.paragraphs.order_by("position"))
    elsewhere = dict(Paragraph.objects.filter(resolution=resolution).exclude(division=article).values_list("pk", "number"))
    joined = rows[0].text + " " + rows[1].text
    merged = merge_paragraphs(rows[0], renumber_following=True)
    assert merged.text == joined
    third = Paragraph.objects.get(pk=rows[2].pk)
    assert (third.number, third.eid) == (2, f"{article.eid}/para_2")
    assert dict(Paragraph.objects.filter(resolution=resolution).exclude(division=article).values_list("pk", "number")) == elsewhere
