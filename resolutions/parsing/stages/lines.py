"""Stage 5, lines: the running text, furniture and footnotes taken out, each line knowing whether a new block
starts at it (a blank line before it; in extractions that put a blank line after every line, its indent) and
whether a page break or a footnote block was removed just before it."""
from __future__ import annotations

from dataclasses import dataclass

from .. import text as t
from .footnotes import Footnotes

# In extractions with a blank line after every line, more than this share of the lines is blank.
BLANK_AFTER_EVERY_LINE = 0.35


@dataclass(frozen=True)
class Line:
    index: int  # 0-based line number in the decoded text
    text: str  # its leading spaces kept, the rest squeezed
    block_start: bool  # a new block begins here (blank line or indentation before it)
    after_break: bool = False  # a page break, furniture or a footnote block was removed just before it


@dataclass(frozen=True)
class Lines:
    footnotes: Footnotes
    body: tuple[Line, ...]
    annex: tuple[Line, ...]  # from the first annex heading on


def running_lines(footnotes: Footnotes) -> Lines:
    blocks = footnotes.furniture.blocks
    decoded = blocks.decoded
    lines = decoded.lines
    blank_share = 1 - sum(1 for line in lines if line.strip()) / max(1, len(lines))
    indented = decoded.rules.blank_line_after_every_line and blank_share > BLANK_AFTER_EVERY_LINE
    annex = blocks.annex
    return Lines(
        footnotes=footnotes,
        body=_stream(footnotes, blocks.body_lines, indented),
        annex=_stream(footnotes, annex, indented) if annex else (),  # from its heading on (instruments.py)
    )


def _stream(footnotes: Footnotes, indexes: range, indented: bool) -> tuple[Line, ...]:
    decoded = footnotes.furniture.blocks.decoded
    lines, rules = decoded.lines, decoded.rules
    skipped = footnotes.skipped
    page_starts = set(decoded.page_starts)
    out: list[Line] = []
    blank = True
    broken = False
    previous_marker = False
    for i in decoded.deadline.ticking(indexes):
        line = lines[i]
        if i in page_starts:
            broken = True
        if i in skipped:
            broken = True
            continue
        if not line.strip():
            blank = True
            continue
        clean = rules.furniture_words_re.sub("", t.BARCODE_RE.sub("", line))
        if not clean.strip():
            continue
        start = clean[:1].isspace() and not previous_marker if indented else blank
        lead = clean[: len(clean) - len(clean.lstrip())]
        out.append(Line(i, lead + t.squeeze_spaces(clean), start, broken))
        previous_marker = bool(rules.number_line_re.match(clean))
        blank = False
        broken = False
    return tuple(out)
