"""A resolution is one work with language versions; their paragraphs are aligned by structure, checked.

Material: the Universal Declaration in Chinese (OHCHR's PDF) and in English (the udhr XML), both in
resolutions/tests/data. Pairing is asserted by text and eid equality, rarely by an eid spelled out; the
declaration's articles are articles (art_19/para_1, art_29/para_2: see parsing/instruments.py), so an article
of several paragraphs pairs paragraph by paragraph.
"""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from resolutions import alignment
from resolutions.alignment import Unit
from resolutions.models import Alignment, Paragraph, Resolution, Work
from resolutions.parsing import SourceError
from resolutions.parsing.sources import read_source
from resolutions.services import align_versions, delete_resolution, ingest_resolution, record_edit
from resolutions.tests.conftest import DATA

UDHR_ZH = "A_RES_217_A_III.pdf"
UDHR_EN = "A_RES_217_A_III_en.xml"
ARTICLE_5_ZH = "任何人不得加以酷刑，或施以残忍的、不人道的或侮辱性的待遇或刑罚。"
ARTICLE_5_EN = "No one shall be subjected to torture or to cruel, inhuman or degrading treatment or punishment."
ARTICLE_6_ZH = "人人在任何地方有权被承认在法律前的人格。"
ARTICLE_19_EN = (
    "Everyone has the right to freedom of opinion and expression; this right includes freedom to hold opinions "
    "without interference and to seek, receive and impart information and ideas through any media and regardless "
    "of frontiers."
)
ARTICLE_19_ZH = (
    "人人有权享有主张和发表意见的自由；此项权利包括持有主张而不受干涉的自由，和通过任何媒介和不论国界寻求、接受和传递消息和思想的自由。"
)


def ingest(name: str, source: bytes | None = None):
    return ingest_resolution(source=source if source is not None else (DATA / name).read_bytes(), filename=name)


def english_udhr(change=None) -> bytes:
    text = (DATA / UDHR_EN).read_text(encoding="utf-8")
    return (change(text) if change else text).encode("utf-8")


def sibling_in(paragraph: Paragraph, language: str) -> Paragraph | None:
    return paragraph.siblings.filter(resolution__language=language).first()


# --- The declaration in two languages -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_declaration_is_one_work_with_its_preamble_and_thirty_articles_paired():
    chinese = ingest(UDHR_ZH).resolution
    english = ingest(UDHR_EN).resolution

    assert Work.objects.count() == 1
    work = Work.objects.get()
    assert (work.symbol, chinese.work, english.work) == ("A/RES/217(III)", work, work)
    assert sorted(work.versions.values_list("language", flat=True)) == ["en", "zh"]
    assert work.alignment == Alignment.ALIGNED
    assert work.mismatches == []

    zh_paragraphs = list(chinese.paragraphs.all())
    en_paragraphs = list(english.paragraphs.all())
    assert len(zh_paragraphs) == len(en_paragraphs) == 58  # 8 preambular, 50 in the 30 articles
    for zh in zh_paragraphs:
        en = sibling_in(zh, "en")
        assert en is not None, zh.eid
        assert (en.eid, en.kind, en.position) == (zh.eid, zh.kind, zh.position)
        assert list(en.siblings.all()) == [zh]  # symmetrical: the English paragraph's sibling is the Chinese one
    preamble = [p for p in zh_paragraphs if p.kind == "preambular"]
    articles = [p for p in zh_paragraphs if p.kind != "preambular"]
    assert (len(preamble), len(articles)) == (8, 50)
    assert len({p.division_id for p in articles}) == 30
    assert sibling_in(preamble[0], "en").text.startswith("Whereas recognition of the inherent dignity")
    assert sibling_in(preamble[-1], "en").text.startswith("Now, therefore, The General Assembly Proclaims this")
    article_19 = next(p for p in zh_paragraphs if p.text == ARTICLE_19_ZH)
    assert sibling_in(article_19, "en").text == ARTICLE_19_EN
    article_5 = next(p for p in zh_paragraphs if p.text == ARTICLE_5_ZH)
    assert sibling_in(article_5, "en").text == ARTICLE_5_EN
    # Facts the English XML does not state are listed for curators, not invented.
    assert work.metadata_differences == [{"field": "adopted_on", "values": {"zh": "1948-12-10", "en": None}}]


