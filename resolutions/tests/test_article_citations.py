"""Citations of articles by instrument name, on sentences of the real texts in tests/data and the curated table."""
from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.parsing import Body, parse_resolution
from resolutions.parsing.article_citations import (
    CitationContext,
    find_article_citations,
    instrument_named,
    instruments,
)
from resolutions.parsing.references import find_references
from resolutions.parsing.sources import read_source

DATA = Path(__file__).parent / "data"


def cited(text: str, language: str = "en", *, context: CitationContext | None = None) -> list[tuple]:
    """(instrument, article, paragraph, item, cited words) for each citation in `text`."""
    context = context or CitationContext(language)
    return [
        (c.instrument or c.within, c.article, c.paragraph, c.item, text[c.start : c.end])
        for c in find_article_citations(text, context)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 79/175 pp9, both instruments by title
        (
            (
                "Reaffirming the human right to privacy, according to which no one shall be subjected to arbitrary or "
                "unlawful interference with his or her privacy, as set out in article 12 of the Universal Declaration "
                "of Human Rights and article 17 of the International Covenant on Civil and Political Rights,"
            ),
            [
                ("udhr", 12, None, "", "article 12 of the Universal Declaration of Human Rights"),
                ("iccpr", 17, None, "", "article 17 of the International Covenant on Civil and Political Rights"),
            ],
        ),
        # 79/167 pp19: paragraph named after the article, "common to"
        (
            (
                "Recalling article 1, paragraph 2, common to the International Covenant on Civil and Political Rights "
                "and the International Covenant on Economic, Social and Cultural Rights,"
            ),
            [("iccpr", 1, 2, "", "article 1, paragraph 2, common to the International Covenant on Civil and Political Rights")],
        ),
        # 79/184 pp13: "(4)" is a paragraph; the Charter has no adopting resolution
        ("in violation of Article 2 (4) of the Charter of the United Nations,", [
            ("charter", 2, 4, "", "Article 2 (4) of the Charter of the United Nations")
        ]),
        # a range: the articles between share the last number's words (the page links those to the last)
        ("articles 19 to 22 of the International Covenant on Civil and Political Rights", [
            ("iccpr", 19, None, "", "articles 19"), ("iccpr", 20, None, "", "22"),
            ("iccpr", 21, None, "", "22"), ("iccpr", 22, None, "", "22"),
        ]),
        # short title, acronym, paragraph and item
        ("as defined in article 1 of the Convention against Torture and in article 12 of CRPD", [
            ("cat", 1, None, "", "article 1 of the Convention against Torture"),
            ("crpd", 12, None, "", "article 12 of CRPD"),
        ]),
        ("in accordance with article 5, paragraph 2 (b), of the United Nations Convention against Corruption", [
            ("uncac", 5, 2, "b", "article 5, paragraph 2 (b), of the United Nations Convention against Corruption")
        ]),
        # nothing the table knows: no citation
        ("article 5 of the Paris Agreement and article 7 of the agreement", []),
        ("Recalling paragraph 1 (a) (ii) of this article,", []),
    ],
)
def test_english_citations_name_instrument_article_paragraph_and_item(text, expected):
    assert cited(text) == expected


def test_the_convention_named_earlier_is_the_one_the_text_refers_back_to():
    context = CitationContext("en")
    first = "Reaffirming the International Convention on the Elimination of All Forms of Racial Discrimination,"
    assert cited(first, context=context) == []
    # 79/160 op11 and op28, a few paragraphs on
    assert cited("articles 4 and 5 of the Convention", context=context) == [
        ("icerd", 4, None, "", "articles 4"), ("icerd", 5, None, "", "5"),
    ]
    assert cited("article 4 (a) of the Convention, which States are required to declare", context=context) == [
        ("icerd", 4, None, "a", "article 4 (a) of the Convention"),
    ]
    assert cited("articles 19, 21 and 22 of the Covenant", context=context) == []  # no covenant named yet
    cited("the International Covenant on Civil and Political Rights", context=context)
    assert [c[:2] for c in cited("articles 19, 21 and 22 of the Covenant", context=context)] == [
        ("iccpr", 19), ("iccpr", 21), ("iccpr", 22)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 67/161 pp4, the full title; the footnote marker after 》 is gone from the clean text
        ("还回顾《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》第 1 条所载的酷刑定义，", [
            ("cat", 1, None, "", "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》第 1 条"),
        ]),
        ("人人有权享有主张和发表意见的自由，如《世界人权宣言》第十九条所述，", [
            ("udhr", 19, None, "", "《世界人权宣言》第十九条"),
        ]),
        ("《公民及政治权利国际公约》第十九条第三款和第二十条", [
            ("iccpr", 19, 3, "", "《公民及政治权利国际公约》第十九条第三款"),
            ("iccpr", 20, None, "", "第二十条"),
        ]),
        ("依照《禁止酷刑公约》第 2 条第 1 款(a)项和《残疾人权利公约》第 17 和 18 条", [
            ("cat", 2, 1, "a", "《禁止酷刑公约》第 2 条第 1 款(a)项"),
            ("crpd", 17, None, "", "《残疾人权利公约》第 17 和 18 条"),
            ("crpd", 18, None, "", "《残疾人权利公约》第 17 和 18 条"),
        ]),
        ("第 5 条规定，《某某公约》第 3 条", []),
    ],
)
def test_chinese_citations_name_instrument_article_paragraph_and_item(text, expected):
    assert cited(text, "zh") == expected


