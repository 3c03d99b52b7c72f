"""Comparing two texts of a series, on the real texts (resolutions/tests/corpus/en, see its README.md).

The pairings of 78/224 -> 79/187 and 78/192 -> 79/163 were written down by hand from reading both
texts (data/series_expected/); the comparison must produce them exactly, in the same order.
"""
from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from resolutions.comparison import Change, Op, Passage, Segment, compare
from resolutions.parsing import parse_resolution
from resolutions.openers import opening
from resolutions.verb_strength import Direction, compare_verbs

DATA = Path(__file__).parent / "data"
SERIES = Path(__file__).parent / "corpus" / "en"  # the whole English corpus (its README)
EXPECTED = DATA / "series_expected"


@cache
def passages(name: str) -> tuple[Passage, ...]:
    path = SERIES / name if (SERIES / name).exists() else DATA / name
    parsed = parse_resolution(path.read_text(encoding="utf-8"), source_name=name)
    return tuple(Passage(p.eid, p.kind.value, p.text) for p in parsed.paragraphs)


def comparison_of(old: str, new: str, language: str = "en"):
    return compare(passages(old), passages(new), language)


def pairing(comparison) -> list[dict]:
    old, new = comparison.old, comparison.new
    return [
        {
            "old": old[row.old].eid if row.old is not None else None,
            "new": new[row.new].eid if row.new is not None else None,
            "change": str(row.change),
            "moved": row.moved,
        }
        for row in comparison.rows
    ]


@pytest.mark.parametrize("expected", ["A_RES_78_224__A_RES_79_187.json", "A_RES_78_192__A_RES_79_163.json"])
def test_the_pairing_written_down_by_hand_is_produced(expected):
    written = json.loads((EXPECTED / expected).read_text(encoding="utf-8"))
    old_file, new_file = (written[side].replace("/", "_") + ".txt" for side in ("old", "new"))
    produced = pairing(comparison_of(old_file, new_file))
    wanted = [{key: row[key] for key in ("old", "new", "change", "moved")} for row in written["rows"]]
    assert produced == wanted


def test_counts_by_kind_add_up_the_rows():
    comparison = comparison_of("A_RES_78_224.txt", "A_RES_79_187.txt")
    preamble, operative = comparison.counts_by_kind["preambular"], comparison.counts_by_kind["operative"]
    assert (preamble.new, preamble.dropped, preamble.changed, preamble.unchanged, preamble.moved) == (3, 1, 4, 2, 1)
    assert (operative.new, operative.dropped, operative.changed, operative.unchanged) == (2, 9, 0, 3)
    assert comparison.counts.new == 5 and comparison.counts.dropped == 10


def test_a_changed_paragraph_shows_word_level_insertions_and_deletions():
    comparison = comparison_of("A_RES_78_224.txt", "A_RES_79_187.txt")
    row = next(r for r in comparison.rows if r.new is not None and comparison.new[r.new].eid == "pp5")
    changes = [(s.op, s.text) for s in row.diff if s.op != Op.EQUAL]
    assert changes == [
        (Op.DELETE, "also "),
        (Op.DELETE, "and "),
        (Op.INSERT, ", "),
        (Op.INSERT, "Rules) and the United Nations Standard Minimum Rules for the Administration of Juvenile Justice (the Beijing "),
    ]
    # Equal runs are printed as the new text has them, so the diff reads as the 2024 text.
    assert "".join(s.text for s in row.diff if s.op != Op.DELETE) == comparison.new[row.new].text.strip()


def test_a_paragraph_split_in_two_and_one_merged_into_another_are_paired():
    # 78/234 pp15 (COVID-19 and racism + "recalling that systemic ... racism") became 79/161 pp21 and pp22;
    # 79/161 pp21 also took in the end of 78/234 pp16, which otherwise is gone.
    comparison = comparison_of("A_RES_78_234.txt", "A_RES_79_161.txt")
    rows = [r for r in pairing(comparison) if r["old"] in ("pp15", "pp16") or r["new"] in ("pp21", "pp22")]
    assert rows == [
        {"old": "pp15", "new": "pp21", "change": "changed", "moved": False},
        {"old": "pp16", "new": None, "change": "dropped", "moved": False},
        {"old": "pp15", "new": "pp22", "change": "changed", "moved": False},
    ]
    split = next(r for r in comparison.rows if r.split)
    assert (comparison.old[split.old].eid, comparison.new[split.new].eid) == ("pp15", "pp22")
    # The piece is diffed against the part of pp15 it came from (case is folded: "recalling" is "Recalling").
    assert [(s.op, s.text) for s in split.diff if s.op != Op.EQUAL] == [
        (Op.DELETE, "health care "),
        (Op.INSERT, "healthcare "),
    ]
    assert split.diff[0] == Segment(Op.EQUAL, "Recalling that systemic and structural racism and racial discrimination further exacerbate inequality in access to ")


def test_a_strengthened_and_a_softened_verb_are_named():
    alarmed = comparison_of("A_RES_78_219.txt", "A_RES_79_182.txt")
    # 79/182's "Deeply alarmed by the surge …" is pp41 since the parser stopped making "S-29/1 of 12 February 2021 …"
    # (the page-2 continuation of pp3) a paragraph of its own.
    row = next(r for r in alarmed.rows if r.new is not None and alarmed.new[r.new].eid == "pp41")
    assert alarmed.old[row.old].eid == "pp40"
    assert (str(row.verb), row.verb.direction) == ("alarmed → deeply alarmed", Direction.STRENGTHENED)

    invites = comparison_of("A_RES_78_223.txt", "A_RES_79_186.txt")
    row = next(r for r in invites.rows if r.new is not None and invites.new[r.new].eid == "op16")
    assert invites.old[row.old].eid == "op19"
    assert (str(row.verb), row.verb.direction) == ("encourages → invites", Direction.SOFTENED)
    assert invites.counts.softened == 1


