"""The parser, specified on the real texts in tests/data (see its README.md for their sources)."""
from __future__ import annotations

import csv
import json
import random
import re
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from resolutions.parsing import Adoption, Body, Kind, ParseError, parse_resolution
from resolutions.parsing.references import find_references
from resolutions.parsing.sources import read_source
from resolutions.parsing.text import collapse_fourfold, join

DATA = Path(__file__).parent / "data"


def parse_file(name: str):
    path = DATA / name
    return parse_resolution(read_source(path.read_bytes(), name), source_name=name)


def by_eid(parsed):
    return {p.eid: p for p in parsed.paragraphs}


@pytest.fixture(scope="module")
def res_45_32():
    return parse_file("A_HRC_RES_45_32.txt")


@pytest.fixture(scope="module")
def res_67_161():
    return parse_file("A_RES_67_161.txt")


# -- 45/32 ---------------------------------------------------------------------------------------


def test_45_32_has_15_preambular_14_operative_paragraphs_and_1_footnote(res_45_32):
    assert len(res_45_32.paragraphs_of(Kind.PREAMBULAR)) == 15
    assert [p.number for p in res_45_32.paragraphs_of(Kind.OPERATIVE)] == list(range(1, 15))
    assert [(f.number, f.text) for f in res_45_32.footnotes] == [(1, "另见 A/HRC/44/37。")]


def test_45_32_metadata_is_read_from_masthead_and_closing_lines(res_45_32):
    r = res_45_32
    assert (r.symbol, r.language, r.body, r.session, r.number) == ("A/HRC/RES/45/32", "zh", Body.HUMAN_RIGHTS_COUNCIL, "45", "32")
    assert r.title == "加强人权领域的技术合作和能力建设"
    assert r.opening == "人权理事会，"
    assert r.adopted_on == date(2020, 10, 7)
    assert (r.meeting, r.meeting_number) == ("第 38 次会议", 38)
    assert r.adoption == Adoption.WITHOUT_VOTE
    assert r.agenda_item == "10 技术援助和能力建设"


def test_45_32_paragraph_texts_are_clean_sentences(res_45_32):
    p = by_eid(res_45_32)
    assert p["pp1"].text == (
        "遵循《联合国宪章》的宗旨和原则，尤其是促成国际合作，不分种族、肤色、性别、语言、宗教、政治或其他见解、"
        "民族本源或社会出身、财产、出生或其他身份等任何区别，促进并鼓励尊重所有人的人权和基本自由，"
    )
    assert p["op1"].text.startswith("强调议程项目 10 下的一般性辩论是一个重要平台，")
    assert "更有效的技术合作和能力建设的愿景和看法" in p["op1"].text
    assert p["op9"].text == (
        "强调必须加强高级专员办事处与其他联合国机构在技术合作和能力建设工作方面的协调；鼓励高专办、"
        "其他相关联合国机构和相关国家定期分享关于国家一级的技术援助和能力建设努力的信息；"
    )
    assert p["op11"].text.endswith("以及在 COVID-19 大流行背景下保护囚犯权利的必要性；")
    assert "另见" not in p["op11"].text and "1" not in p["op11"].text[-10:]
    assert p["op12"].text == (
        "决定根据理事会 2011 年 9 月 29 日第 18/18 号决议第 3 和第 4 段，理事会第四十七届会议将在议程项目 10 "
        "下举行的年度专题小组讨论会的主题为：“开展技术合作，促进受教育权，确保包容公平的优质教育和全民终身学习”；"
    )


def test_45_32_footnote_glued_to_the_last_line_is_attached_to_op11(res_45_32):
    op11 = by_eid(res_45_32)["op11"]
    assert [(m.number, op11.text[: m.offset][-5:]) for m in op11.footnotes] == [(1, "的必要性；")]
    assert [r.symbol for r in res_45_32.footnotes[0].references] == ["A/HRC/44/37"]


