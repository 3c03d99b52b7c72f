"""Each stage of the parser alone: a pure function from one frozen dataclass to the next (parsing/stages/).

The inputs are real texts from tests/data, cut down, or the previous stage's result on them; every stage's
result is frozen, and running a stage again on the same input gives the same result.
"""
from __future__ import annotations

import ast
import dataclasses
import time
from pathlib import Path

import pytest

from resolutions.parsing import (
    Deadline,
    Kind,
    ParseError,
    ParseTimeout,
    parse_resolution,
)
from resolutions.parsing.article_citations import cite_articles
from resolutions.parsing.document import Adoption, Body
from resolutions.parsing.languages import rules_for
from resolutions.parsing.stages import (
    blocks,
    citations,
    decode,
    footnotes,
    furniture,
    lines,
    metadata,
    paragraphs,
)

DATA = Path(__file__).parent / "data"
PARSING = Path(__file__).resolve().parent.parent / "parsing"
TEXT_78_171 = (DATA / "A_RES_78_171.txt").read_text(encoding="utf-8")
TEXT_45_32 = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")


def stages_of(text: str):
    """Every stage's result on `text`, in order."""
    decoded = decode.decode(text)
    framed = blocks.find_blocks(decoded)
    found = furniture.find_furniture(framed)
    lifted = footnotes.lift_footnotes(found)
    running = lines.running_lines(lifted)
    cut = paragraphs.cut_paragraphs(running)
    read = metadata.read_metadata(cut)
    return decoded, framed, found, lifted, running, cut, read


def test_every_stage_result_is_frozen_and_the_same_when_run_again():
    first = stages_of(TEXT_78_171)
    again = stages_of(TEXT_78_171)
    for result, repeated in zip(first, again, strict=True):
        assert dataclasses.is_dataclass(result) and type(result).__dataclass_params__.frozen, type(result)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.__setattr__(dataclasses.fields(result)[0].name, None)
        assert result == repeated
    assert citations.cite(first[-1]) == citations.cite(again[-1])
    # parse_resolution is the stages, then the article citations of issue 13 (article_citations.cite_articles)
    assert cite_articles(citations.cite(first[-1])) == parse_resolution(TEXT_78_171)


# -- decode --------------------------------------------------------------------------------------------------


def test_decode_reads_form_feeds_as_line_ends_and_remembers_the_page_breaks():
    decoded = decode.decode("78/1. Title\n\nThe General Assembly,\nRecalling,\fcarried on\n\fDecides.")
    assert decoded.lines == ("78/1. Title", "", "The General Assembly,", "Recalling,", "carried on", "", "Decides.")
    assert decoded.page_starts == (4, 6)
    assert decoded.rules.code == "en"


def test_decode_drops_characters_xml_forbids_and_keeps_pdfiums_line_end_hyphen():
    decoded = decode.decode("大会大会大会大会，\x01\x0b 联 合 国\n\x1bcapacity\ufffe\nbuilding\uffff\ud800")
    assert decoded.lines == ("大会，联合国", "capacity-", "building")
    assert decoded.rules.code == "zh"


def test_decode_refuses_an_empty_text_at_line_1():
    with pytest.raises(ParseError) as info:
        decode.decode(" \n\x00\n\t")
    assert (info.value.message, info.value.line) == ("The text is empty.", 1)


# -- blocks --------------------------------------------------------------------------------------------------


def test_blocks_find_the_frame_of_a_resolution():
    framed = blocks.find_blocks(decode.decode(TEXT_78_171))
    lines_ = framed.lines
    assert (framed.symbol, framed.body, framed.session, framed.number, framed.title) == (
        "A/RES/78/171", Body.GENERAL_ASSEMBLY, "78", "171", "Persons with albinism"
    )
    assert lines_[framed.title_at].strip() == "78/171. Persons with albinism"
    assert (framed.opening, lines_[framed.body_lines.start].startswith("Reaffirming the Universal Declaration")) == (
        "The General Assembly,", False
    )
    assert any(lines_[i].startswith("Reaffirming the Universal Declaration") for i in framed.body_lines[:3])
    assert framed.closing == ("50th plenary meeting", "19 December 2023")
    assert framed.annex == range(len(lines_), len(lines_))
    assert "Agenda item 24" in framed.masthead