@pytest.mark.django_db
def test_the_english_xml_reads_like_the_chinese_pdf_article_by_article():
    text = read_source((DATA / UDHR_EN).read_bytes(), UDHR_EN)
    assert text.startswith("Universal Declaration of Human Rights\n\nPreamble\n\nWhereas recognition")
    assert "\nArticle 11\n\n1. Everyone charged with a penal offence" in text
    assert "\n2. No one shall be held guilty of any penal offence" in text
    english = ingest(UDHR_EN).resolution
    assert (english.symbol, english.language, english.title) == (
        "A/RES/217(III)",
        "en",
        "Universal Declaration of Human Rights",
    )
    article_11 = list(english.paragraphs.filter(division__eid="art_11").values_list("eid", "num", "text"))
    assert [(eid, num) for eid, num, _ in article_11] == [("art_11/para_1", "1."), ("art_11/para_2", "2.")]
    assert article_11[0][2].startswith("Everyone charged with a penal offence")
    assert article_11[1][2] == (
        "No one shall be held guilty of any penal offence on account of any act or omission which did not "
        "constitute a penal offence, under national or international law, at the time when it was committed. Nor "
        "shall a heavier penalty be imposed than the one that was applicable at the time the penal offence was "
        "committed."
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?xml version='1.0'?><resolution><p>x</p></resolution>", "not the Universal Declaration in udhr XML"),
        (b"<?xml version='1.0'?><udhr xmlns='http://efele.net/udhr'", "malformed"),
        (
            b"<?xml version='1.0'?><!DOCTYPE udhr [<!ENTITY a 'aaaa'>]><udhr xmlns='http://efele.net/udhr'/>",
            "document type or entities",
        ),
        (
            b"<?xml version='1.0'?><udhr xml:lang='fr' xmlns='http://efele.net/udhr'><title>D</title></udhr>",
            "in fr; the declaration is read in Chinese and English only",
        ),
    ],
)
def test_other_xml_is_refused_with_a_clear_message(data, message):
    with pytest.raises(SourceError, match=re.escape(message)):
        read_source(data, "other.xml")


# --- Checked, not assumed -------------------------------------------------------------------------------


def _renumber_from_article_5(text: str) -> str:
    """Articles 5 … 30 numbered 6 … 31: a version whose numbering has shifted."""
    return re.sub(r'<article number="(\d+)">', lambda m: f'<article number="{int(m[1]) + (int(m[1]) >= 5)}">', text)


@pytest.mark.django_db
def test_a_misnumbered_version_is_reported_not_mispaired():
    chinese = ingest(UDHR_ZH).resolution
    english = ingest("A_RES_217_A_III_en.xml", english_udhr(_renumber_from_article_5)).resolution
    work = english.work
    assert work.alignment == Alignment.MISMATCHED

    zh_article_5 = chinese.paragraphs.get(text=ARTICLE_5_ZH)
    zh_article_6 = chinese.paragraphs.get(text=ARTICLE_6_ZH)
    en_article_5 = english.paragraphs.get(text=ARTICLE_5_EN)  # numbered as article 6 in this version
    assert en_article_5.eid == zh_article_6.eid
    # The English text of article 5 carries the address of article 6: it is not put beside article 6 …
    assert sibling_in(zh_article_6, "en") is None
    assert list(en_article_5.siblings.all()) == []
    assert sibling_in(zh_article_5, "en") is None
    # … while the preamble and articles 1-4 (five paragraphs: article 2 has two), numbered alike, stay paired.
    paired = [p for p in chinese.paragraphs.all() if sibling_in(p, "en") is not None]
    assert [p.kind for p in paired] == ["preambular"] * 8 + [zh_article_5.kind] * 5
    assert all(sibling_in(p, "en").eid == p.eid for p in paired)

    articles_zh = [p.eid for p in chinese.paragraphs.exclude(kind="preambular")]
    articles_en = [p.eid for p in english.paragraphs.exclude(kind="preambular")]
    only_in = next(m for m in work.mismatches if m["problem"] == "only_in")
    assert only_in["languages"] == ["zh", "en"]
    # Shifted articles differ in more than one address: article 11 of the Chinese has two paragraphs, the
    # English "article 11" (article 10) one. Every address one version lacks is listed …
    assert only_in["eids"] == {
        "zh": [eid for eid in articles_zh if eid not in articles_en],
        "en": [eid for eid in articles_en if eid not in articles_zh],
    }
    assert only_in["eids"]["zh"][0] == zh_article_5.eid and only_in["eids"]["en"][-1] == articles_en[-1]
    # … and every paragraph after the shift is left unpaired.
    unpaired = next(m for m in work.mismatches if m["problem"] == "unpaired")
    assert unpaired["eids"] == {"zh": articles_zh[5:], "en": articles_en[5:]}
    assert len(unpaired["eids"]["zh"]) == 45