def test_45_32_references_name_the_body_from_the_words_before_them(res_45_32):
    p = by_eid(res_45_32)
    assert [(r.symbol, p["pp4"].text[r.start : r.end]) for r in p["pp4"].references] == [
        ("A/RES/60/251", "第 60/251 号决议"),
        ("A/HRC/RES/5/1", "第 5/1 号"),
        ("A/HRC/RES/5/2", "第 5/2 号决议"),
        ("A/HRC/RES/16/21", "第 16/21 号决议"),
    ]
    assert [(r.symbol, r.paragraphs) for r in p["op12"].references] == [("A/HRC/RES/18/18", (3, 4))]
    assert [r.symbol for r in p["op11"].references] == ["A/HRC/RES/42/32"]


# -- 67/161 --------------------------------------------------------------------------------------


def test_67_161_has_10_preambular_41_operative_paragraphs_and_10_footnotes(res_67_161):
    assert len(res_67_161.paragraphs_of(Kind.PREAMBULAR)) == 10
    assert [p.number for p in res_67_161.paragraphs_of(Kind.OPERATIVE)] == list(range(1, 42))
    assert [f.number for f in res_67_161.footnotes] == list(range(1, 11))


def test_67_161_metadata(res_67_161):
    r = res_67_161
    assert (r.symbol, r.body, r.session, r.number) == ("A/RES/67/161", Body.GENERAL_ASSEMBLY, "67", "161")
    assert r.title == "酷刑和其他残忍、不人道或有辱人格的待遇或处罚"
    assert r.committee_report == "A/67/457/Add.1"
    assert r.adopted_on == date(2012, 12, 20)
    assert (r.meeting, r.meeting_number) == ("第 60 次全体会议", 60)
    assert r.job_number == "12-48825"  # from the barcode *1248825*


def test_67_161_matches_the_expected_output_paragraph_by_paragraph(res_67_161):
    expected = json.loads((DATA / "A_RES_67_161.json").read_text(encoding="utf-8"))
    assert len(res_67_161.paragraphs) == len(expected["paragraphs"])
    for got, want in zip(res_67_161.paragraphs, expected["paragraphs"], strict=True):
        assert got.eid == want["eid"]
        assert got.text == want["text"], got.eid
        assert [[m.number, m.offset] for m in got.footnotes] == want["footnotes"], got.eid
        assert [[r.symbol, list(r.paragraphs)] for r in got.references] == want["references"], got.eid
    assert [(f.number, f.text) for f in res_67_161.footnotes] == [(f["number"], f["text"]) for f in expected["footnotes"]]


def test_45_32_matches_the_expected_output_paragraph_by_paragraph(res_45_32):
    expected = json.loads((DATA / "A_HRC_RES_45_32.json").read_text(encoding="utf-8"))
    got = [(p.eid, p.text, [[m.number, m.offset] for m in p.footnotes]) for p in res_45_32.paragraphs]
    assert got == [(p["eid"], p["text"], p["footnotes"]) for p in expected["paragraphs"]]


def test_word_broken_across_page_and_footnotes_is_joined(res_67_161):
    pp6 = by_eid(res_67_161)["pp6"]
    assert "所犯严重违反国际人道主义法行为负责者的国际法庭规约" in pp6.text
    assert "联合国，《条约汇编》" not in pp6.text and "同上" not in pp6.text
    assert [(m.number, pp6.text[: m.offset][-6:]) for m in pp6.footnotes] == [(2, "日内瓦四公约"), (3, "《罗马规约》")]


def test_marker_on_its_own_line_is_lifted_and_the_words_around_it_join(res_67_161):
    op3 = by_eid(res_67_161)["op3"]
    assert "《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约任择议定书》的缔约国履行义务" in op3.text
    assert [(m.number, op3.text[: m.offset][-6:]) for m in op3.footnotes] == [(5, "任择议定书》")]
    pp4 = by_eid(res_67_161)["pp4"]
    assert "公约》第 1 条所载的酷刑定义" in pp4.text  # "第 1" is article 1, not footnote 1 again


