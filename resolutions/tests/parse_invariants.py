"""What must hold of every parse, whatever the text: checked on the real texts and on generated ones.

- No body text lost or duplicated: the characters of the body's lines (after the opening formula; page furniture
  and the footnote rule excepted) are exactly those of the paragraphs, headings and footnotes, plus the numbers
  the parser took out of the text (operative numbers, item letters, footnote numbers and markers).
- Markers balanced: every marker cites a footnote of the text, every footnote is cited, or a warning says not.
- Operative numbering runs 1 … N, or a warning says where it jumps.
"""
from __future__ import annotations

import re
from collections import Counter

from resolutions.parsing import Kind, ParsedResolution
from resolutions.parsing import text as t
from resolutions.parsing.stages import blocks, decode, footnotes, furniture

# What the numbering the parser takes out of the text is printed with, besides its digits and letters.
NUMBERING_MARKS = set(".．()（）")


def characters(text) -> Counter:
    return Counter(c for c in text if not c.isspace())


def body_characters(text: str) -> Counter:
    """The characters of the body lines of `text` as the parser's stages see them, furniture left out."""
    decoded = decode.decode(text)
    framed = blocks.find_blocks(decoded)
    found = furniture.find_furniture(framed)
    lifted = footnotes.lift_footnotes(found)
    rules = decoded.rules
    counted = Counter()
    for i in found.scope:
        line = decoded.lines[i]
        if i in found.dropped or t.FOOTNOTE_RULE_RE.match(line) or i in framed.closing_lines and i not in lifted.taken:
            continue
        if i not in lifted.taken:
            line = rules.furniture_words_re.sub("", t.BARCODE_RE.sub("", line))
        counted += characters(line)
    return counted


def parsed_characters(parsed: ParsedResolution) -> tuple[Counter, Counter]:
    """The characters of what the parse kept, and those of the numbering it took out."""
    kept, numbering = Counter(), Counter()
    divisions = {}
    for p in parsed.paragraphs:
        kept += characters(p.text)
        if p.heading:
            kept += characters(p.heading.replace(".", "", 1))  # "I. Title": the parser adds the full stop
        for division in p.divisions:  # an annex's structure (Annex, Chapter II, Article 5 and their titles)
            divisions.setdefault(division.eid, division)
        if p.num:
            numbering += characters(c for c in p.num if c.isalnum())  # as printed: "2.", "(e)" (its marks are
            #                                                            among NUMBERING_MARKS)
        elif p.item:
            numbering += characters(p.item)
        elif p.kind == Kind.OPERATIVE:
            numbering += characters(str(p.number))
        for marker in p.footnotes:
            numbering += characters(str(marker.number))
    for division in divisions.values():
        kept += characters(division.num) + characters(division.heading)
    for note in parsed.footnotes:
        kept += characters(note.text)
        numbering += characters(str(note.number))
    return kept, numbering


def text_kept(text: str, parsed: ParsedResolution) -> list[str]:
    """What breaks the first invariant, in words; [] when nothing does."""
    given = body_characters(text)
    kept, numbering = parsed_characters(parsed)
    problems = []
    added = kept - given
    if added:
        problems.append(f"characters in the parse that the body does not have: {''.join(sorted(added.elements()))[:200]!r}")
    missing = given - kept
    numbers_missing = Counter({c: n for c, n in missing.items() if c.isalnum()})
    marks_missing = Counter({c: n for c, n in missing.items() if not c.isalnum()})
    operatives = [p for p in parsed.paragraphs if p.kind == Kind.OPERATIVE]
    if len(operatives) == 1 and numbering - numbers_missing == Counter("1"):
        numbering -= Counter("1")  # a resolution with one operative paragraph prints it unnumbered
    if numbers_missing != numbering:
        lost = numbers_missing - numbering
        extra = numbering - numbers_missing
        problems.append(f"letters or digits lost: {''.join(sorted(lost.elements()))[:200]!r}; "
                        f"numbering not in the text: {''.join(sorted(extra.elements()))[:80]!r}")
    if set(marks_missing) - NUMBERING_MARKS:
        lost = "".join(sorted((marks_missing - Counter({c: marks_missing[c] for c in NUMBERING_MARKS})).elements()))
        problems.append(f"punctuation lost: {lost[:200]!r}")
    return problems


def markers_balanced(parsed: ParsedResolution) -> list[str]:
    numbers = {note.number for note in parsed.footnotes}
    cited = {m.number for p in parsed.paragraphs for m in p.footnotes}
    problems = [f"marker {n} cites no footnote" for n in sorted(cited - numbers)]
    for n in sorted(numbers - cited):
        if not any(re.match(rf"footnote {n} is not cited\b", w) for w in parsed.warnings):
            problems.append(f"footnote {n} is cited nowhere and no warning says so")
    return problems


def numbering_runs(parsed: ParsedResolution) -> list[str]:
    numbers = [p.number for p in parsed.paragraphs if p.kind == Kind.OPERATIVE and not p.item]
    if numbers == list(range(1, len(numbers) + 1)):
        return []
    if any("operative numbering jumps" in w for w in parsed.warnings):
        return []
    return [f"operative numbers {numbers} without a warning"]


def invariants(text: str, parsed: ParsedResolution) -> list[str]:
    """Everything that breaks an invariant of the parse of `text`; [] when all hold."""
    if parsed.warnings and any(w.startswith("parsed as a declaration") for w in parsed.warnings):
        return markers_balanced(parsed)
    return text_kept(text, parsed) + markers_balanced(parsed) + numbering_runs(parsed)