def test_blocks_of_a_chinese_council_resolution_put_the_date_before_the_meeting():
    framed = blocks.find_blocks(decode.decode(TEXT_45_32))
    assert (framed.symbol, framed.body, framed.opening) == ("A/HRC/RES/45/32", Body.HUMAN_RIGHTS_COUNCIL, "人权理事会，")
    assert framed.closing == ("2020 年 10 月 7 日", "第 38 次会议", "[未经表决获得通过。]")


# -- furniture, footnotes, lines -----------------------------------------------------------------------------


def test_furniture_is_the_page_headers_and_footers_and_nothing_else():
    found = furniture.find_furniture(blocks.find_blocks(decode.decode(TEXT_78_171)))
    dropped = sorted({found.blocks.lines[i].strip() for i in found.dropped})
    assert dropped == ["2/4", "23-25972", "3/4", "4/4", "A/RES/78/171", "Persons with albinism"]
    anchors = [i for i in sorted(found.dropped) if found.blocks.lines[i].strip() != "Persons with albinism"]
    assert found.page_ends == tuple(anchors)


def test_footnotes_are_lifted_with_their_numbers_and_whole_texts():
    lifted = footnotes.lift_footnotes(furniture.find_furniture(blocks.find_blocks(decode.decode(TEXT_78_171))))
    assert [note.number for note in lifted.notes] == list(range(1, 19))
    assert lifted.notes[7].text == (
        "Report of the World Summit for Social Development, Copenhagen, 6–12 March 1995 (United Nations publication, "
        "Sales No. E.96.IV.8), chap. I, resolution 1, annexes I and II."
    )
    assert not lifted.taken & lifted.furniture.dropped


def test_running_lines_mark_block_starts_and_the_breaks_before_them():
    running = lines.running_lines(footnotes.lift_footnotes(furniture.find_furniture(blocks.find_blocks(decode.decode(TEXT_78_171)))))
    texts = [line.text for line in running.body]
    assert texts[0].startswith("Reaffirming the Universal Declaration") and running.body[0].block_start
    assert not running.body[1].block_start
    # "Recalling also Human Rights Council resolutions 23/13 …" opens page 2, after a footnote block and furniture.
    page_two = next(line for line in running.body if line.text.startswith("Recalling also Human Rights Council"))
    assert page_two.after_break and page_two.block_start
    assert not any(text.strip() in ("2/4", "A/RES/78/171", "Persons with albinism") for text in texts)


def test_chinese_lines_start_blocks_at_their_indent():
    running = lines.running_lines(footnotes.lift_footnotes(furniture.find_furniture(blocks.find_blocks(decode.decode(TEXT_45_32)))))
    starts = [line.text.strip()[:6] for line in running.body if line.block_start][:4]
    assert starts == ["遵循《联合国", "回顾维护人人", "确认在技术合", "铭记大会 2"]


# -- paragraphs, metadata, citations -------------------------------------------------------------------------


def test_paragraphs_are_cut_numbered_and_their_markers_placed():
    cut = paragraphs.cut_paragraphs(
        lines.running_lines(footnotes.lift_footnotes(furniture.find_furniture(blocks.find_blocks(decode.decode(TEXT_78_171)))))
    )
    kinds = [(p.kind, p.number) for p in cut.paragraphs]
    assert kinds == [(Kind.PREAMBULAR, n) for n in range(1, 19)] + [(Kind.OPERATIVE, n) for n in range(1, 13)]
    first = cut.paragraphs[0]
    assert [(m.number, first.text[: m.offset][-16:]) for m in first.markers][:3] == [
        (1, "n of Human Rights,"[-16:]), (2, "and Political Rights,"[-16:]), (3, "and Cultural Rights,"[-16:])
    ]
    assert cut.warnings == ()


def test_a_text_without_operative_paragraphs_stops_at_the_paragraphs_stage_with_the_opening_line():
    text = "78/171. Persons with albinism\n\nThe General Assembly,\n\nRecalling everything,\n"
    running = lines.running_lines(footnotes.lift_footnotes(furniture.find_furniture(blocks.find_blocks(decode.decode(text)))))
    with pytest.raises(ParseError) as info:
        paragraphs.cut_paragraphs(running)
    assert (info.value.line, info.value.excerpt) == (3, "The General Assembly,")