def test_encourages_to_urges_is_a_strengthened_verb():
    # 78/224 op1 as a negotiator would harden it.
    before = next(p for p in passages("A_RES_78_224.txt") if p.eid == "op1")
    after = Passage("op1", "operative", before.text.replace("Encourages", "Urges"))
    row = compare([before], [after], "en").rows[0]
    assert row.change == Change.CHANGED
    assert (row.verb.before, row.verb.after, row.verb.direction) == ("encourages", "urges", Direction.STRENGTHENED)
    assert [(s.op, s.text) for s in row.diff][:2] == [(Op.DELETE, "Encourages "), (Op.INSERT, "Urges ")]


@pytest.mark.parametrize(
    ("text", "language", "verb"),
    [
        ("Also strongly urges Member States to", "en", "strongly urges"),
        ("Noting also with concern the disproportionate impact", "en", "notes with concern"),  # one lemma
        ("Expresses its deep concern that, according to the report", "en", "expresses deep concern"),
        ("Calls upon all States to", "en", "calls upon"),
        ("Further encourages Member States, as appropriate", "en", "encourages"),
        ("(a) The Voluntary Guidelines on the Responsible Governance", "en", ""),
        ("又请秘书长向大会第六十八届会议提交报告", "zh", "请"),
        ("强烈敦促各国", "zh", "强烈敦促"),
        ("表示严重关切", "zh", "表示严重关切"),
    ],
)
def test_the_compared_verb_is_the_vocabulary_opener_with_its_intensifier(text, language, verb):
    assert opening(text, language).verb == verb


def test_an_intensifier_strengthens_an_opener_that_is_on_no_scale():
    strengthened = compare_verbs("Supports the work of the Special Rapporteur", "Strongly supports the work", "en")
    assert (str(strengthened), strengthened.direction, strengthened.scale) == ("supports → strongly supports", Direction.STRENGTHENED, "")
    softened = compare_verbs("强烈支持特别报告员的工作", "支持特别报告员的工作", "zh")
    assert (str(softened), softened.direction) == ("强烈支持 → 支持", Direction.SOFTENED)
    assert compare_verbs("大力支持特别报告员的工作", "强烈支持特别报告员的工作", "zh") is None


def test_two_forms_of_one_step_are_no_verb_change():
    assert compare_verbs("Calls upon States to act", "Calls on States to act", "en") is None
    assert compare_verbs("Requests the Secretary-General", "Also requests the Secretary-General", "en") is None


def test_chinese_is_compared_character_by_character_folded():
    # 67/161 op6, edited the way negotiators do: a stronger verb, a word dropped, a phrase added, another
    # rewritten; the draft was typed partly in traditional characters (適當的國家), which is no change.
    op6 = next(p for p in passages("A_RES_67_161.txt") if p.eid == "op6")
    assert op6.text.startswith("鼓励各国考虑设立或保持适当的国家程序")
    edited = (
        op6.text.replace("鼓励各国考虑设立", "敦促各国设立")
        .replace("适当的国家", "適當的國家")
        .replace("的指控，", "的指控和调查结果，")
        .replace("适用的法律", "适用的国内法和国际法")
    )
    row = compare([op6], [Passage("op6", "operative", edited)], "zh").rows[0]
    assert row.change == Change.CHANGED
    assert [(s.op, s.text) for s in row.diff] == [
        (Op.DELETE, "鼓励"),
        (Op.INSERT, "敦促"),
        (Op.EQUAL, "各国"),
        (Op.DELETE, "考虑"),
        (Op.EQUAL, "设立或保持適當的國家程序，以记录关于酷刑或其他残忍、不人道或有辱人格待遇或处罚行为的指控"),
        (Op.INSERT, "和调查结果"),
        (Op.EQUAL, "，并依照适用的"),
        (Op.DELETE, "法律"),
        (Op.INSERT, "国内法和国际法"),
        (Op.EQUAL, "确保提供此类信息；"),
    ]
    assert (row.verb.before, row.verb.after, row.verb.direction) == ("鼓励", "敦促", Direction.STRENGTHENED)


def test_a_chinese_text_in_traditional_characters_is_unchanged():
    op6 = next(p for p in passages("A_RES_67_161.txt") if p.eid == "op6")
    traditional = Passage("op6", "operative", op6.text.replace("国家程序", "國家程序").replace("记录", "記錄"))
    row = compare([op6], [traditional], "zh").rows[0]
    assert (row.change, row.similarity, row.diff) == (Change.UNCHANGED, 1.0, (Segment(Op.EQUAL, traditional.text),))


def test_spacing_and_the_closing_punctuation_are_not_compared():
    before = Passage("op3", "operative", "Requests the Secretary-General to report  to the General Assembly;")
    after = Passage("op4", "operative", "Requests the Secretary-General to report to the General Assembly.")
    row = compare([before], [after], "en").rows[0]
    assert row.change == Change.UNCHANGED
    assert "".join(s.text for s in row.diff) == after.text


def test_unrelated_paragraphs_are_not_paired():
    before = Passage("op1", "operative", "Decides to continue its consideration of the question at its eightieth session.")
    after = Passage("op1", "operative", "Welcomes the report of the Special Rapporteur on the right to food;")
    assert pairing(compare([before], [after], "en")) == [
        {"old": "op1", "new": None, "change": "dropped", "moved": False},
        {"old": None, "new": "op1", "change": "new", "moved": False},
    ]


def test_the_comparison_module_never_imports_django():
    code = (
        "import sys; import resolutions.comparison, resolutions.verb_strength; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