@pytest.mark.django_db
def test_a_preamble_split_differently_pairs_none_of_its_paragraphs_and_every_article():
    """Preambular paragraphs are numbered by position: with 9 against 8, every later number would be wrong."""
    chinese = ingest(UDHR_ZH).resolution
    split = english_udhr(
        lambda t: t.replace(
            "peace in the world,</para>",
            "peace in the world,</para><para>Whereas the first paragraph is printed as two,</para>",
        )
    )
    english = ingest("A_RES_217_A_III_en.xml", split).resolution
    work = english.work
    assert work.alignment == Alignment.MISMATCHED
    assert {"problem": "count", "languages": ["zh", "en"], "kind": "preambular", "counts": {"zh": 8, "en": 9}} in (
        work.mismatches
    )
    assert all(sibling_in(p, "en") is None for p in chinese.paragraphs.filter(kind="preambular"))
    articles = list(chinese.paragraphs.exclude(kind="preambular"))
    assert len(articles) == 50
    assert all(sibling_in(p, "en").eid == p.eid for p in articles)


@pytest.mark.django_db
def test_alignment_follows_every_change_ingest_edit_and_delete():
    chinese = ingest(UDHR_ZH).resolution
    assert chinese.work.alignment == Alignment.SINGLE
    english = ingest(UDHR_EN).resolution
    work = Work.objects.get()
    assert work.alignment == Alignment.ALIGNED

    # A curator gives English article 19's paragraph a number by hand: record_edit re-derives the eid, realigns.
    article_19 = english.paragraphs.get(text=ARTICLE_19_EN)
    old_eid = article_19.eid
    article_19.number = 99
    article_19.save()
    record_edit(english, reason="test renumbering")
    work.refresh_from_db()
    article_19.refresh_from_db()
    assert article_19.eid != old_eid
    assert work.alignment == Alignment.MISMATCHED
    assert list(article_19.siblings.all()) == []
    assert sibling_in(chinese.paragraphs.get(eid=old_eid), "en") is None
    # Put back (not numbered in print: 0): paired again.
    article_19.number = 0
    article_19.save()
    record_edit(english, reason="test renumbering undone")
    work.refresh_from_db()
    assert work.alignment == Alignment.ALIGNED
    assert sibling_in(chinese.paragraphs.get(eid=old_eid), "en").text == ARTICLE_19_EN

    delete_resolution(english)
    work.refresh_from_db()
    assert work.alignment == Alignment.SINGLE
    assert Paragraph.siblings.through.objects.count() == 0
    delete_resolution(chinese)
    assert Work.objects.count() == 0


@pytest.mark.django_db
def test_a_version_whose_symbol_is_edited_moves_to_the_work_of_its_new_symbol():
    ingest(UDHR_ZH)
    english = ingest(UDHR_EN).resolution
    english.symbol = "A/RES/217(III)/Corr.1"
    english.save()
    record_edit(english, reason="symbol corrected")
    assert sorted(Work.objects.values_list("symbol", "alignment")) == [
        ("A/RES/217(III)", "single"),
        ("A/RES/217(III)/Corr.1", "single"),
    ]
    assert Paragraph.siblings.through.objects.count() == 0


