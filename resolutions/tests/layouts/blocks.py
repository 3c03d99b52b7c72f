"""What a typesetter prints of a Source, in order: masthead lines, title, opening, paragraphs with their labels
and footnote markers, headings, closing lines, and the footnotes; plus the text changes some layouts make
(full-width digits in references, a marker glued to the next word) and the truth that follows from them."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from resolutions.parsing import Kind, ParsedResolution
from resolutions.parsing.document import FootnoteMarker

from .truth import Source

# A Chinese resolution reference as the seed texts print it: "第 60/251 号决议", "第 5/1 号和第 5/2 号决议".
ZH_REFERENCE_RE = re.compile(r"第 (\d{1,3}/\d{1,4}) 号")
# A "see also" footnote: "另见 A/HRC/44/37。" printed without its space: "另见A/HRC/44/37。".
SEE_ALSO_RE = re.compile(r"另见 (?=[A-Z])")
FULL_WIDTH = str.maketrans("0123456789/", "０１２３４５６７８９／")


@dataclass(frozen=True)
class Block:
    """One printed block. `role`: masthead, title, opening, intro, heading, paragraph, closing."""

    role: str
    text: str
    label: str = ""
    markers: tuple[tuple[int, int], ...] = ()  # (footnote number, offset in text)


@dataclass(frozen=True)
class Printed:
    """The blocks and footnotes a layout prints, and the parse it must give back."""

    blocks: tuple[Block, ...]
    footnotes: dict[int, str]
    expected: ParsedResolution


def printed(source: Source, *, full_width_references: bool = False, see_also_glued: bool = False) -> Printed:
    """What is printed of `source`; the text changes asked for are made in the truth too."""
    blocks = [Block("masthead", line) for line in source.masthead]
    blocks += [Block("intro", text) for text in source.intro]
    if source.title_line:
        blocks.append(Block("title", source.title_line))
    if source.opening:
        blocks.append(Block("opening", source.opening))
    parsed_paragraphs = []
    for paragraph, parsed in zip(source.paragraphs, source.parsed.paragraphs):
        text, markers = paragraph.text, paragraph.markers
        if full_width_references:
            text, markers = _full_width_references(text, markers)
        if paragraph.heading:
            blocks.append(Block("heading", paragraph.heading))
        if paragraph.kind == Kind.ARTICLE and paragraph.label:
            # An article's "1." is typed in its text as the Declaration prints it ("1. ㈠…"), never a list
            # number a word processor would run on across articles.
            shift = len(paragraph.label) + 1
            blocks.append(Block("paragraph", f"{paragraph.label} {text}", "", tuple((n, o + shift) for n, o in markers)))
        else:
            blocks.append(Block("paragraph", text, paragraph.label, markers))
        parsed_paragraphs.append(replace(parsed, text=text, footnotes=tuple(FootnoteMarker(n, o) for n, o in markers)))
    blocks += [Block("closing", line) for line in source.closing]
    footnotes = dict(source.footnotes)
    parsed_footnotes = []
    for footnote in source.parsed.footnotes:
        text = footnote.text
        if see_also_glued:
            text = SEE_ALSO_RE.sub("另见", text)
        footnotes[footnote.number] = text
        parsed_footnotes.append(replace(footnote, text=text))
    expected = replace(source.parsed, paragraphs=tuple(parsed_paragraphs), footnotes=tuple(parsed_footnotes))
    return Printed(tuple(blocks), footnotes, expected)


def _full_width_references(text: str, markers: tuple[tuple[int, int], ...]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """"第 67/161 号决议" -> "第６７／１６１号决议", the markers moved with the text they follow."""
    out: list[str] = []
    moved: list[int] = []  # new offset of every old offset
    position = 0
    for match in ZH_REFERENCE_RE.finditer(text):
        for index in range(position, match.start()):
            moved.append(len(out))
            out.append(text[index])
        start = len(out)
        replacement = "第" + match.group(1).translate(FULL_WIDTH) + "号"
        for index in range(match.start(), match.end()):
            moved.append(start + min(index - match.start(), len(replacement)))
        out.extend(replacement)
        position = match.end()
    for index in range(position, len(text)):
        moved.append(len(out))
        out.append(text[index])
    moved.append(len(out))
    return "".join(out), tuple((number, moved[offset]) for number, offset in markers)
