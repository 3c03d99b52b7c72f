"""The layout generator's documents parse back to their truth, one test per failure class of issue 12.

Each variant (tests/layouts/variants.py) is a test document typeset again: PDFs from reportlab and from
LibreOffice, Word files from python-docx. The truth is the document's own parse (paragraph texts, kinds,
numbers, footnote markers and the paragraph they sit in, footnotes, references, metadata); a failure shows
the difference as a diff. Variants whose class depends on the text parser's rules (classes 3, 4, 5, 7) are
marked `layout_text_rules`, so that they can be run alone (-m layout_text_rules); they run with the others.
"""
from __future__ import annotations

import pytest

from resolutions.parsing import parse_resolution
from resolutions.parsing.sources import read_source
from resolutions.tests.layouts.truth import METADATA, diff, rows
from resolutions.tests.layouts.variants import (
    VARIANTS,
    Variant,
    build,
    missing_tools,
    printed_of,
    source,
)

BY_NAME = {variant.name: variant for variant in VARIANTS}


@pytest.fixture(scope="session")
def layout_files(tmp_path_factory):
    """Every variant made once per test session (LibreOffice converts them all in one run)."""
    return build(VARIANTS, tmp_path_factory.mktemp("layouts"))


def cases(*classes: int, text_rules: bool | None = None):
    chosen = [v for v in VARIANTS if (not classes and not v.classes or set(classes) & set(v.classes))
              and (text_rules is None or v.text_rules == text_rules)]
    return [pytest.param(v, id=v.name, marks=[pytest.mark.layout_text_rules] if v.text_rules else []) for v in chosen]


def assert_parses_to_its_truth(variant: Variant, layout_files) -> None:
    reason = missing_tools(variant)
    if reason:
        pytest.skip(reason)
    path = layout_files[variant.name]
    expected = printed_of(variant).expected
    parsed = parse_resolution(read_source(path.read_bytes(), path.name), source_name=source(variant).name)
    metadata = METADATA
    if not expected.job_number and getattr(variant.layout, "job", ""):
        metadata = tuple(name for name in METADATA if name != "job_number")  # the layout prints a job number the text lacks
    changes = diff(rows(expected, metadata=metadata), rows(parsed, metadata=metadata), variant.name)
    if changes:
        pytest.fail(f"{variant.name} ({path.name}) does not parse to its truth:\n{changes}", pytrace=False)


def test_the_generator_typesets_both_languages_in_at_least_twenty_layouts():
    languages = {source(v).language for v in VARIANTS}
    paragraphs = sum(len(printed_of(v).expected.paragraphs) for v in VARIANTS)
    makers = {v.maker for v in VARIANTS}
    assert languages == {"zh", "en"}
    assert len(VARIANTS) >= 20 and paragraphs >= 300, (len(VARIANTS), paragraphs)
    assert makers == {"reportlab", "libreoffice", "docx"}
    assert {c for v in VARIANTS for c in v.classes} == {1, 2, 3, 4, 5, 6, 7}


def test_generation_is_deterministic(tmp_path):
    variant = BY_NAME["rl-zh-45_32-letter-drawn-rule-indent-only"]
    first = build((variant,), tmp_path / "a")[variant.name].read_bytes()
    second = build((variant,), tmp_path / "b")[variant.name].read_bytes()
    assert first == second


@pytest.mark.parametrize("variant", cases())
def test_layouts_without_a_failure_class_parse_to_their_truth(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(1))
def test_class1_footnotes_are_told_by_geometry_when_the_separator_is_drawn_or_missing(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(2))
def test_class2_a_first_line_indent_alone_starts_a_paragraph(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(3))
def test_class3_geneva_furniture_at_the_top_of_pages_is_dropped(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(4))
def test_class4_a_sentence_going_on_across_a_page_after_a_clause_stays_one_paragraph(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(5))
def test_class5_markers_glued_to_the_next_word_or_after_brackets_are_found(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(6))
def test_class6_word_footnotes_lists_headers_and_footers(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)


@pytest.mark.parametrize("variant", cases(7))
def test_class7_full_width_references_are_found(variant, layout_files):
    assert_parses_to_its_truth(variant, layout_files)
