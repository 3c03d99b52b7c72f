"""Footnote markers in running text, for stage 6 (paragraphs): where footnote n's marker sits in a line.

Footnotes are cited in order, so the marker looked for is the next footnote's (a marker the text lost does not
stall the sequence: once a footnote's definition is behind the line, the one after it is due). A number is
that marker when the language's rules say so from the words around it (rules.is_marker); glued to a number it
cannot belong to ("77/2285" is 77/228 and footnote 5, "201814" is 2018 and 14); or, for a footnote printed on
the same page, by the language's looser rules (rules.is_loose_marker) unless the strict rules find it further
down the page.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from .. import text as t
from .lines import Lines

# How much text on either side of a number the marker rules read (they read a word or two): the cost per
# number stays constant however long the line.
CONTEXT = 120
# More lines than any printed page holds: how far below a line a stricter marker is looked for.
PAGE_LINES = 120
BLANK_TO_END_RE = re.compile(r"\s*$")
# A short word ending a line after a number ("aged 15 to"): the next line may carry the number on.
SHORT_TAIL_RE = re.compile(r"\s+[a-z–-]{1,3}\s*")
LATIN_LETTER_RE = re.compile(r"[A-Za-z]")
LATIN_OR_DIGIT_RE = re.compile(r"[A-Za-z0-9]")
# A number glued after a closing title quote (》 or 》)): where a footnote cited again is marked.
REPEATED_MARKER_RE = re.compile(r"》[)）]?(?P<n>\d{1,3})(?!\d)")
# A year and a comma just before a number, and a resolution's session/number glued after it: "2015,1337/5".
YEAR_COMMA_RE = re.compile(r"(?<!\d)\d{4},$")
SESSION_NUMBER_AFTER_RE = re.compile(r"\d{1,3}/\d{1,4}(?!\d)")


@lru_cache(maxsize=1024)
def number_pattern(n: int) -> re.Pattern:
    """Footnote number `n` standing alone, or glued after other digits (77/2285)."""
    digits = re.escape(str(n))
    return re.compile(rf"(?<!\d){digits}(?!\d)|\d+{digits}(?!\d)|(?<=\d{{4}},){digits}(?=\d{{1,3}}/\d)")


def around(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before `start` and after `end`, up to CONTEXT characters each."""
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def spaced_occurrences(raw: str, digits: str) -> list[bool]:
    """For each occurrence of `digits` standing alone in the extracted line, whether two spaces follow it."""
    return [
        raw[m.end() : m.end() + 2] == "  " and bool(raw[m.end() :].strip())
        for m in re.finditer(rf"(?<!\d){re.escape(digits)}(?!\d)", raw)
    ]