@pytest.mark.django_db
def test_every_way_of_making_a_resolution_gives_it_the_work_of_its_symbol():
    made = Resolution.objects.create(symbol="A/RES/60/251", language="en", body="GA", session="60", number="251")
    assert made.work.symbol == "A/RES/60/251"
    other = Resolution.objects.create(symbol="A/RES/60/251", language="fr", body="GA", session="60", number="251")
    assert other.work == made.work
    assert align_versions(made.work).alignment == Alignment.ALIGNED  # two versions without paragraphs agree


# --- The pure alignment --------------------------------------------------------------------------------


def units(*eids: str, kind: str = "operative", **anchors) -> list[Unit]:
    return [Unit(eid, kind, frozenset(anchors.get(eid, {}).get("refs", ())), frozenset(anchors.get(eid, {}).get("fns", ()))) for eid in eids]


def test_a_paragraph_missing_in_one_version_leaves_the_others_paired():
    result = alignment.align_pair("zh", units("op1", "op2", "op3", "op4"), "en", units("op1", "op2", "op4"))
    assert result.paired == ("op1", "op2", "op4")
    assert [m["problem"] for m in result.mismatches] == ["only_in", "unpaired"]
    assert result.mismatches[1]["eids"] == {"zh": ["op3"], "en": []}


def test_lettered_items_pair_by_letter_and_an_extra_item_stays_alone():
    zh = units("op1", "op2", "op2(a)", "op2(b)", "op3")
    en = units("op1", "op2", "op2(a)", "op2(b)", "op2(c)", "op3")
    result = alignment.align_pair("zh", zh, "en", en)
    assert result.paired == ("op1", "op2", "op2(a)", "op2(b)", "op3")
    assert result.mismatches[0] == {
        "problem": "only_in",
        "languages": ["zh", "en"],
        "kind": "operative",
        "eids": {"zh": [], "en": ["op2(c)"]},
    }


def test_paragraphs_citing_different_resolutions_are_not_paired_whatever_their_numbers():
    zh = units("op1", "op2", "op3", op2={"refs": {"A/RES/60/251"}}, op3={"fns": {4}})
    en = units("op1", "op2", "op3", op2={"refs": {"A/RES/65/281"}}, op3={"fns": {4, 5}})
    result = alignment.align_pair("zh", zh, "en", en)
    assert result.paired == ("op1", "op3")  # footnote 4 in both: the same paragraph
    assert result.mismatches[0] == {
        "problem": "anchors",
        "languages": ["zh", "en"],
        "kind": "operative",
        "eid": "op2",
        "what": "references",
        "values": {"zh": ["A/RES/60/251"], "en": ["A/RES/65/281"]},
    }


def test_a_citation_found_in_one_language_only_does_not_unpair():
    zh = units("op1", op1={"refs": {"A/RES/60/251"}})
    en = units("op1")
    assert alignment.align_pair("zh", zh, "en", en).paired == ("op1",)


def test_paragraphs_in_another_order_pair_only_at_the_common_ends():
    result = alignment.align_pair("zh", units("op1", "op2", "op3", "op4"), "en", units("op1", "op3", "op2", "op4"))
    assert result.paired == ("op1", "op4")
    assert result.mismatches[0] == {"problem": "order", "languages": ["zh", "en"], "kind": "operative"}


def test_three_versions_are_aligned_two_by_two():
    versions = {"zh": units("op1", "op2"), "en": units("op1", "op2"), "fr": units("op1")}
    result = alignment.align_versions(versions)
    assert result.status == alignment.MISMATCHED
    assert result.pairs == {("zh", "en"): ("op1", "op2"), ("zh", "fr"): ("op1",), ("en", "fr"): ("op1",)}


