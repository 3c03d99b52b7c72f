"""The PDF reader's geometry: footnote areas, first-line indents, superscripts and page breaks, and the
project's own PDFs parsing exactly as they did before the reader was rebuilt on geometry.

The frozen parses in data/pdf_parses/ were written by the reader that read text rectangles only (commit
57ca36f), through the same parser; bench/sweep_readers.py makes the same comparison over any folder (the
whole English corpus: see README.md, "Reading PDFs and Word files")."""
from __future__ import annotations

from pathlib import Path

import pytest

from resolutions.parsing import parse_resolution
from resolutions.parsing.sources import read_source
from resolutions.tests.layouts.blocks import printed
from resolutions.tests.layouts.truth import diff, load_source, rows
from resolutions.tests.layouts.typeset_pdf import LETTER, PdfLayout, typeset

DATA = Path(__file__).parent / "data"
FROZEN = DATA / "pdf_parses"


@pytest.mark.parametrize("name", sorted(path.name[: -len(".txt")] for path in FROZEN.glob("*.pdf.txt")))
def test_the_project_pdfs_parse_as_before_the_geometry_reader(name):
    parsed = parse_resolution(read_source((DATA / name).read_bytes(), name), source_name=name)
    expected = (FROZEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    changes = diff(expected, rows(parsed), name)
    assert not changes, f"{name} parses differently from its frozen parse:\n{changes}"


def text_of(layout: PdfLayout, name: str = "A_HRC_RES_45_32.txt") -> str:
    source = load_source(name)
    return read_source(typeset(printed(source), layout, symbol=source.symbol), "layout.pdf")


def test_a_drawn_footnote_rule_comes_out_as_a_typed_one_before_the_footnote():
    text = text_of(PdfLayout(separator="drawn"))
    assert "_______________\n1 另见 A/HRC/44/37。" in text


def test_footnotes_without_any_rule_are_told_by_their_smaller_size_at_the_foot_of_the_page():
    text = text_of(PdfLayout(separator="none"))
    assert "_______________\n1 另见 A/HRC/44/37。" in text


def test_a_superscript_marker_stands_alone_on_its_line():
    text = text_of(PdfLayout(separator="drawn"))
    assert "必要性；\n1\n" in text


def test_a_superscript_footnote_number_in_the_footnote_area_opens_the_footnote_line():
    text = text_of(PdfLayout(separator="drawn", footnote_numbers="super"))
    assert "_______________\n1 另见 A/HRC/44/37。" in text


def test_paragraphs_shown_by_indent_only_are_separated_by_a_blank_line():
    text = text_of(PdfLayout(paragraphs="indent"))
    assert "基本自由，\n\n回顾维护人人受教育的人权" in text
    assert "\n\n又重申《仁川宣言：2030 年教育：实现包容公平的优质教育和全民终身学习》，\n\n" in text


def test_a_page_break_inside_a_sentence_after_a_comma_leaves_no_blank_line():
    text = text_of(PdfLayout(page=LETTER, break_after=("，",)))
    # The page ends after "基础，", its footnote and furniture follow, and the sentence goes on: no blank line.
    assert "基础，\n__________________\n1 另见 A/HRC/44/37。\nA/HRC/RES/45/32\n3/4\f介绍高专办" in text
    parsed = parse_resolution(text)
    truth = load_source("A_HRC_RES_45_32.txt").parsed
    assert [(p.eid, p.text) for p in parsed.paragraphs] == [(p.eid, p.text) for p in truth.paragraphs]


def test_pages_are_separated_by_a_form_feed_the_parser_reads_as_a_line_end():
    text = text_of(PdfLayout())
    assert text.count("\f") == 2  # three pages