def test_each_footnote_is_attached_to_the_paragraphs_citing_it(res_67_161):
    cited = {}
    for p in res_67_161.paragraphs:
        for m in p.footnotes:
            cited.setdefault(m.number, []).append(p.eid)
    assert cited == {
        1: ["pp4", "op20"], 2: ["pp6"], 3: ["pp6", "op15"], 4: ["pp8"], 5: ["op3"],
        6: ["op8"], 7: ["op8"], 8: ["op11"], 9: ["op13"], 10: ["op32"],
    }


def test_footnote_texts_carry_their_references(res_67_161):
    refs = {f.number: [r.symbol for r in f.references] for f in res_67_161.footnotes}
    assert refs[4] == ["A/RES/61/177"]
    assert refs[7] == ["E/CN.4/2005/102/Add.1"]
    assert refs[10] == ["A/67/279"]


def test_no_page_furniture_survives_in_67_161(res_67_161):
    for p in res_67_161.paragraphs:
        for debris in ("请回收", "1248825", "A/RES/67/161", "3/7", "酷刑和其他残忍酷刑", "、、"):
            assert debris not in p.text, (p.eid, debris)


def test_four_fold_bold_is_collapsed_and_nothing_else(res_67_161):
    p = by_eid(res_67_161)
    assert p["op1"].text.startswith("谴责一切形式的酷刑")
    assert p["op32"].text.startswith("表示注意到特别报告员的临时报告，")
    assert p["op7"].text.startswith("强调指出对于一切有关酷刑")
    assert res_67_161.opening == "大会，"
    assert collapse_fourfold("大会大会大会大会，") == "大会，"
    assert collapse_fourfold("强调指出强调指出强调指出强调指出国家") == "强调指出国家"
    assert collapse_fourfold("残忍、、、、不人道") == "残忍、不人道"
    assert collapse_fourfold("人人人享有") == "人人人享有"
    assert collapse_fourfold("人人有权，大会大会") == "人人有权，大会大会"
    assert collapse_fourfold("1111 and 2222") == "1111 and 2222"


def test_lines_join_without_space_between_cjk_and_with_one_between_latin_words():
    assert join("能力建", "设工作") == "能力建设工作"
    assert join("human rights of all persons, including", "persons with albinism") == (
        "human rights of all persons, including persons with albinism"
    )
    assert join("through awareness-", "raising campaigns") == "through awareness-raising campaigns"
    assert join("《公约》第", "1 条") == "《公约》第 1 条"


# -- references ----------------------------------------------------------------------------------


def test_english_references_include_lists_and_bodies():
    text = (
        "Recalling also Human Rights Council resolutions 23/13 of 13 June 2013 on attacks and 24/33 of 27 September "
        "2013, as well as resolutions 28/6 of 26 March 2015, 37/5 of 22 March 2018 and 46/12 of 23 March 2021, "
        "Commission on Human Rights resolution 2005/39 and General Assembly resolution 77/228,"
    )
    refs = find_references(text, document_body=Body.GENERAL_ASSEMBLY, language="en")
    assert [r.symbol for r in refs] == [
        "A/HRC/RES/23/13", "A/HRC/RES/24/33", "A/RES/28/6", "A/RES/37/5", "A/RES/46/12",
        "E/CN.4/RES/2005/39", "A/RES/77/228",
    ]


def test_chinese_references_and_document_symbols():
    text = "回顾大会第 60/251 号决议和理事会第 5/1 号和第 5/2 号决议，见 E/CN.4/2005/102/Add.1 和 A/67/279。"
    refs = find_references(text, document_body=Body.HUMAN_RIGHTS_COUNCIL, language="zh")
    assert [(r.symbol, r.is_resolution) for r in refs] == [
        ("A/RES/60/251", True), ("A/HRC/RES/5/1", True), ("A/HRC/RES/5/2", True),
        ("E/CN.4/2005/102/Add.1", False), ("A/67/279", False),
    ]


# -- English -------------------------------------------------------------------------------------

