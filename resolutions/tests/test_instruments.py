"""Annexed instruments and declarations read as structures, on the real texts in tests/data (see its README)."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from resolutions.parsing import DivisionKind, Kind, parse_resolution
from resolutions.parsing.sources import read_source

DATA = Path(__file__).parent / "data"
UDHR_NS = {"u": "http://efele.net/udhr"}


def parse_file(name: str):
    return parse_resolution(read_source((DATA / name).read_bytes(), name), source_name=name)


@pytest.fixture(scope="module")
def res_79_243():
    return parse_file("A_RES_79_243.txt")


@pytest.fixture(scope="module")
def res_79_243_pdf():
    return parse_file("A_RES_79_243.pdf")


@pytest.fixture(scope="module")
def convention_zh():
    return parse_file("annexed_convention_zh.txt")


def by_eid(parsed):
    return {p.eid: p for p in parsed.paragraphs}


def outline(parsed) -> list[dict]:
    """Chapters with their articles, titles and numbered paragraph counts, as the expected file has them."""
    counts = Counter(p.division.eid for p in parsed.paragraphs if p.kind == Kind.ARTICLE and not p.item)
    chapters: list[dict] = []
    for division in parsed.divisions:
        if division.kind == DivisionKind.CHAPTER and division.parent == "annex_1":
            chapters.append({"number": division.number, "title": division.heading, "articles": []})
        elif division.kind == DivisionKind.ARTICLE and division.eid.startswith("annex_1/"):
            chapters[-1]["articles"].append(
                {"number": division.number, "title": division.heading, "paragraphs": counts[division.eid]}
            )
    return chapters


# -- The Convention against Cybercrime annexed to 79/243 ------------------------------------------


def test_the_convention_has_its_9_chapters_and_68_articles_with_their_titles_and_paragraph_counts(res_79_243):
    expected = json.loads((DATA / "A_RES_79_243_convention.json").read_text(encoding="utf-8"))["chapters"]
    got = outline(res_79_243)
    assert [c["title"] for c in got] == [c["title"] for c in expected]
    assert [a for c in got for a in c["articles"]] == [a for c in expected for a in c["articles"]]
    assert got == expected
    assert len(expected) == 9 and sum(len(c["articles"]) for c in expected) == 68
    assert sum(a["paragraphs"] for c in expected for a in c["articles"]) == 277


def test_the_official_pdf_reads_as_the_same_structure_as_its_text(res_79_243, res_79_243_pdf):
    def squeezed(text: str) -> str:  # the PDF's text layer runs some words together: "andprotocols"
        return re.sub(r"\s+", "", text)

    text_divisions = [(d.eid, d.kind, d.number, d.num, squeezed(d.heading)) for d in res_79_243.divisions]
    pdf_divisions = [(d.eid, d.kind, d.number, d.num, squeezed(d.heading)) for d in res_79_243_pdf.divisions]
    assert pdf_divisions == text_divisions
    assert [(p.eid, p.kind, p.num) for p in res_79_243_pdf.paragraphs] == [
        (p.eid, p.kind, p.num) for p in res_79_243.paragraphs
    ]


def test_an_article_is_cut_into_numbered_paragraphs_with_eids_made_of_structure(res_79_243):
    paragraphs = by_eid(res_79_243)
    article_5 = [p for p in res_79_243.paragraphs if p.division and p.division.eid == "annex_1/art_5"]
    assert [(p.eid, p.num, p.number, p.kind) for p in article_5] == [
        ("annex_1/art_5/para_1", "1.", 1, Kind.ARTICLE),
        ("annex_1/art_5/para_2", "2.", 2, Kind.ARTICLE),
    ]
    assert paragraphs["annex_1/art_5/para_2"].text == (
        "Nothing in this Convention shall entitle a State Party to undertake in the territory of another State the "
        "exercise of jurisdiction and performance of functions that are reserved exclusively for the authorities of "
        "that other State by its domestic law."
    )
    article = article_5[0].division
    assert (article.num, article.heading, article.parent) == ("Article 5", "Protection of sovereignty", "annex_1/chp_1")
    assert [d.eid for d in article_5[0].divisions] == ["annex_1", "annex_1/chp_1", "annex_1/art_5"]


def test_lettered_subparagraphs_and_roman_points_nest_under_their_paragraph(res_79_243):
    article_2 = [p for p in res_79_243.paragraphs if p.division and p.division.eid == "annex_1/art_2"]
    eids = [p.eid.removeprefix("annex_1/art_2/") for p in article_2]
    assert eids[:8] == [
        "para_1", "para_1/subpara_a", "para_1/subpara_b", "para_1/subpara_c", "para_1/subpara_d",
        "para_1/subpara_e", "para_1/subpara_e/point_i", "para_1/subpara_e/point_ii",
    ]
    # "(i)" after "(h)" is the ninth subparagraph, not a point: (h) opens no list.
    assert "para_1/subpara_i" in eids and "para_1/subpara_h/point_i" not in eids
    assert eids[-1] == "para_1/subpara_o" and len(eids) == 1 + 15 + 5
    points = by_eid(res_79_243)
    e_ii = points["annex_1/art_2/para_1/subpara_e/point_ii"]
    assert (e_ii.num, e_ii.item, e_ii.text) == (
        "(ii)", "e(ii)", "Processes or stores electronic data on behalf of such a communications service or users of such a service;"
    )
    assert points["annex_1/art_2/para_1"].text == "For the purposes of this Convention:"
    assert points["annex_1/art_2/para_1/subpara_i"].text.startswith("“Property” shall mean assets of every kind")


def test_words_that_finish_a_sentence_after_its_list_stay_with_the_list(res_79_243, res_79_243_pdf):
    # Article 13: "(c) … omit to do; ⏎ with the fraudulent or dishonest intent …" (a block of its own in the PDF).
    for parsed in (res_79_243, res_79_243_pdf):
        article_13 = [p.eid for p in parsed.paragraphs if p.division and p.division.eid == "annex_1/art_13"]
        assert article_13 == [f"annex_1/art_13/para_1{tail}" for tail in ("", "/subpara_a", "/subpara_b", "/subpara_c")]
        assert by_eid(parsed)["annex_1/art_13/para_1/subpara_c"].text.endswith(
            "omit to do; with the fraudulent or dishonest intent of procuring for oneself or for another person, "
            "without right, a gain in money or other property."
        )


def test_the_preamble_keeps_its_formulas_apart_from_its_recitals(res_79_243):
    preamble = [p for p in res_79_243.paragraphs if p.division and p.division.kind == DivisionKind.PREAMBLE]
    assert [p.eid for p in preamble] == (
        ["annex_1/preamble/formula_1"] + [f"annex_1/preamble/para_{n}" for n in range(1, 16)] + ["annex_1/preamble/formula_2"]
    )
    assert preamble[0].text == "The States Parties to the present Convention,"
    assert preamble[1].text == "Bearing in mind the purposes and principles of the Charter of the United Nations,"
    assert preamble[-1].text == "Have agreed as follows:"
    assert {p.kind for p in preamble} == {Kind.ANNEX}


def test_the_annex_is_titled_and_the_witness_clause_closes_it(res_79_243):
    annex = res_79_243.divisions[0]
    assert (annex.eid, annex.num, annex.heading) == (
        "annex_1",
        "Annex",
        (
            "United Nations Convention against Cybercrime; Strengthening International Cooperation for Combating "
            "Certain Crimes Committed by Means of Information and Communications Technology Systems and for the "
            "Sharing of Evidence in Electronic Form of Serious Crimes"
        ),
    )
    closing = by_eid(res_79_243)["annex_1/conclusions/para_1"]
    assert closing.text.startswith("IN WITNESS WHEREOF, the undersigned plenipotentiaries")
    assert [(m.number, m.offset) for m in closing.footnotes] == [(1, len(closing.text))]


def test_the_interpretative_notes_stay_a_separate_annex_headed_by_the_articles_they_explain(res_79_243):
    notes = [d for d in res_79_243.divisions if d.eid.startswith("annex_2")]
    assert [(d.eid, d.kind, d.heading) for d in notes] == [
        ("annex_2", DivisionKind.ANNEX, (
            "Interpretative notes on specific articles of the United Nations Convention against Cybercrime; "
            "Strengthening International Cooperation for Combating Certain Crimes Committed by Means of Information "
            "and Communications Technology Systems and for the Sharing of Evidence in Electronic Form of Serious Crimes"
        )),
        ("annex_2/sec_1", DivisionKind.SECTION, "Article 2"),
        ("annex_2/sec_2", DivisionKind.SECTION, "Article 17"),
        ("annex_2/sec_3", DivisionKind.SECTION, "Articles 23 and 35, with regard to the term “investigation”"),
        ("annex_2/sec_4", DivisionKind.SECTION, "Article 35"),
    ]
    paragraphs = [p for p in res_79_243.paragraphs if p.eid.startswith("annex_2/")]
    assert [(p.eid, p.division.eid, p.kind) for p in paragraphs] == [
        ("annex_2/para_1", "annex_2/sec_1", Kind.ANNEX),
        ("annex_2/para_2", "annex_2/sec_1", Kind.ANNEX),
        ("annex_2/para_3", "annex_2/sec_2", Kind.ANNEX),
        ("annex_2/para_4", "annex_2/sec_3", Kind.ANNEX),
        ("annex_2/para_5", "annex_2/sec_4", Kind.ANNEX),
    ]
    # Paragraph 2 runs over the page break, past the Convention's footnote.
    assert paragraphs[1].text.endswith("offer an equivalent framework for its implementation.")


def test_no_word_of_the_annexes_is_lost(res_79_243):
    # Every word of the annexes as printed (page headers and footers and the footnote left out) is in a
    # heading, a title or a paragraph, in order.
    text = (DATA / "A_RES_79_243.txt").read_text(encoding="utf-8")
    annex = text[text.index("\nAnnex \n") :].replace("have signed this Convention.1", "have signed this Convention.")
    running = "United Nations Convention against Cybercrime; Strengthening International"
    printed = []
    lines = annex.split("\n")
    skip = 0
    for index, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        stripped = line.strip()
        if stripped.startswith("__________________"):
            skip = 5  # the footnote block of the last page
            continue
        if stripped in ("A/RES/79/243", "24-24621") or re.fullmatch(r"\d{1,2}/46", stripped):
            continue
        if stripped == running.strip() and index > 10:
            skip = 3  # the running title, four lines
            continue
        printed.append(stripped)
    words = re.findall(r"\w+", re.sub(r"-\s*", "", " ".join(printed)))
    read = []
    seen_divisions = set()
    for paragraph in res_79_243.paragraphs:
        for division in paragraph.divisions:
            if division.eid not in seen_divisions:
                seen_divisions.add(division.eid)
                read += [division.num, division.heading]
        read += [paragraph.num, paragraph.text]
    assert re.findall(r"\w+", re.sub(r"-\s*", "", " ".join(read[read.index("Annex") :]))) == words


def test_the_resolution_around_the_annex_is_unchanged(res_79_243):
    assert len(res_79_243.paragraphs_of(Kind.PREAMBULAR)) == 5
    assert [p.number for p in res_79_243.paragraphs_of(Kind.OPERATIVE)] == list(range(1, 13))
    # 277 numbered paragraphs (or undivided articles), 213 subparagraphs and points
    assert len(res_79_243.paragraphs_of(Kind.ARTICLE)) == 277 + 213
    assert len(res_79_243.paragraphs_of(Kind.ANNEX)) == 17 + 1 + 5  # the preamble, the witness clause, the notes


# -- A Chinese annexed convention ------------------------------------------------------------------


def test_a_chinese_annex_reads_into_the_same_structure_as_the_english(convention_zh):
    assert [(d.eid, d.num, d.heading) for d in convention_zh.divisions] == [
        ("annex_1", "附件", "联合国打击网络犯罪公约"),
        ("annex_1/preamble", "序言", ""),
        ("annex_1/chp_1", "第一章", "总则"),
        ("annex_1/art_1", "第 1 条", "宗旨声明"),
        ("annex_1/art_2", "第 2 条", "术语的使用"),
        ("annex_1/art_5", "第 5 条", "保护主权"),
        ("annex_1/chp_2", "第二章", "刑事定罪"),
        ("annex_1/art_7", "第 7 条", "非法访问"),
        ("annex_1/conclusions", "", ""),
        ("annex_2", "附件", "关于《联合国打击网络犯罪公约》具体条款的解释性说明"),
        ("annex_2/sec_1", "", "第 2 条"),
        ("annex_2/sec_2", "", "第 17 条"),
    ]
    paragraphs = by_eid(convention_zh)
    assert [p.eid for p in convention_zh.paragraphs if p.eid.startswith("annex_1/preamble")] == [
        "annex_1/preamble/formula_1", "annex_1/preamble/para_1", "annex_1/preamble/para_2", "annex_1/preamble/formula_2"
    ]
    assert paragraphs["annex_1/preamble/formula_1"].text == "本公约缔约国，"
    assert paragraphs["annex_1/art_5/para_2"].num == "2."
    assert paragraphs["annex_1/art_5/para_2"].text.startswith("本公约任何规定概不赋权缔约国")
    point = paragraphs["annex_1/art_2/para_1/subpara_b/point_ii"]
    assert (point.num, point.text) == ("㈡", "代表此种通信服务或此种服务的用户处理或存储电子数据；")
    assert paragraphs["annex_1/conclusions/para_1"].text == "为此，下列签署人经各自政府正式授权，在本公约上签字，以昭信守。"
    assert [p.eid for p in convention_zh.paragraphs if p.eid.startswith("annex_2")] == ["annex_2/para_1", "annex_2/para_2"]
    assert [p.number for p in convention_zh.paragraphs_of(Kind.OPERATIVE)] == [1, 2, 3, 4]


# -- The Universal Declaration ---------------------------------------------------------------------


def udhr_articles(language: str) -> dict[int, list[str]]:
    """The declaration's articles, each a list of its paragraphs, as the structured XML has them."""
    root = ET.parse(DATA / f"A_RES_217_A_III_{language}.xml").getroot()
    articles = {}
    for article in root.findall("u:article", UDHR_NS):
        paragraphs = [p.text for p in article.findall("u:para", UDHR_NS)]
        paragraphs += [item.find("u:para", UDHR_NS).text for item in article.findall(".//u:listitem", UDHR_NS)]
        articles[int(article.get("number"))] = paragraphs
    return articles


