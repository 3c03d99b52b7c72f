"""The invariants of every parse (tests/parse_invariants.py) on the real texts, and on real texts damaged the way
extractions damage them: no body text lost or duplicated, markers balanced, operative numbering 1 … N, each or a
warning saying which paragraph or footnote is doubtful."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from resolutions.parsing import Kind, ParseError, parse_resolution

from .conftest import DATA
from .parse_invariants import invariants
from .test_fuzz import bounded

REPOSITORY = Path(__file__).resolve().parents[2]
REAL_TEXTS = sorted(
    [*DATA.glob("*.txt"), *(REPOSITORY / "sample_data").glob("*.txt"),
     *(REPOSITORY / "resolutions" / "tests" / "corpus" / "en").glob("*.txt")],
    key=lambda path: (path.parent.name, path.name),
)
ENGLISH = ("A_RES_78_171.txt", "A_RES_79_155.txt", "A_RES_79_160.txt", "A_RES_78_220.txt", "A_RES_78_209.txt")
BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")


def test_the_real_texts_are_many_and_in_both_languages():
    names = {path.name for path in REAL_TEXTS}
    assert len(REAL_TEXTS) >= 130 and {"A_HRC_RES_45_32.txt", "A_RES_67_161.txt"} <= names


@pytest.mark.parametrize("path", REAL_TEXTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_real_text_keeps_its_body_balances_its_markers_and_numbers_1_to_n(path):
    text = path.read_text(encoding="utf-8")
    assert invariants(text, parse_resolution(text, source_name=path.name)) == []


def blocks_of(text: str) -> list[str]:
    return BLANK_LINE_RE.split(text)


def operative_line(lines: list[str], number: int) -> int | None:
    """The line operative paragraph `number` starts at ("12." alone or "12. Urges …"), None when not found."""
    pattern = re.compile(rf"^\s*{number}\.(?:\s|$)")
    return next((i for i, line in enumerate(lines) if pattern.match(line)), None)


@given(name=st.sampled_from(ENGLISH), data=st.data())
@bounded(examples=12, deadline_seconds=20)
def test_an_operative_paragraph_lost_from_a_real_text_leaves_a_warning_not_a_silent_renumbering(name, data):
    text = (DATA / name).read_text(encoding="utf-8")
    lines = text.split("\n")
    count = len(parse_resolution(text, source_name=name).paragraphs_of(Kind.OPERATIVE))
    number = data.draw(st.integers(min_value=2, max_value=count - 2), label="operative paragraph lost")
    first, after = operative_line(lines, number), operative_line(lines, number + 1)
    assume(first is not None and after is not None and first < after)
    assume(not any("_____" in line for line in lines[first:after]))  # the paragraph alone, not a footnote block
    damaged = "\n".join(lines[:first] + lines[after:])
    parsed = parse_resolution(damaged, source_name=name)
    assert invariants(damaged, parsed) == []
    assert f"operative numbering jumps from {number - 1} to {number + 1}" in parsed.warnings


@given(name=st.sampled_from(ENGLISH), data=st.data())
@bounded(examples=12, deadline_seconds=20)
def test_any_preambular_or_operative_block_lost_keeps_every_other_character_once(name, data):
    text = (DATA / name).read_text(encoding="utf-8")
    blocks = blocks_of(text)
    body = [k for k, block in enumerate(blocks) if len(block) > 80 and "____" not in block]
    lost = data.draw(st.sampled_from(body), label="block lost")
    damaged = "\n\n".join(block for k, block in enumerate(blocks) if k != lost)
    try:
        parsed = parse_resolution(damaged, source_name=name)
    except ParseError:
        return  # a block the document cannot do without (its only operative paragraph) was lost: refused, fine
    assert invariants(damaged, parsed) == []
