"""The truth a typeset document must parse back to: a test document parsed by today's parser, and the parts
a typesetter needs to print it again (masthead lines, title, paragraphs with their labels and footnote
markers, closing lines, footnotes).

Also the readable form in which two parses are compared (`rows`) and the diff shown when they differ.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from resolutions.parsing import Adoption, Kind, ParsedResolution, parse_resolution
from resolutions.parsing.sources import read_source

DATA = Path(__file__).resolve().parents[1] / "data"

# The numbered title line of a resolution: "45/32. 加强…", "78/171. Persons with albinism".
TITLE_LINE_RE = re.compile(r"^\s*\d{1,4}/\d{1,4}\s*[.．]\s*\S")
# The Universal Declaration's headings: "序言", "第一条" … "第三十条".
PREAMBLE_HEADING_RE = re.compile(r"^\s*序\s*言\s*$|^\s*Preamble\s*$")
ARTICLE_HEADING_RE = re.compile(r"^\s*(?:第[一二三四五六七八九十百]+条|Article\s+\d{1,3})\s*$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as it is to be printed, and as it must come back."""

    kind: Kind
    number: int
    item: str
    text: str
    markers: tuple[tuple[int, int], ...]  # (footnote number, offset in `text` after which it is printed)
    heading: str = ""  # a heading printed on its own line before it ("第一条")
    num: str = ""  # an article paragraph's number as printed ("1."), "" when it has none

    @property
    def label(self) -> str:
        """The number printed before the text: "1.", "(a)"; none for preambular paragraphs, and for an
        article's paragraph only the number it is printed with."""
        if self.kind == Kind.ARTICLE:
            return self.num
        if self.heading or self.kind == Kind.PREAMBULAR:
            return ""
        return f"({self.item})" if self.item else f"{self.number}."


@dataclass(frozen=True)
class Source:
    """A test document taken apart for typesetting, with its parse (the truth)."""

    name: str
    language: str
    symbol: str
    masthead: tuple[str, ...]  # the lines above the title, as printed
    intro: tuple[str, ...]  # paragraphs printed between the masthead and the first paragraph (the UDHR's note)
    title_line: str  # "45/32. 加强…"; the declaration's title is in its masthead
    opening: str  # "人权理事会，"; "" for the declaration
    paragraphs: tuple[Paragraph, ...]
    closing: tuple[str, ...]  # date, meeting, adoption
    footnotes: tuple[tuple[int, str], ...]
    parsed: ParsedResolution

    @property
    def footnote_text(self) -> dict[int, str]:
        return dict(self.footnotes)


def load_source(name: str) -> Source:
    """Parse resolutions/tests/data/`name` with today's reader and parser and take it apart."""
    text = read_source((DATA / name).read_bytes(), name)
    parsed = parse_resolution(text, source_name=name)
    lines = [line.strip() for line in text.replace("\f", "\n").split("\n")]
    paragraphs = tuple(
        Paragraph(p.kind, p.number, p.item, p.text, tuple((m.number, m.offset) for m in p.footnotes), num=p.num)
        for p in parsed.paragraphs
    )
    footnotes = tuple((f.number, f.text) for f in parsed.footnotes)
    if parsed.opening and any(TITLE_LINE_RE.match(line) for line in lines):
        title_at = next(i for i, line in enumerate(lines) if TITLE_LINE_RE.match(line))
        return Source(
            name=name,
            language=parsed.language,
            symbol=parsed.symbol,
            masthead=tuple(line for line in lines[:title_at] if line),
            intro=(),
            title_line=f"{parsed.session}/{parsed.number}. {parsed.title}",
            opening=parsed.opening,
            paragraphs=paragraphs,
            closing=closing_lines(parsed),
            footnotes=footnotes,
            parsed=parsed,
        )
    return _declaration(name, lines, parsed, paragraphs)


def _declaration(name: str, lines: list[str], parsed: ParsedResolution, paragraphs: tuple[Paragraph, ...]) -> Source:
    """The Universal Declaration: title lines, an introductory note, 序言, the preamble, thirty articles (each
    heading printed before the article's first paragraph)."""
    preamble_at = next(i for i, line in enumerate(lines) if PREAMBLE_HEADING_RE.match(line))
    head = [line for line in lines[:preamble_at] if line]
    masthead, note = head[:2], head[2:]
    headings = [line for line in lines[preamble_at:] if ARTICLE_HEADING_RE.match(line)]
    printed = []
    articles = iter(headings)
    previous_article = None
    for paragraph, parsed_paragraph in zip(paragraphs, parsed.paragraphs):
        if paragraph.kind == Kind.PREAMBULAR:
            heading = lines[preamble_at] if paragraph.number == 1 else ""
        else:
            article = parsed_paragraph.division.eid if parsed_paragraph.division else None
            heading = next(articles) if article != previous_article else ""
            previous_article = article
        printed.append(replace(paragraph, heading=heading))
    return Source(
        name=name,
        language=parsed.language,
        symbol=parsed.symbol,
        masthead=tuple(masthead),
        intro=("".join(note),) if note else (),
        title_line="",
        opening="",
        paragraphs=tuple(printed),
        closing=(),
        footnotes=(),
        parsed=parsed,
    )


def closing_lines(parsed: ParsedResolution) -> tuple[str, ...]:
    """The lines after the last paragraph: the date and meeting (in each language's order), the adoption."""
    day = parsed.adopted_on
    if parsed.language == "zh":
        lines = [f"{day.year} 年 {day.month} 月 {day.day} 日"] if day else []
        lines.append(parsed.meeting)
        if parsed.adoption == Adoption.WITHOUT_VOTE:
            lines.append("[未经表决获得通过。]")
        return tuple(lines)
    lines = [parsed.meeting]
    if day:
        lines.append(f"{day.day} {MONTHS[day.month - 1]} {day.year}")
    return tuple(lines)


# -- comparing parses ----------------------------------------------------------------------------

METADATA = ("symbol", "language", "body", "session", "number", "title", "opening", "adopted_on", "meeting",
            "meeting_number", "adoption", "votes_for", "votes_against", "votes_abstaining", "agenda_item",
            "committee_report", "job_number")


def rows(parsed: ParsedResolution, *, metadata: tuple[str, ...] = METADATA) -> list[str]:
    """A parse as readable lines: metadata, each paragraph (kind, number, text), its footnote markers and
    references, each footnote. Two parses are the same when these lines are."""
    out = [f"{name}: {getattr(parsed, name)}" for name in metadata]
    for p in parsed.paragraphs:
        out.append(f"{p.eid} {p.kind.value} {p.number}{'(' + p.item + ')' if p.item else ''}: {p.text}")
        if p.footnotes:
            out.append(f"{p.eid} footnotes " + ", ".join(f"{m.number}@{m.offset}" for m in p.footnotes))
        if p.references:
            out.append(f"{p.eid} references " + ", ".join(_reference(r) for r in p.references))
    for f in parsed.footnotes:
        out.append(f"footnote {f.number}: {f.text}")
        if f.references:
            out.append(f"footnote {f.number} references " + ", ".join(_reference(r) for r in f.references))
    return out


def _reference(reference) -> str:
    paragraphs = "/".join(str(n) for n in reference.paragraphs)
    return reference.symbol + (f" ¶{paragraphs}" if paragraphs else "")


def diff(expected: list[str], actual: list[str], name: str) -> str:
    """A unified diff of two parses' rows ("" when they are the same)."""
    return "\n".join(difflib.unified_diff(expected, actual, f"{name} expected", f"{name} parsed", lineterm="", n=1))