def article_paragraphs(parsed) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for paragraph in parsed.paragraphs_of(Kind.ARTICLE):
        found.setdefault(paragraph.division.number, []).append((paragraph.eid, paragraph.text))
    return found


def same_punctuation(text: str) -> str:
    return text.replace(",", "，").replace(";", "；").replace(":", "：").replace(" ", "")


def test_the_chinese_declaration_has_a_preamble_and_30_articles_paragraph_by_paragraph_as_the_xml():
    parsed = parse_file("A_RES_217_A_III.pdf")
    assert len(parsed.paragraphs_of(Kind.PREAMBULAR)) == 8
    assert [(d.eid, d.num) for d in parsed.divisions][:2] == [("art_1", "第一条"), ("art_2", "第二条")]
    assert [d.eid for d in parsed.divisions] == [f"art_{n}" for n in range(1, 31)]
    got = article_paragraphs(parsed)
    expected = udhr_articles("zh")
    assert {n: len(p) for n, p in got.items()} == {n: len(p) for n, p in expected.items()}
    for number, paragraphs in expected.items():
        assert [same_punctuation(text) for _, text in got[number]] == [same_punctuation(p) for p in paragraphs]
    assert [eid for eid, _ in got[2]] == ["art_2/para_1", "art_2/para_2"]  # two unnumbered paragraphs
    assert [eid for eid, _ in got[29]] == ["art_29/para_1", "art_29/para_2", "art_29/para_3"]
    assert by_eid(parsed)["art_29/para_2"].num == "2."
    assert "parsed as a declaration: a preamble and 30 articles" in parsed.warnings


def test_the_english_declaration_gets_the_same_addresses_as_the_chinese():
    english = parse_file("A_RES_217_A_III_en.xml")  # read through parsing.udhr_xml, as an upload is
    chinese = parse_file("A_RES_217_A_III.pdf")
    assert (english.symbol, english.language, english.title) == ("A/RES/217(III)", "en", "Universal Declaration of Human Rights")
    assert len(english.paragraphs_of(Kind.PREAMBULAR)) == 8
    assert [p.eid for p in english.paragraphs] == [p.eid for p in chinese.paragraphs]
    got = article_paragraphs(english)
    assert {n: [t for _, t in p] for n, p in got.items()} == udhr_articles("en")
    assert by_eid(english)["art_19/para_1"].text.startswith("Everyone has the right to freedom of opinion and expression")