def test_the_chinese_torture_resolution_cites_the_convention_by_title_then_as_its_convention():
    parsed = parse_resolution((DATA / "A_RES_67_161.txt").read_text(encoding="utf-8"))
    found = {p.eid: [(c.instrument, c.article, p.text[c.start : c.end]) for c in p.article_citations if c.article]
             for p in parsed.paragraphs if any(c.article for c in p.article_citations)}
    named = {p.eid: [(c.instrument, p.text[c.start : c.end]) for c in p.article_citations if not c.article]
             for p in parsed.paragraphs if any(not c.article for c in p.article_citations)}
    # Instruments named without an article are kept too (article 0: the instrument as a whole).
    assert named == {
        "pp7": [("cat", "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》")],
        "pp8": [("ced", "《保护所有人免遭强迫失踪国际公约》")],
        "op3": [("opcat", "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约任择议定书》")],
        "op13": [("crpd", "《残疾人权利公约》")],
        "op20": [("cat", "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》")],
    }
    assert found == {
        "pp4": [("cat", 1, "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》第 1 条")],
        "pp5": [("cat", 1, "《公约》第 1 条")],
        # "《公约》缔约国根据……第 21 和 22 条作出声明，考虑是否可能撤回对第 20 条的保留，……接受第 17 和 18条修正案"
        "op27": [("cat", 21, "第 21 和 22 条"), ("cat", 22, "第 21 和 22 条"), ("cat", 20, "第 20 条"),
                 ("cat", 17, "第 17 和 18条"), ("cat", 18, "第 17 和 18条")],
        "op28": [("cat", 19, "《公约》第 19 条")],
    }


def test_the_resolution_adopting_a_convention_and_the_convention_itself_cite_its_articles():
    parsed = parse_resolution(read_source((DATA / "A_RES_79_243.txt").read_bytes(), "A_RES_79_243.txt"))
    by_eid = {p.eid: p for p in parsed.paragraphs}
    op5 = by_eid["op5"]
    assert [(c.instrument, c.article, c.paragraph, c.item) for c in op5.article_citations] == [
        ("cybercrime", 57, 5, "g"), ("cybercrime", 61, None, ""), ("cybercrime", 62, None, "")
    ]
    assert op5.text[op5.article_citations[0].start : op5.article_citations[0].end] == "articles 57, paragraph 5 (g)"
    m = by_eid["annex_1/art_2/para_1/subpara_m"]
    assert [(c.instrument, c.article, m.text[c.start : c.end]) for c in m.article_citations] == [
        ("cybercrime", 17, "article 17 of this Convention")
    ]
    notes = by_eid["annex_2/para_4"]  # "(including an offence set out in article 19 of the convention)"
    assert [(c.instrument, c.article) for c in notes.article_citations] == [("cybercrime", 19)]


def test_an_unknown_instrument_citing_its_own_articles_points_into_its_own_annex():
    context = CitationContext("en")
    context.within = "annex_1/"
    assert cited("as provided for in article 3 of this Convention", context=context) == [
        ("annex_1/", 3, None, "", "article 3 of this Convention")
    ]


def test_every_instrument_of_the_table_has_both_titles_and_a_symbol_as_the_archive_spells_it():
    table = instruments()
    assert {"udhr", "cat", "crpd", "iccpr", "icescr", "crc", "cedaw", "cybercrime", "charter"} <= set(table)
    assert (table["cat"].symbol, table["udhr"].symbol, table["crpd"].symbol, table["crc"].symbol) == (
        "A/RES/39/46", "A/RES/217(III)", "A/RES/61/106", "A/RES/44/25"
    )
    assert (table["iccpr"].symbol, table["icescr"].symbol, table["cedaw"].symbol, table["cybercrime"].symbol) == (
        "A/RES/2200(XXI)", "A/RES/2200(XXI)", "A/RES/34/180", "A/RES/79/243"
    )
    for instrument in table.values():
        assert instrument.title_en and instrument.title_zh and instrument.checked, instrument.key
        assert instrument.symbol or instrument.url_en, instrument.key
    # The symbols are the ones the reference parser makes of the way resolutions print them.
    for printed, key in (
        ("resolution 217 A (III)", "udhr"),
        ("resolution 2200 A (XXI)", "iccpr"),
        ("resolution 2106 A (XX)", "icerd"),
        ("resolution 260 A (III)", "genocide"),
        ("resolution 39/46", "cat"),
        ("resolution 79/243", "cybercrime"),
    ):
        [reference] = find_references(printed, document_body=Body.GENERAL_ASSEMBLY, language="en")
        assert reference.symbol == table[key].symbol


def test_an_annex_heading_names_its_instrument():
    assert instrument_named(
        "United Nations Convention against Cybercrime; Strengthening International Cooperation", "en"
    ).key == "cybercrime"
    assert instrument_named("联合国打击网络犯罪公约", "zh").key == "cybercrime"
    assert instrument_named("Interpretative notes on specific articles of the United Nations Convention", "en") is None