# --- Existing archives -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_gives_existing_archives_their_works_and_alignment():
    executor = MigrationExecutor(connection)
    executor.migrate([("resolutions", "0002_former_eids")])
    apps = executor.loader.project_state([("resolutions", "0002_former_eids")]).apps
    OldResolution = apps.get_model("resolutions", "Resolution")
    OldParagraph = apps.get_model("resolutions", "Paragraph")
    OldFootnote = apps.get_model("resolutions", "Footnote")

    def version(symbol: str, language: str, eids: list[str], **facts):
        made = OldResolution.objects.create(
            symbol=symbol, language=language, body="GA", session="67", number="161", title="t", **facts
        )
        for position, eid in enumerate(eids, start=1):
            kind = "preambular" if eid.startswith("pp") else "operative"
            paragraph = OldParagraph.objects.create(
                resolution=made, kind=kind, position=position, number=int(re.sub(r"\D", "", eid)), eid=eid, text=eid
            )
            if eid == "op2":
                OldFootnote.objects.create(resolution=made, paragraph=paragraph, number=3 if language == "zh" else 7, text="fn")
        return made

    version("A/RES/67/161", "zh", ["pp1", "op1", "op2", "op3"])
    version("A/RES/67/161", "en", ["pp1", "op1", "op2", "op3"])
    version("A/HRC/RES/45/32", "zh", ["pp1", "op1"])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(Work.objects.values_list("symbol", "alignment")) == [
        ("A/HRC/RES/45/32", "single"),
        ("A/RES/67/161", "mismatched"),
    ]
    for resolution in Resolution.objects.all():
        assert resolution.work.symbol == resolution.symbol
    zh = Resolution.objects.get(symbol="A/RES/67/161", language="zh")
    pairs = {p.eid: [s.eid for s in p.siblings.all()] for p in zh.paragraphs.all()}
    # op2 carries footnote 3 in one version and footnote 7 in the other: reported, not paired.
    assert pairs == {"pp1": ["pp1"], "op1": ["op1"], "op2": [], "op3": ["op3"]}
    work = zh.work
    assert work.mismatches[0]["problem"] == "anchors"
    assert work.mismatches[0]["values"] == {"zh": [3], "en": [7]}


# --- Curators ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_curators_see_the_mismatches_of_a_work_and_can_check_it_again(admin_client):
    ingest(UDHR_ZH)
    english = ingest("A_RES_217_A_III_en.xml", english_udhr(_renumber_from_article_5)).resolution
    work = english.work
    listing = admin_client.get("/admin/resolutions/work/?alignment=mismatched").content.decode()
    assert "A/RES/217(III)" in listing and "zh, en" in listing
    page = admin_client.get(f"/admin/resolutions/work/{work.pk}/change/").content.decode()
    zh_article_5 = Resolution.objects.get(symbol=work.symbol, language="zh").paragraphs.get(text=ARTICLE_5_ZH)
    last_en = english.paragraphs.order_by("position").last()
    only_in = next(m for m in work.mismatches if m["problem"] == "only_in")
    assert (
        f"{zh_article_5.kind} paragraphs: only in the Chinese text: {', '.join(only_in['eids']['zh'])}; "
        f"only in the English text: {', '.join(only_in['eids']['en'])}</td>"
    ) in page
    assert only_in["eids"]["zh"][0] == zh_article_5.eid and only_in["eids"]["en"][-1] == last_en.eid
    assert "adopted_on: zh 1948-12-10, en (none)" in page
    # A curator renumbers the English articles by hand (here: straight in the database), then checks again.
    for paragraph in english.paragraphs.filter(division__number__gte=6).order_by("position"):
        article, _, rest = paragraph.eid.partition("/")
        paragraph.eid = f"art_{int(article.removeprefix('art_')) - 1}/{rest}"
        paragraph.save()
    response = admin_client.post(
        "/admin/resolutions/work/", {"action": "check_alignment", "_selected_action": [work.pk]}, follow=True
    )
    assert "Checked 1 work(s) again." in response.content.decode()
    work.refresh_from_db()
    assert (work.alignment, work.mismatches) == (Alignment.ALIGNED, [])
    assert english.paragraphs.get(text=ARTICLE_5_EN).siblings.get().text == ARTICLE_5_ZH