class MarkerFinder:
    """Takes the markers out of the lines of one document, in order. Private to the paragraphs stage: its one
    changing value is the number of the footnote due next (`due`)."""

    def __init__(self, lines: Lines) -> None:
        footnotes = lines.footnotes
        decoded = footnotes.furniture.blocks.decoded
        self.lines = decoded.lines
        self.rules = decoded.rules
        self.skipped = footnotes.skipped
        self.page_ends = footnotes.furniture.page_ends
        # Where each footnote is printed (the last definition of a number, as a text numbering afresh gives it).
        self.defined = {note.number: note.line for note in footnotes.notes}
        self.last_defined = max(self.defined, default=0)
        self.due = 1
        # The title quoted just before each footnote's first marker (《罗马规约》 -> 3): glued after the same
        # title again, that number is the same footnote cited again ("根据《罗马规约》3作了").
        self.titled: dict[str, int] = {}

    def take(self, text: str, index: int, *, same_page_only: bool = False) -> tuple[str, list[tuple[int, int]]]:
        """Line `index`'s `text` without its footnote markers, and (position, number) of each. `same_page_only`:
        only markers whose footnote is printed on this page (annexes, where article numbers abound)."""
        found: list[tuple[int, int]] = []
        own = self.rules.number_line_re.match(text)
        if own:
            n = int(own["n"])
            if same_page_only and not (n in self.defined and self.on_same_page(index, self.defined[n])):
                return text, []
            if n in self.defined and n <= self.due:
                if n == self.due:
                    self.due += 1
                    self._remember_title(self._previous_line(index), n)
                return "", [(0, n)]
            return text, []
        position = 0
        while True:
            # A marker the text lost (or that sits where no rule finds it) must not stall the sequence:
            # once its footnote's definition is behind us, look for the next one.
            while self.due <= self.last_defined and (self.due not in self.defined or self.defined[self.due] < index):
                self.due += 1
            n = self.due
            if n not in self.defined:
                break
            same_page = self.on_same_page(index, self.defined[n])
            if same_page_only and not same_page:
                break
            loose = same_page and self.rules.loose_markers
            match = self.find(text, n, position, raw=self.lines[index] if loose else None, line=index)
            if match is None:
                break
            start, end = match
            text = text[:start] + text[end:]
            if text[start - 1 : start] == " " and text[start : start + 1] in (" ", ""):
                text = text[: start - 1] + text[start:]
                start -= 1
            elif text[start - 1 : start] == " ":
                start -= 1
            elif (text[start - 1 : start] in ",;:)" or LATIN_OR_DIGIT_RE.match(text[start - 1 : start])) and (
                    LATIN_OR_DIGIT_RE.match(text[start : start + 1])):
                # "Agreement,38and" -> "Agreement, and"; "albinism11and" -> "albinism and"; "201814and" -> "2018 and";
                # "2015,1337/5" -> "2015, 37/5"; not "原则》)6是"
                text = text[:start] + " " + text[start:]
            found.append((start, n))
            self._remember_title(text[:start], n)
            position = start
            self.due += 1
        if self.titled and self.rules.quoted_title_re is not None:
            text, found = self._take_repeats(text, found)
        return text, found

    def _remember_title(self, before: str, n: int) -> None:
        if self.rules.quoted_title_re is None:
            return
        title = self._title_ending(before.rstrip())
        if title:
            self.titled.setdefault(title, n)

    def _title_ending(self, before: str) -> str:
        """The quoted title `before` ends with ("《罗马规约》"), "" when it ends otherwise."""
        start = before.rfind("《", max(0, len(before) - CONTEXT))
        match = self.rules.quoted_title_re.fullmatch(before, start) if start >= 0 else None
        return match.group().rstrip(")）") if match else ""

    def _take_repeats(self, text: str, found: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
        """Markers of footnotes already cited, glued after the title their first marker followed."""
        for match in reversed(list(REPEATED_MARKER_RE.finditer(text))):
            start, end = match.span("n")
            n = int(match["n"])
            if n >= self.due or self.titled.get(self._title_ending(text[:start])) != n:
                continue
            if not self.rules.is_marker(*around(text, start, end)):
                continue
            text = text[:start] + text[end:]
            found = [(s - (end - start) if s > start else s, m) for s, m in found] + [(start, n)]
        return text, sorted(found)

    def _previous_line(self, index: int) -> str:
        """The running-text line before line `index`, "" when there is none near."""
        for j in range(index - 1, max(-1, index - 6), -1):
            if j not in self.skipped and self.lines[j].strip():
                return t.squeeze_spaces(self.lines[j])
        return ""

    def on_same_page(self, index: int, footnote_line: int) -> bool:
        """No page ends between line `index` and the line defining the footnote: a marker and its footnote
        are printed on the same page."""
        return index <= footnote_line and bisect_right(self.page_ends, index) == bisect_right(self.page_ends, footnote_line)

    def find(self, text: str, n: int, position: int, raw: str | None = None, line: int = 0) -> tuple[int, int] | None:
        """Where footnote `n`'s marker sits in `text` after `position`. `raw` (line `line` as extracted) is given
        when footnote n is printed on this page: then the looser rules apply, unless the strict rules find the
        marker further down the page."""
        digits = str(n)
        candidates = []
        for match in number_pattern(n).finditer(text, position):
            candidates.append(match)
            start, end = match.span()
            if match.group() != digits:
                span = glued_to_number(text, start, end, digits)
                if span:
                    return span
                continue
            if YEAR_COMMA_RE.search(text, 0, start) and SESSION_NUMBER_AFTER_RE.match(text, end):
                return start, end  # "of 26 March 2015,1337/5 of": the marker glued to the next resolution cited
            if self.rules.is_marker(*around(text, start, end)) and not self._number_goes_on_below(text, end, line):
                return start, end
        if raw is None or not candidates:
            return None
        span = self._loose(text, digits, candidates, raw, line)
        if span is None or self._strict_below(n, line):
            return None
        return span

    def _loose(self, text: str, digits: str, candidates: list[re.Match], raw: str, line: int) -> tuple[int, int] | None:
        """The first of `candidates` the loose rules accept, or None."""
        for match in candidates:
            if match.group() != digits:
                span = glued_to_number(text, match.start(), match.end(), digits, loose=True)
                if span:
                    return span
        following = t.squeeze_spaces(self._next_line(line, self.defined[int(digits)]))
        spaced = spaced_occurrences(raw, digits)
        alone = [m for m in candidates if m.group() == digits]
        for k, match in enumerate(alone):
            start, end = match.span()
            from_end = len(alone) - k
            evidence = len(spaced) >= from_end and spaced[-from_end]
            before, after = around(text, start, end)
            if len(after) < CONTEXT:
                after += " " + following
            if self.rules.is_loose_marker(before, after, spaced=evidence):
                return start, end
        return None

    def _next_line(self, line: int, stop: int | None = None) -> str:
        """The next line of running text after `line` (before `stop`), "" when there is none."""
        stop = len(self.lines) if stop is None else stop
        return next((self.lines[j] for j in range(line + 1, stop) if j not in self.skipped and self.lines[j].strip()), "")

    def _number_goes_on_below(self, text: str, end: int, line: int) -> bool:
        """A number at the end of line `line`, or before a short word ending it, that the next line carries on
        ("girls aged 15" then "to 19"; "girls aged 15 to" then "19 in")."""
        if not line:
            return False
        if BLANK_TO_END_RE.match(text, end):
            return self.rules.number_goes_on(self._next_line(line))
        tail = SHORT_TAIL_RE.fullmatch(text, end)
        return bool(tail) and self.rules.number_goes_on(tail.group().strip() + " " + self._next_line(line).strip())

    def _strict_below(self, n: int, line: int) -> bool:
        """Whether the strict rules find footnote `n`'s marker on a running-text line after `line` and before
        the footnote itself: then that is the marker, not a looser candidate here."""
        for j in range(line + 1, min(self.defined[n], line + 1 + PAGE_LINES)):
            if j not in self.skipped and self.lines[j].strip() and self.find(t.squeeze_spaces(self.lines[j]), n, 0):
                return True
        return False


def glued_to_number(text: str, start: int, end: int, digits: str, *, loose: bool = False) -> tuple[int, int] | None:
    """'201814' (2018 + 14), '77/2285' (77/228 + 5): a marker glued to a number it cannot belong to.
    `loose` (the footnote is printed on this page): also a special session's resolution, which are few
    ('S-35/16' is S-35/1 + 6)."""
    token = text[start:end]
    head = token[: -len(digits)]
    before = text[max(0, start - 12) : start]
    after = text[end : end + 1]
    word_after = bool(LATIN_LETTER_RE.match(after)) and after.islower()
    if after and after not in " ,;:.)\n" and not word_after:
        return None
    if re.search(r"\d/$", before):  # session/number + marker: 77/2285
        if word_after:
            return None
        number = int(token)
        if number > 400 and len(head) >= 1 and int(head) <= 400:
            return end - len(digits), end
        if loose and re.search(r"(?<![\w-])S-\d{1,2}/$", before) and len(head) == 1 and head != "0":
            return end - len(digits), end
        return None
    if len(head) == 4 and head[:2] in ("19", "20") and not re.search(r"[\d/.-]$", before):
        return end - len(digits), end  # a year + marker: 201814, "201814and"
    return None