ENGLISH = ["A_RES_78_171.txt", "A_RES_78_220.txt", "A_RES_79_155.txt", "A_RES_79_157.txt", "A_RES_79_160.txt",
           "A_RES_79_173.txt", "A_RES_78_171.pdf", "A_RES_79_157.pdf", "A_RES_78_179.txt", "A_RES_78_182.txt",
           "A_RES_78_201.txt", "A_RES_78_209.txt", "A_RES_78_235.txt", "A_RES_79_159.txt", "A_RES_79_183.txt",
           "A_RES_79_184.txt"]


def index_rows():
    with (DATA / "INDEX_en.csv").open(encoding="utf-8") as handle:
        return {row["symbol"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("name", ENGLISH)
def test_english_resolution_numbering_title_and_date_match_the_index(name):
    parsed = parse_file(name)
    row = index_rows()[parsed.symbol]
    assert parsed.title == re.sub(r"^\d+/\d+\.\s*", "", row["title"])
    assert parsed.adopted_on == datetime.strptime(row["adopted"], "%d %B %Y").date()
    chapeaux = [p.number for p in parsed.paragraphs_of(Kind.OPERATIVE) if not p.item]
    assert chapeaux == list(range(1, len(chapeaux) + 1))
    cited = {m.number for p in parsed.paragraphs for m in p.footnotes}
    assert cited == {f.number for f in parsed.footnotes}
    for p in parsed.paragraphs:
        assert parsed.symbol not in p.text
        assert not re.search(r"\b\d{2}-\d{5}\b", p.text), p.eid
        assert not re.search(rf"(?<![\w/])\d/{row['pages']}\b", p.text), p.eid


def test_78_171_counts_and_glued_markers():
    parsed = parse_file("A_RES_78_171.txt")
    assert (len(parsed.paragraphs_of(Kind.PREAMBULAR)), len(parsed.paragraphs_of(Kind.OPERATIVE))) == (18, 12)
    assert len(parsed.footnotes) == 18
    pp4 = by_eid(parsed)["pp4"]
    assert pp4.text.startswith("Recalling also Human Rights Council resolutions 23/13 of 13 June 2013 on attacks")
    assert "37/5 of 22 March 2018 and 46/12 of 23 March 2021 pertaining" in pp4.text
    assert [m.number for m in pp4.footnotes] == [11, 12, 13, 14, 15]
    assert [r.symbol for r in pp4.references][:5] == [
        "A/HRC/RES/23/13", "A/HRC/RES/24/33", "A/RES/28/6", "A/RES/37/5", "A/RES/46/12"
    ]
    assert (parsed.meeting, parsed.meeting_number, parsed.job_number) == ("50th plenary meeting", 50, "23-25972")
    assert parsed.committee_report == "A/78/472"


def test_78_171_pdf_parses_like_its_text_extraction():
    from_txt = parse_file("A_RES_78_171.txt")
    from_pdf = parse_file("A_RES_78_171.pdf")
    assert [(p.eid, p.text) for p in from_pdf.paragraphs] == [(p.eid, p.text) for p in from_txt.paragraphs]
    assert [(f.number, f.text) for f in from_pdf.footnotes] == [(f.number, f.text) for f in from_txt.footnotes]
    assert [[m.number for m in p.footnotes] for p in from_pdf.paragraphs] == [
        [m.number for m in p.footnotes] for p in from_txt.paragraphs
    ]


def test_glued_marker_after_a_resolution_number_is_split_off():
    parsed = parse_file("A_RES_78_220.txt")
    op1 = by_eid(parsed)["op1"]
    assert op1.text.startswith("Takes note of the report of the Secretary-General submitted pursuant to resolution 77/228 and")
    assert [(m.number, op1.text[: m.offset][-6:]) for m in op1.footnotes][0] == (5, "77/228")
    assert op1.references[0].symbol == "A/RES/77/228"
    assert [r.symbol for r in op1.references] == ["A/RES/77/228", "A/HRC/RES/52/27"]


def test_lettered_items_follow_their_chapeau():
    parsed = parse_file("A_RES_79_155.txt")
    eids = [p.eid for p in parsed.paragraphs]
    start = eids.index("op15")
    assert eids[start : start + 5] == ["op15", "op15(a)", "op15(b)", "op15(c)", "op15(d)"]
    assert by_eid(parsed)["op15(a)"].text.startswith("Redoubling their efforts to meet the internationally agreed goal")


def test_single_unnumbered_operative_paragraph_and_footnote_after_the_closing_lines():
    parsed = parse_file("A_RES_79_157.txt")
    ops = parsed.paragraphs_of(Kind.OPERATIVE)
    assert [(p.eid, p.text) for p in ops] == [
        ("op1", "Takes note of the report of the Human Rights Council, including the addendum thereto, and its recommendations.")
    ]
    assert parsed.footnotes[0].text.startswith("Official Records of the General Assembly, Seventy-ninth Session")


def test_operative_number_printed_without_its_dot_still_counts():
    parsed = parse_file("A_RES_79_160.txt")
    assert by_eid(parsed)["op26"].text.startswith("Condemns without reservation any denial of or attempt to deny the Holocaust")


def test_marker_after_a_year_separated_by_a_space():
    pp2 = by_eid(parse_file("A_RES_79_173.txt"))["pp2"]
    assert "the Geneva Conventions of 12 August 1949 and the Additional Protocols" in pp2.text
    assert [m.number for m in pp2.footnotes] == [1, 2, 3, 4, 5, 6, 7, 8]


def markers_with_words_before(paragraph, width=14):
    return [(m.number, paragraph.text[: m.offset][-width:]) for m in paragraph.footnotes]


def test_79_160_has_the_twenty_preambular_paragraphs_its_pdf_prints():
    # Counted on the official PDF (corpus en/A_RES_79_160.pdf, pages 1-3): 20 italic openings before "1. Reaffirms".
    openings = ["Guided", "Recalling", "Acknowledging", "Recalling", "Mindful", "Noting", "Recalling", "Alarmed",
                "Noting", "Alarmed", "Concerned", "Mindful", "Seriously", "Deeply", "Recognizing", "Underlining",
                "Noting", "Stressing", "Expressing", "Recalling"]
    preamble = parse_file("A_RES_79_160.txt").paragraphs_of(Kind.PREAMBULAR)
    assert [p.text.split()[0] for p in preamble] == openings
    assert preamble[-1].text.endswith("to hold a special solemn meeting at the seventy-ninth session of the General Assembly,")


def test_markers_set_apart_after_resolution_numbers_and_dates():
    # 79/184 pp19: "resolutions 71/205 18  and 72/190, 19  and … 73/263, 20 74/168, 21 75/192, 22" then, after a
    # page break, "76/179, 23 77/229 24 and 78/221, 25 … of 18 October 2022, 26  15 March 2023, 27".
    pp19 = by_eid(parse_file("A_RES_79_184.txt"))["pp19"]
    assert (
        "submitted pursuant to resolutions 71/205 and 72/190, and the reports of the Secretary-General submitted "
        "pursuant to resolutions 73/263, 74/168, 75/192, 76/179, 77/229 and 78/221, and the reports of the "
        "Independent International Commission of Inquiry on Ukraine of 18 October 2022, 15 March 2023, "
        "19 October 2023 and 18 March 2024 pursuant to Human Rights Council resolutions 49/1 and 52/32,"
    ) in pp19.text
    assert markers_with_words_before(pp19, 12) == [
        (18, "tions 71/205"), (19, " and 72/190,"), (20, "ions 73/263,"), (21, "263, 74/168,"), (22, "168, 75/192,"),
        (23, "192, 76/179,"), (24, "/179, 77/229"), (25, " and 78/221,"), (26, "ctober 2022,"), (27, " March 2023,"),
        (28, "October 2023"), (29, "8 March 2024"),
    ]


def test_marker_after_a_year_range_no_longer_merges_the_next_paragraph():
    # 78/179 pp8: "Sendai Framework for Disaster Risk Reduction 2015–2030, 8 the Doha Programme"; the stalled
    # sequence left "(Habitat III), 14" in the text and glued pp9 to it. The PDF prints 40 preambular paragraphs.
    parsed = parse_file("A_RES_78_179.txt")
    assert len(parsed.paragraphs_of(Kind.PREAMBULAR)) == 40
    pp8, pp9 = by_eid(parsed)["pp8"], by_eid(parsed)["pp9"]
    assert "Reduction 2015–2030, the Doha Programme" in pp8.text
    assert pp8.text.endswith("Conference on Housing and Sustainable Urban Development (Habitat III),")
    assert [m.number for m in pp8.footnotes] == [7, 8, 9, 10, 11, 12, 13, 14]
    assert pp9.text.startswith("Reaffirming that fulfilling the human rights, developmental needs and well-being of youth")


def test_marker_after_a_year_that_follows_of():
    # 78/209: "Programme of Action of 1993, 2 which" and "resolution 1993/51 of 9 March 1993 3".
    paragraphs = by_eid(parse_file("A_RES_78_209.txt"))
    assert markers_with_words_before(paragraphs["pp2"], 8) == [(2, "of 1993,")]
    assert markers_with_words_before(paragraphs["pp5"], 10) == [(3, "March 1993")]
    assert "of 9 March 1993 and all its subsequent resolutions" in paragraphs["pp5"].text


def test_marker_after_a_plural_that_names_no_list():
    # 78/235 op10: "the Sustainable Development Goals 6 ⏎ in Central Africa;" (footnote 6: See resolution 70/1).
    op10 = by_eid(parse_file("A_RES_78_235.txt"))["op10"]
    assert op10.text.endswith("the attainment of the Sustainable Development Goals in Central Africa;")
    assert markers_with_words_before(op10, 5) == [(6, "Goals")]


def test_marker_glued_to_capitals_and_between_comma_and_word():
    # 78/182 pp7: "Declaration of Commitment on HIV/AIDS7 and"; 79/159 op18: "the Paris Agreement,38and the".
    pp7 = by_eid(parse_file("A_RES_78_182.txt"))["pp7"]
    assert pp7.text.startswith("Reaffirming the Declaration of Commitment on HIV/AIDS and the Political Declaration")
    assert markers_with_words_before(pp7, 4)[0] == (7, "AIDS")
    op18 = by_eid(parse_file("A_RES_79_159.txt"))["op18"]
    assert "the Paris Agreement, and the Kunming-Montreal Biodiversity Framework under the United Nations" in op18.text
    assert markers_with_words_before(op18, 10) == [(38, "Agreement,"), (39, " Framework"), (40, "Diversity;")]


def test_marker_glued_to_a_special_session_resolution():
    # 79/183 op1: "Human Rights Council resolution S-35/16 and the report": resolution S-35/1, footnote 6.
    op1 = by_eid(parse_file("A_RES_79_183.txt"))["op1"]
    assert "pursuant to Human Rights Council resolution S-35/1 and the report of the Special Rapporteur" in op1.text
    assert [n for n, _ in markers_with_words_before(op1)] == [5, 6, 7]
    assert "A/HRC/RES/S-35/1" in [r.symbol for r in op1.references]


def test_day_of_a_date_at_a_line_start_is_not_a_marker():
    # 78/201 pp2: "55/91 of ⏎ 4 December 2000" took footnote 4, which "fourteenth session, 4" cites at the end of
    # pp3; the "4" left there glued pp3 to the next paragraph. The PDF prints 22 preambular paragraphs.
    parsed = parse_file("A_RES_78_201.txt")
    pp2, pp3 = by_eid(parsed)["pp2"], by_eid(parsed)["pp3"]
    assert "55/91 of 4 December 2000, 57/204 of 18 December 2002" in pp2.text
    assert pp2.footnotes == ()
    assert pp3.text.endswith("Cultural Organization at its fourteenth session,")
    assert markers_with_words_before(pp3, 18) == [(4, "ourteenth session,")]
    assert len(parsed.paragraphs_of(Kind.PREAMBULAR)) == 22


def test_footnote_marker_in_an_annex_after_a_full_stop():
    # 79/243, lines 1-209 and 3627-3751 (the Convention's articles 1-66 left out): "have signed this Convention.1".
    parsed = parse_file("A_RES_79_243_last_page.txt")
    cited = [(p.kind, p.text, [(m.number, m.offset) for m in p.footnotes]) for p in parsed.paragraphs if p.footnotes]
    assert len(cited) == 1
    kind, text, markers = cited[0]
    assert (kind, text[-29:], markers) == (Kind.ANNEX, " have signed this Convention.", [(1, len(text))])
    assert [p.eid for p in parsed.paragraphs if p.footnotes] == ["annex_1/conclusions/para_1"]
    assert parsed.footnotes[0].text.startswith("It is noted that interpretative notes on articles 2, 17, 23 and 35")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the three English word orders
        ("Recalling paragraph 3 of resolution 77/228,", [("A/RES/77/228", (3,))]),
        ("Recalling paragraphs 3 and 4 of its resolution 77/228,", [("A/RES/77/228", (3, 4))]),
        ("Recalling resolution 77/228, paragraph 5,", [("A/RES/77/228", (5,))]),
        # real: 79/165 op5, and 78/174 footnote 9
        ("Reaffirms paragraphs 26 to 28 of its resolution 68/268", [("A/RES/68/268", (26, 27, 28))]),
        ("Economic and Social Council resolution 2016/6, para. 3.", [("E/RES/2016/6", (3,))]),
        # paragraphs of another text stay with it
        ("paragraphs 84 to 86 of the Programme of Action and resolution 77/228", [("A/RES/77/228", ())]),
        ("as requested in paragraph 3 of resolution 77/228 and in resolution 78/190,",
         [("A/RES/77/228", (3,)), ("A/RES/78/190", ())]),
        ("Recalling resolution 77/228, paragraphs 3 and 4 of the Declaration", [("A/RES/77/228", ())]),
    ],
)
def test_english_paragraphs_of_a_resolution(text, expected):
    refs = find_references(text, document_body=Body.GENERAL_ASSEMBLY, language="en")
    assert [(r.symbol, r.paragraphs) for r in refs] == expected