def test_metadata_reads_the_masthead_and_the_closing_lines():
    read = stages_of(TEXT_45_32)[-1]
    assert (read.agenda_item, read.meeting, read.meeting_number, read.adoption) == (
        "10 技术援助和能力建设", "第 38 次会议", 38, Adoption.WITHOUT_VOTE
    )
    assert read.adopted_on.isoformat() == "2020-10-07"
    english = stages_of(TEXT_78_171)[-1]
    assert (english.committee_report, english.job_number, english.agenda_item) == ("A/78/472", "23-25972", "24 Social development")


def test_citations_give_each_paragraph_its_references():
    parsed = citations.cite(stages_of(TEXT_45_32)[-1])
    pp4 = parsed.paragraphs[3]
    assert [(r.symbol, pp4.text[r.start : r.end]) for r in pp4.references] == [
        ("A/RES/60/251", "第 60/251 号决议"), ("A/HRC/RES/5/1", "第 5/1 号"), ("A/HRC/RES/5/2", "第 5/2 号决议"),
        ("A/HRC/RES/16/21", "第 16/21 号决议"),
    ]


# -- the time limit ------------------------------------------------------------------------------------------


def test_a_parse_past_its_deadline_is_refused_with_the_limit_named():
    with pytest.raises(ParseTimeout) as info:
        parse_resolution(TEXT_78_171, deadline=Deadline(time.monotonic() - 1, 30))
    assert info.value.message == "Parsing took longer than the 30 s limit."
    assert isinstance(info.value, ParseError)


def test_the_deadline_is_looked_at_inside_the_stages_not_only_before_them():
    # A long text whose decoding fits the limit: the later stages still stop once it has passed.
    text = "78/999. Title\n\nThe General Assembly,\n\nRecalling,\n\n" + "".join(f"{k}. Decides;\n" for k in range(1, 40000))
    decoded = decode.decode(text, deadline=Deadline.after(60))
    late = dataclasses.replace(decoded, deadline=Deadline(time.monotonic() - 1, 5))
    with pytest.raises(ParseTimeout):
        furniture.find_furniture(blocks.find_blocks(late))


# -- the shape of the package --------------------------------------------------------------------------------

STAGE_ORDER = ["decode", "blocks", "furniture", "footnotes", "lines", "markers", "paragraphs", "metadata", "citations"]


def imports_of(path: Path) -> set[str]:
    """The modules of resolutions.parsing that `path` imports, as dotted names relative to the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PARSING).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            target = base + (node.module.split(".") if node.module else [])
            if node.module is None:
                found |= {".".join(target + [alias.name]) for alias in node.names}
            else:
                found.add(".".join(target))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            assert not any(name and name.split(".")[0] == "django" for name in names), f"{path} imports Django"
    return found


def test_parsing_modules_import_each_other_without_a_cycle_and_stages_only_look_back():
    modules = {".".join(p.relative_to(PARSING).with_suffix("").parts): p for p in PARSING.rglob("*.py")}
    graph = {name.removesuffix(".__init__"): {i.removesuffix(".__init__") for i in imports_of(path)} for name, path in modules.items()}
    known = set(graph)
    graph = {name: {i for i in deps if i in known} - {name} for name, deps in graph.items()}
    visiting, done = set(), set()

    def visit(name, trail):
        assert name not in visiting, "import cycle: " + " -> ".join(trail + [name])
        if name in done:
            return
        visiting.add(name)
        for dep in sorted(graph[name]):
            visit(dep, trail + [name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    for k, stage in enumerate(STAGE_ORDER):
        later = {f"stages.{s}" for s in STAGE_ORDER[k + 1 :]}
        assert not graph[f"stages.{stage}"] & later, stage
    assert not any(dep.startswith("stages") for name, deps in graph.items() if name.startswith("languages") for dep in deps)


def test_each_rule_set_fills_in_the_whole_interface():
    from resolutions.parsing.languages import RULE_SETS
    from resolutions.parsing.languages.base import NEVER_RE, LanguageRules

    assert set(RULE_SETS) == {"zh", "en"}
    for rules in RULE_SETS.values():
        assert type(rules).is_marker is not LanguageRules.is_marker, rules.code
        for name in ("opening_re", "meeting_re", "date_re", "annex_heading_re", "agenda_re", "committee_report_re"):
            assert getattr(rules, name) is not NEVER_RE, (rules.code, name)
        assert set(rules.body_titles) == set(Body)
        assert rules_for(rules.code) is rules
