"""Stage 3, page furniture: which lines are the pages' headers and footers, and where pages end.

Anchors are the lines only furniture prints: the symbol, a page number of the document's page count, a job
number, a barcode, the recycling note; around each anchor, lines of the running title (a line of the title,
or a line repeated near two anchors) are furniture too.
"""
from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass

from .. import text as t
from .blocks import Blocks

# A page number with the job number beside it, either order: "2/6 23-26006", "23-26006 3/6".
PAGE_AND_JOB_RE = re.compile(r"(?:(?P<a>\d{1,3}/\d{1,3})\s+\d{2}-\d{5}|\d{2}-\d{5}\s+(?P<b>\d{1,3}/\d{1,3}))")
# A Geneva job number, printed at the top of a page beside the symbol or the page number, either order:
# "GE.20-13056(C)", "2 GE.20-13056(C)", "GE.24-24147(E) A/RES/79/155".
GENEVA_JOB_RE = re.compile(r"GE\.\d{2}-\d{5}(?:\s*\([A-Z]\))?")
# A resolution symbol alone, of any resolution: a running header.
SYMBOL_ALONE_RE = re.compile(r"[AES]/(?:[A-Z][\w.]*/)*RES/\d+/\d+")
# How many lines on either side of an anchor the running title may take, and how near two repeats must be.
RUNNING_REACH = 5
# A repeated line shorter than this is no running title ("1.", "(a)").
RUNNING_MIN = 4
CLAUSE_ENDS = ".,;:。，；："


@dataclass(frozen=True)
class Furniture:
    blocks: Blocks
    dropped: frozenset[int]  # furniture lines
    page_ends: tuple[int, ...]  # sorted: the anchors' lines and the first line of each page after a form feed
    scope: tuple[int, ...]  # the lines furniture and footnotes are looked for in: body, tail and annex


def page_total(lines) -> int:
    """The document's page count, when its furniture prints at least two page numbers of one total (2/6 and
    3/6, alone or beside the job number): then "19/25" alone on a line is a resolution number, not a page."""
    pages: dict[int, set[int]] = {}
    for line in lines:
        s = t.squeeze_spaces(line)
        both = PAGE_AND_JOB_RE.fullmatch(s)
        match = t.PAGE_NUMBER_RE.match(both["a"] or both["b"]) if both else t.PAGE_NUMBER_RE.match(s)
        if match and int(match["page"]) <= int(match["pages"]):
            pages.setdefault(int(match["pages"]), set()).add(int(match["page"]))
    pages = {total: seen for total, seen in pages.items() if len(seen) > 1}
    return max(pages, key=lambda total: (len(pages[total]), -total), default=0)


class _Reader:
    """The judgements of this stage over one document (constants only: nothing here changes once made)."""

    def __init__(self, blocks: Blocks, scope: list[int]) -> None:
        self.lines = blocks.lines
        self.rules = blocks.decoded.rules
        self.symbol = blocks.symbol
        self.title = blocks.title
        self.page_total = page_total(self.lines[i] for i in scope)
        self.page_starts = blocks.decoded.page_starts
        self.geneva_anchors = sum(1 for i in scope if GENEVA_JOB_RE.search(self.lines[i]))

    def is_anchor(self, line: str) -> bool:
        """A header or footer line: the symbol, a page number, a job number, a barcode."""
        s = t.squeeze_spaces(self.rules.furniture_words_re.sub("", t.BARCODE_RE.sub("", line)))
        if not s:
            return bool(line.strip()) and line.strip() != s
        if t.PAGE_NUMBER_RE.match(s) or t.JOB_NUMBER_RE.match(s):
            page = t.PAGE_NUMBER_RE.match(s)
            if not page:
                return True
            # Without a page count to compare (one page number printed in all), any page of a plausible total.
            total = self.page_total or int(page["pages"])
            return int(page["page"]) <= int(page["pages"]) == total
        if PAGE_AND_JOB_RE.fullmatch(s):
            return True
        if GENEVA_JOB_RE.search(s):
            rest = GENEVA_JOB_RE.sub(" ", s).split()
            return all(word.isdigit() and len(word) <= 3 or self.is_symbol(word) for word in rest)
        if self.symbol and (s == self.symbol or s.startswith(self.symbol + " ") or s.endswith(" " + self.symbol)):
            return True
        return bool(SYMBOL_ALONE_RE.fullmatch(s))

    def is_symbol(self, word: str) -> bool:
        return word == self.symbol or bool(SYMBOL_ALONE_RE.fullmatch(word))

    def is_geneva_page_number(self, line: str, at: int, anchor: str) -> bool:
        """A page number alone on line `at`, beside a Geneva job number (`anchor`'s line): the number of the page
        it is on (told by the form feeds), or without form feeds one of the pages the job numbers count."""
        s = line.strip()
        if not (s.isdigit() and len(s) <= 3 and GENEVA_JOB_RE.search(anchor)):
            return False
        if self.page_starts:
            return int(s) == bisect_right(self.page_starts, at) + 1
        return 1 <= int(s) <= self.geneva_anchors + 1

    def is_title_like(self, line: str, running: set[str]) -> bool:
        s = t.squeeze_spaces(line)
        rules = self.rules
        if not s or rules.operative_number_re.match(s) or rules.item_re.match(s) or rules.number_line_re.match(s):
            return False
        return s in self.title or s in running


def find_furniture(blocks: Blocks) -> Furniture:
    scope = [*blocks.body_lines, *blocks.tail, *blocks.annex]  # footnotes may follow the closing lines
    reader = _Reader(blocks, scope)
    lines = blocks.lines
    ticking = blocks.decoded.deadline.ticking
    anchors = [i for i in ticking(scope) if reader.is_anchor(lines[i])]
    position = {i: k for k, i in enumerate(scope)}
    near: dict[str, int] = {}
    around = {j for a in anchors for j in scope[max(0, position[a] - RUNNING_REACH) : position[a] + RUNNING_REACH + 1]}
    for j in around:
        s = t.squeeze_spaces(lines[j])
        if s:
            near[s] = near.get(s, 0) + 1
    # A running title ends without punctuation: a repeated line ending a sentence or clause near two page ends is
    # text (79/155's "resolution 1, annex II." closes two footnotes printed at page feet).
    running = {s for s, count in near.items() if count >= 2 and len(s) >= RUNNING_MIN and s[-1] not in CLAUSE_ENDS}
    dropped: set[int] = set(anchors)
    for a in ticking(anchors):
        k = position[a]
        for step in (-1, 1):
            j = k + step
            seen = 0
            while 0 <= j < len(scope) and seen < RUNNING_REACH:
                line = lines[scope[j]]
                if not line.strip() or scope[j] in dropped:
                    j += step
                    continue
                if (reader.is_anchor(line) or reader.is_title_like(line, running)
                        or reader.is_geneva_page_number(line, scope[j], lines[a])):
                    dropped.add(scope[j])
                    seen += 1
                    j += step
                    continue
                break
    page_ends = list(anchors)
    for start in blocks.decoded.page_starts:
        insort(page_ends, start)
    return Furniture(blocks=blocks, dropped=frozenset(dropped), page_ends=tuple(page_ends), scope=tuple(scope))