# -- failures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "It was a bright cold day in April, and the clocks were striking thirteen.\nWinston Smith hurried home.\n",
        "symbol,session,number,title\nA/RES/78/171,78,171,78/171. Persons with albinism\n",
        "78/171. Persons with albinism\n\nThe General Assembly,\n\nRecalling everything,\n",
        bytes(random.Random(7).randrange(256) for _ in range(4000)).decode("latin-1"),
    ],
    ids=["empty", "blank", "prose", "csv", "no-operative", "random-bytes"],
)
def test_text_that_is_not_a_resolution_raises_parse_error_with_a_line(text):
    with pytest.raises(ParseError) as info:
        parse_resolution(text)
    assert info.value.line is not None and info.value.line >= 1
    assert info.value.message


def test_parsing_one_document_takes_well_under_100_ms():
    text = (DATA / "A_RES_67_161.txt").read_text(encoding="utf-8")
    started = time.perf_counter()
    for _ in range(10):
        parse_resolution(text)
    assert (time.perf_counter() - started) / 10 < 0.1


def test_chinese_udhr_pdf_parses_as_a_declaration_with_thirty_articles():
    parsed = parse_file("A_RES_217_A_III.pdf")
    assert (parsed.symbol, parsed.body, parsed.title, parsed.adopted_on) == (
        "A/RES/217(III)", Body.GENERAL_ASSEMBLY, "世界人权宣言", date(1948, 12, 10)
    )
    assert len(parsed.paragraphs_of(Kind.PREAMBULAR)) == 8
    assert parsed.paragraphs_of(Kind.OPERATIVE) == []
    articles = {p.eid: p.text for p in parsed.paragraphs_of(Kind.ARTICLE)}
    assert sorted({p.division.number for p in parsed.paragraphs_of(Kind.ARTICLE)}) == list(range(1, 31))
    assert articles["art_1/para_1"] == "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"
    assert articles["art_19/para_1"].startswith("人人有权享有主张和发表意见的自由；")
    assert parsed.paragraphs[0].text == "鉴于对人类家庭所有成员的固有尊严及其平等的和不移的权利的承认，乃是世界自由、正义与和平的基础，"
