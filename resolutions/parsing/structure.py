"""From clean lines to a ParsedResolution: masthead, preamble, operative paragraphs, items, footnotes, closing."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from . import instruments
from . import text as t
from .document import (
    Adoption,
    Body,
    FootnoteMarker,
    Kind,
    ParsedFootnote,
    ParsedParagraph,
    ParsedResolution,
    ParseError,
)
from .declaration import looks_like_declaration, parse_declaration
from .references import find_references, resolution_symbol

# The numbered title line: "45/32. 加强人权领域的技术合作和能力建设", "78/171. Persons with albinism".
TITLE_RE = re.compile(r"^\s*(?P<session>\d{1,4})/(?P<number>\d{1,4})\s*[.．]\s*(?P<title>\S.*)$")
# The opening formula after the title: "The General Assembly,", "大会，", "人权理事会，".
OPENING_RE = re.compile(
    r"^\s*(?P<opening>(?:The\s+)?(?:General Assembly|Human Rights Council|Commission on Human Rights"
    r"|Economic and Social Council|Security Council)\s*,"
    r"|(?:大会|人权理事会|人权委员会|经济及社会理事会|安全理事会)\s*[，,])\s*$"
)
OPENING_BODIES = {
    "General Assembly": Body.GENERAL_ASSEMBLY,
    "大会": Body.GENERAL_ASSEMBLY,
    "Human Rights Council": Body.HUMAN_RIGHTS_COUNCIL,
    "人权理事会": Body.HUMAN_RIGHTS_COUNCIL,
    "Commission on Human Rights": Body.COMMISSION_ON_HUMAN_RIGHTS,
    "人权委员会": Body.COMMISSION_ON_HUMAN_RIGHTS,
    "Economic and Social Council": Body.ECOSOC,
    "经济及社会理事会": Body.ECOSOC,
    "Security Council": Body.SECURITY_COUNCIL,
    "安全理事会": Body.SECURITY_COUNCIL,
}
# An operative paragraph number opening a line: "1.", " 12. 决定", "10. Calls upon".
OPERATIVE_NUMBER_RE = re.compile(r"^\s*(?P<number>\d{1,3})\s*[.．](?=\s|$)\s*")
# A lettered item opening a line: "(a) ", "(b)", "（c）".
ITEM_RE = re.compile(r"^\s*[(（](?P<letter>[a-z]{1,2})[)）]\s*")
# An adoption date: "19 December 2023", "2020 年 10 月 7 日".
DATE_EN_RE = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>January|February|March|April|May|June|July|August|September|October"
    r"|November|December)\s+(?P<year>\d{4})\b"
)
DATE_ZH_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
MONTHS = "January February March April May June July August September October November December".split()
# The meeting on the closing lines: "50th plenary meeting", "第 60 次全体会议", "第 38 次会议".
MEETING_EN_RE = re.compile(
    r"^\s*(?P<meeting>(?P<number>\d{1,4})(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting)\s*$"
)
MEETING_ZH_RE = re.compile(r"^\s*(?P<meeting>第\s*(?P<number>\d{1,4})\s*次(?:全体)?会议)\s*$")
# How it was adopted, when the text says: "[未经表决获得通过。]", "Adopted without a vote.",
# "[by a recorded vote of 120 to 10, with 40 abstentions]", "以 120 票对 10 票、40 票弃权的记录表决通过".
WITHOUT_VOTE_RE = re.compile(r"未经表决获得通过|未经表决通过|adopted without a vote|without a vote", re.I)
RECORDED_VOTE_EN_RE = re.compile(
    r"(?:recorded\s+)?vote\s+of\s+(?P<yes>\d+)\s+to\s+(?P<no>\d+)(?:,?\s+with\s+(?P<abstain>\d+)\s+abstentions?)?", re.I
)
RECORDED_VOTE_ZH_RE = re.compile(r"以\s*(?P<yes>\d+)\s*票(?:赞成)?对\s*(?P<no>\d+)\s*票(?:反对)?[、，,]\s*(?P<abstain>\d+)\s*票弃权")
AGENDA_EN_RE = re.compile(r"^\s*Agenda items?\s+(?P<item>[\d\s(),a-z]+?)\s*$")
AGENDA_ZH_RE = re.compile(r"^\s*议程项目\s*(?P<item>[\d\s(),a-z和、]+?)\s*$")
COMMITTEE_REPORT_RE = re.compile(r"(?:report of the [\w\s]+?Committee|委员会的报告)\s*[(（](?P<report>A/[\w./]+?)(?:,\s*para[^)]*)?[)）]")
JOB_LINE_RE = re.compile(r"\b(?P<job>\d{2}-\d{5})\s*\([A-Z]\)")
SYMBOL_LINE_RE = re.compile(r"\b(?P<symbol>[AES]/(?:[A-Z][\w.]*/)*RES/[\w./()-]+)")
SESSION_ZH_RE = re.compile(r"第(?P<session>[一二三四五六七八九十百零]+)届(?:特别)?会议")
ADOPTED_ZH_RE = re.compile(r"(?:大会|理事会|委员会)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*通过")
ADOPTED_EN_RE = re.compile(r"adopted by the [\w ]+? on\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})", re.I)
ANNEX_RE = re.compile(r"^\s*(?:Annex(?:\s+[IVX]+)?|附件(?:[一二三四五六七八九十]+)?)\s*$")
# A footnote marker or footnote number alone on a line.
DIGITS_LINE_RE = re.compile(r"^\s*(?P<n>\d{1,3})\s*$")
BARE_OPERATIVE_RE = re.compile(r"^\s*(?P<n>\d{1,3})\s+(?=[A-Z][a-z])")
FOOTNOTE_START_RE = re.compile(r"^\s*(?P<n>\d{1,3})(?:\s+(?P<text>\S.*))?\s*$")
TERMINAL_RE = re.compile(r"[,;:.，；：。]\s*$")
ROMAN_RE = re.compile(r"^[ivx]+$")
# What makes a number part of the running text rather than a footnote marker: a list or range of numbers
# going on ("5, 12 and 18", "Goals 1 and 2", "3 to 5"; not "13 and 72/190"), an item letter ("3 (a)"), a month (a date), a unit.
NUMBER_GOES_ON_RE = re.compile(
    r"\s*(?:(?:,|and|or|to|–|-)\s*\d+(?![\d/])|\((?:[a-z]{1,2}|[ivx]+)\)"
    r"|(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|per\s*cent|percent|%|years?\b|months?\b|days?\b)"
)
# What follows the day of a date: "4 December 2000".
DAY_OF_MONTH_RE = re.compile(
    r"\s*(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
# The word before a footnote marker that the strict rules take for a number's own word: a resolution
# number ("71/205", "S-35/16,"), a year or year range ("1993,", "2015–2030"), a count ("5,"), or a plural
# that names a list of numbers ("Goals 6" where no "and 7" follows).
LOOSE_MARKER_WORD_RE = re.compile(
    r"(?:S-)?\d{1,4}/\d{1,4}[,;]?|(?:19|20)\d\d(?:[–-](?:19|20)\d\d)?,?|\d{1,3},"
    r"|Goals|paragraphs|articles|resolutions|decisions|principles|rules|targets|recommendations|sections"
)


def _spaced_occurrences(raw: str, digits: str) -> list[bool]:
    """For each occurrence of `digits` standing alone in the extracted line, whether two spaces follow it."""
    return [
        raw[m.end() : m.end() + 2] == "  " and bool(raw[m.end() :].strip())
        for m in re.finditer(rf"(?<!\d){re.escape(digits)}(?!\d)", raw)
    ]


@dataclass
class _Line:
    index: int  # 0-based line number in the input
    text: str
    block_start: bool  # a new block begins here (blank line or indentation before it)
    after_break: bool = False  # furniture or a footnote block was removed just before it


@dataclass
class _Para:
    kind: Kind
    number: int
    item: str = ""
    text: str = ""
    markers: list[FootnoteMarker] = field(default_factory=list)
    line: int = 0
    address: str = ""  # in an annex: set by instruments.annex_paragraphs, as its ParsedParagraph fields
    divisions: tuple = ()
    num: str = ""


@dataclass
class _Footnote:
    number: int
    text: str
    line: int


def chinese_numeral(text: str) -> int:
    """四十五 -> 45, 六十七 -> 67, 十 -> 10."""
    digits = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    total, current = 0, 0
    for char in text:
        if char in digits:
            current = digits[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def _date(text: str) -> date | None:
    match = DATE_ZH_RE.search(text)
    if match:
        return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    match = DATE_EN_RE.search(text)
    if match:
        return _safe_date(int(match["year"]), MONTHS.index(match["month"]) + 1, int(match["day"]))
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_lines(raw: str, *, source_name: str = "") -> ParsedResolution:
    text = t.normalise(raw)
    lines = text.split("\n")
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if not nonblank:
        raise ParseError("The text is empty.", line=1, excerpt="")
    language = "zh" if t.cjk_share(text) > 0.2 else "en"

    title_index = next((i for i in nonblank if TITLE_RE.match(lines[i])), None)
    if title_index is None and looks_like_declaration(lines):
        return instruments.structure_declaration(lines, parse_declaration(lines))
    if title_index is None:
        first = nonblank[0]
        raise ParseError(
            "No numbered title line (like '45/32. Title') was found: this is not a resolution.",
            line=first + 1,
            excerpt=lines[first].strip()[:80],
        )
    opening_index = next((i for i in nonblank if i > title_index and OPENING_RE.match(lines[i])), None)
    missing_opening = False
    if opening_index is None or opening_index - title_index > 12:
        # Some extractions lose the opening formula: the title then ends at the first blank line.
        end = title_index + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        if end < len(lines) and any(lines[i].strip() for i in range(end, len(lines))):
            opening_index = end
            missing_opening = True
    if opening_index is None:
        raise ParseError(
            "The opening formula ('The General Assembly,' / '大会，') does not follow the title.",
            line=title_index + 1,
            excerpt=lines[title_index].strip()[:80],
        )
    title_match = TITLE_RE.match(lines[title_index])
    title = title_match["title"]
    for i in range(title_index + 1, opening_index):
        title = t.join(title, lines[i])
    title = t.squeeze_spaces(title)
    opening = "" if missing_opening else lines[opening_index].strip()
    opening_name = re.sub(r"^The\s+|\s*[,，]$", "", opening)
    body = OPENING_BODIES.get(opening_name, Body.GENERAL_ASSEMBLY)
    if missing_opening:
        masthead_text = " ".join(lines[:title_index])
        body = next((b for name, b in OPENING_BODIES.items() if name in masthead_text and b != Body.GENERAL_ASSEMBLY),
                    Body.GENERAL_ASSEMBLY) if "adopted by the General Assembly" not in masthead_text else Body.GENERAL_ASSEMBLY
    session, number = title_match["session"], title_match["number"]

    masthead = [line.strip() for line in lines[:title_index] if line.strip()]
    meta = _masthead(masthead, language)
    symbol = meta.pop("symbol", "") or resolution_symbol(body, session, number)
    if not symbol and source_name:
        symbol = re.sub(r"\.\w+$", "", source_name).replace("_", "/")

    body_lines, closing, annex_lines = _split_closing(lines, opening_index + 1, language)
    meta.update(_closing(closing, language))

    parser = _BodyParser(lines, language=language, symbol=symbol, title=title)
    paragraphs, footnotes, warnings = parser.parse(body_lines, annex_lines)
    if missing_opening:
        warnings.append("no opening formula ('The General Assembly,') after the title")
    if not any(p.kind == Kind.OPERATIVE for p in paragraphs):
        raise ParseError(
            "No operative paragraphs (numbered '1.', '2.' …) were found.",
            line=opening_index + 1,
            excerpt=opening,
        )
    return _assemble(
        symbol=symbol,
        language=language,
        body=body,
        session=session,
        number=number,
        title=title,
        opening=opening,
        meta=meta,
        paragraphs=paragraphs,
        footnotes=footnotes,
        warnings=warnings,
    )


def _masthead(lines: list[str], language: str) -> dict:
    meta: dict = {}
    joined = " ".join(lines)
    for line in lines:
        match = SYMBOL_LINE_RE.search(line)
        if match and "symbol" not in meta:
            meta["symbol"] = match["symbol"].rstrip(".")
    for index, line in enumerate(lines):
        match = AGENDA_EN_RE.match(line) or AGENDA_ZH_RE.match(line)
        if match:
            item = match["item"].strip()
            following = []
            for nxt in lines[index + 1 :]:
                if re.search(r"Resolution adopted|通过的决议|决议$|^\[", nxt) or len(following) >= (3 if language == "en" else 1):
                    break
                following.append(nxt)
            agenda_title = ""
            for piece in following:
                agenda_title = t.join(agenda_title, piece)
            meta["agenda_item"] = t.squeeze_spaces(f"{item} {agenda_title}")
    match = COMMITTEE_REPORT_RE.search(joined)
    if match:
        meta["committee_report"] = match["report"]
    match = JOB_LINE_RE.search(joined)
    if match:
        meta["job_number"] = match["job"]
    else:
        barcode = re.search(r"\*(\d{2})(\d{5})\*", joined)
        if barcode:
            meta["job_number"] = f"{barcode[1]}-{barcode[2]}"
    match = ADOPTED_EN_RE.search(joined) or ADOPTED_ZH_RE.search(joined)
    if match:
        meta["adopted_on"] = _date(match["date"])
    return meta


def _split_closing(lines: list[str], start: int, language: str) -> tuple[list[int], list[str], list[int]]:
    """Body line indexes, the closing lines (date, meeting, adoption), and the annex line indexes."""
    meeting_re = MEETING_EN_RE if language == "en" else MEETING_ZH_RE
    meeting_at = None
    for i in range(start, len(lines)):
        if meeting_re.match(lines[i]):
            meeting_at = i
            break
    if meeting_at is None:
        return list(range(start, len(lines))), [], []
    begin = meeting_at
    # The date may sit just before the meeting line (Chinese) or just after it (English).
    back = meeting_at - 1
    while back > start and not lines[back].strip():
        back -= 1
    if back > start and re.fullmatch(r"\s*" + DATE_ZH_RE.pattern + r"\s*", lines[back]):
        begin = back
    end = meeting_at + 1
    closing = [lines[i].strip() for i in range(begin, meeting_at + 1)]
    while end < len(lines):
        line = lines[end].strip()
        if not line:
            end += 1
            continue
        if _date(line) and len(line) < 24 or WITHOUT_VOTE_RE.search(line) or RECORDED_VOTE_EN_RE.search(line) or RECORDED_VOTE_ZH_RE.search(line):
            closing.append(line)
            end += 1
            continue
        break
    annex_start = next((i for i in range(end, len(lines)) if ANNEX_RE.match(lines[i])), None)
    annex = list(range(annex_start, len(lines))) if annex_start is not None else []
    return list(range(start, begin)), closing, annex


def _closing(closing: list[str], language: str) -> dict:
    meta: dict = {}
    joined = " ".join(closing)
    for line in closing:
        match = MEETING_EN_RE.match(line) or MEETING_ZH_RE.match(line)
        if match:
            meta["meeting"] = t.squeeze_spaces(match["meeting"])
            meta["meeting_number"] = int(match["number"])
        elif _date(line) and "adopted_on_closing" not in meta:
            meta["adopted_on_closing"] = _date(line)
    if WITHOUT_VOTE_RE.search(joined):
        meta["adoption"] = Adoption.WITHOUT_VOTE
    vote = RECORDED_VOTE_EN_RE.search(joined) or RECORDED_VOTE_ZH_RE.search(joined)
    if vote:
        meta["adoption"] = Adoption.RECORDED_VOTE
        meta["votes_for"] = int(vote["yes"])
        meta["votes_against"] = int(vote["no"])
        meta["votes_abstaining"] = int(vote["abstain"]) if vote["abstain"] else None
    return meta


class _BodyParser:
    """Walks the body lines once: drops furniture, lifts footnote blocks, finds markers, cuts paragraphs."""

    def __init__(self, lines: list[str], *, language: str, symbol: str, title: str) -> None:
        self.lines = lines
        self.language = language
        self.symbol = symbol
        self.title = t.squeeze_spaces(title)
        body_text = [line for line in lines if line.strip()]
        blank_share = 1 - len(body_text) / max(1, len(lines))
        # The Chinese extractions put a blank line after every line: there, indentation marks a new block.
        self.indent_mode = language == "zh" and blank_share > 0.35

    # -- page furniture ---------------------------------------------------------------------------
    def is_anchor(self, line: str) -> bool:
        """A header or footer line: the symbol, a page number, a job number, a barcode."""
        s = t.squeeze_spaces(t.RECYCLE_RE.sub("", t.BARCODE_RE.sub("", line)))
        if not s:
            return bool(line.strip()) and line.strip() != s
        if t.PAGE_NUMBER_RE.match(s) or t.JOB_NUMBER_RE.match(s):
            page = t.PAGE_NUMBER_RE.match(s)
            return not page or int(page["page"]) <= int(page["pages"])
        if re.fullmatch(r"\d{1,3}/\d{1,3}\s+\d{2}-\d{5}|\d{2}-\d{5}\s+\d{1,3}/\d{1,3}", s):
            return True
        if self.symbol and (s == self.symbol or s.startswith(self.symbol + " ") or s.endswith(" " + self.symbol)):
            return True
        return bool(re.fullmatch(r"[AES]/(?:[A-Z][\w.]*/)*RES/\d+/\d+", s))

    def is_title_like(self, line: str) -> bool:
        s = t.squeeze_spaces(line)
        if not s or OPERATIVE_NUMBER_RE.match(s) or ITEM_RE.match(s) or DIGITS_LINE_RE.match(s):
            return False
        return s in self.title or s in self.running_lines

    def furniture(self, indexes: list[int]) -> set[int]:
        """Line indexes that are page furniture: anchors and the running-title lines around them."""
        anchors = [i for i in indexes if self.is_anchor(self.lines[i])]
        self.page_ends = anchors
        near: dict[str, int] = {}
        position = {i: k for k, i in enumerate(indexes)}
        around = {j for a in anchors for j in indexes[max(0, position[a] - 5) : position[a] + 6]}
        for j in around:
            s = t.squeeze_spaces(self.lines[j])
            if s:
                near[s] = near.get(s, 0) + 1
        self.running_lines = {s for s, count in near.items() if count >= 2 and len(s) > 3}
        dropped: set[int] = set(anchors)
        for a in anchors:
            k = position[a]
            for step in (-1, 1):
                j = k + step
                seen = 0
                while 0 <= j < len(indexes) and seen < 5:
                    line = self.lines[indexes[j]]
                    if not line.strip() or indexes[j] in dropped:
                        j += step
                        continue
                    if self.is_anchor(line) or self.is_title_like(line):
                        dropped.add(indexes[j])
                        seen += 1
                        j += step
                        continue
                    break
        return dropped

    # -- the walk ---------------------------------------------------------------------------------
    def parse(self, body: list[int], annex: list[int]):
        tail = list(range(body[-1] + 1 if body else 0, annex[0] if annex else len(self.lines)))
        everything = body + tail + annex  # footnotes may follow the closing lines on the last page
        dropped = self.furniture(everything)
        footnotes, footnote_lines = self.footnote_blocks(everything, dropped)
        skip = dropped | footnote_lines
        self.defined = {f.number: f.line for f in footnotes}
        self.skip = skip
        self.last_defined = max(self.defined, default=0)
        stream = self.stream(body, skip)
        paragraphs, warnings = self.paragraphs(stream)
        if not any(p.kind == Kind.OPERATIVE for p in paragraphs) and paragraphs and re.search(r"[.。]$", paragraphs[-1].text):
            # A resolution with one operative paragraph prints it unnumbered ("Takes note of the report …").
            paragraphs[-1].kind, paragraphs[-1].number = Kind.OPERATIVE, 1
        if annex:
            paragraphs += instruments.annex_paragraphs(self, self.stream(annex, skip))
        cited = {m.number for p in paragraphs for m in p.markers}
        for footnote in footnotes:
            if footnote.number not in cited:
                warnings.append(f"footnote {footnote.number} is not cited by any paragraph")
        return paragraphs, footnotes, warnings

    def footnote_blocks(self, indexes: list[int], dropped: set[int]) -> tuple[list[_Footnote], set[int]]:
        footnotes: list[_Footnote] = []
        taken: set[int] = set()
        k = 0
        while k < len(indexes):
            i = indexes[k]
            if not t.FOOTNOTE_RULE_RE.match(self.lines[i]):
                if not self._ruleless_footnote(indexes, k, footnotes):
                    k += 1
                    continue
            else:
                taken.add(i)
                k += 1
            current: _Footnote | None = None
            pending_number: int | None = None
            while k < len(indexes):
                i = indexes[k]
                line = self.lines[i]
                if i in dropped:
                    k += 1
                    if current is not None or pending_number is not None:
                        break  # the page ended: the block is over
                    continue
                if not line.strip():
                    taken.add(i)
                    k += 1
                    continue
                expected = (footnotes[-1].number + 1) if footnotes else 1
                start = FOOTNOTE_START_RE.match(line)
                if pending_number is not None and OPERATIVE_NUMBER_RE.match(line):
                    break  # the footnote's text is missing: "37. …" is running text again, not footnote 10
                if pending_number is not None:
                    current = _Footnote(pending_number, line.strip(), i)
                    footnotes.append(current)
                    pending_number = None
                elif start and int(start["n"]) in (expected, expected + 1) and (
                    start["text"] or current is None or self._ends_footnote(current.text)
                ):
                    if start["text"]:
                        current = _Footnote(int(start["n"]), start["text"].strip(), i)
                        footnotes.append(current)
                    else:
                        pending_number = int(start["n"])
                elif current is not None and not self._ends_footnote(current.text) or (
                    current is not None and self.language == "en" and not OPERATIVE_NUMBER_RE.match(line)
                ):
                    current.text = t.join(current.text, line)
                else:
                    break  # back to running text (Chinese footnotes end with 。)
                taken.add(i)
                k += 1
        for footnote in footnotes:
            footnote.text = t.squeeze_spaces(footnote.text)
        return footnotes, taken

    def _ruleless_footnote(self, indexes: list[int], k: int, footnotes: list[_Footnote]) -> bool:
        """A footnote printed without its rule, right after the line whose glued marker cites it (45/32):
        "…的必要性；1" then "1 另见 A/HRC/44/37。"."""
        start = FOOTNOTE_START_RE.match(self.lines[indexes[k]])
        expected = (footnotes[-1].number + 1) if footnotes else 1
        if not start or not start["text"] or int(start["n"]) != expected:
            return False
        previous = next((self.lines[j] for j in reversed(indexes[:k]) if self.lines[j].strip()), "")
        return bool(re.search(rf"(?<!\d){expected}\s*$", previous)) and not OPERATIVE_NUMBER_RE.match(self.lines[indexes[k]])

    def _ends_footnote(self, text: str) -> bool:
        return self.language == "zh" and text.rstrip().endswith("。")

    def stream(self, indexes: list[int], skip: set[int]) -> list[_Line]:
        out: list[_Line] = []
        blank = True
        broken = False
        previous_marker = False
        for i in indexes:
            line = self.lines[i]
            if i in skip:
                broken = True
                continue
            if not line.strip():
                blank = True
                continue
            clean = t.RECYCLE_RE.sub("", t.BARCODE_RE.sub("", line))
            if not clean.strip():
                continue
            if self.indent_mode:
                start = clean[:1].isspace() and not previous_marker
            else:
                start = blank
            lead = clean[: len(clean) - len(clean.lstrip())]
            out.append(_Line(i, lead + t.squeeze_spaces(clean), start, broken))
            previous_marker = bool(DIGITS_LINE_RE.match(clean))
            blank = False
            broken = False
        return out

    # -- markers ----------------------------------------------------------------------------------
    def take_markers(
        self, text: str, line: _Line, state: dict, *, same_page_only: bool = False
    ) -> tuple[str, list[tuple[int, int]]]:
        """Remove footnote markers from one line; return the text and (position, number) pairs.
        `same_page_only`: take only markers whose footnote is printed on this line's page (annex text, where
        article and paragraph numbers abound)."""
        found: list[tuple[int, int]] = []
        own = DIGITS_LINE_RE.match(text)
        if own:
            n = int(own["n"])
            if same_page_only and not (n in self.defined and self._on_same_page(line.index, self.defined[n])):
                return text, []
            if n in self.defined and (n == state["next"] or n < state["next"]):
                if n == state["next"]:
                    state["next"] += 1
                return "", [(0, n)]
            return text, []
        position = 0
        while True:
            # A marker the text lost (or that sits where no rule finds it) must not stall the sequence:
            # once its footnote's definition is behind us, look for the next one.
            while state["next"] <= self.last_defined and (
                state["next"] not in self.defined or self.defined[state["next"]] < line.index
            ):
                state["next"] += 1
            n = state["next"]
            if n not in self.defined:
                break
            same_page = self._on_same_page(line.index, self.defined[n])
            if same_page_only and not same_page:
                break
            loose = same_page and self.language == "en"
            match = self._find_marker(text, n, position, raw=self.lines[line.index] if loose else None, line=line.index)
            if match is None:
                break
            start, end = match
            text = text[:start] + text[end:]
            if text[start - 1 : start] == " " and text[start : start + 1] in (" ", ""):
                text = text[: start - 1] + text[start:]
                start -= 1
            elif text[start - 1 : start] == " ":
                start -= 1
            elif text[start - 1 : start] in ",;:)" and text[start : start + 1].isalpha():
                text = text[:start] + " " + text[start:]  # "Agreement,38and" -> "Agreement, and"
            found.append((start, n))
            position = start
            state["next"] += 1
        return text, found

    def _on_same_page(self, index: int, footnote_line: int) -> bool:
        """No page ends between line `index` and the line defining the footnote: a marker and its footnote
        are printed on the same page."""
        return index <= footnote_line and bisect_right(self.page_ends, index) == bisect_right(self.page_ends, footnote_line)

    def _find_marker(
        self, text: str, n: int, position: int, raw: str | None = None, line: int = 0
    ) -> tuple[int, int] | None:
        """Where footnote `n`'s marker sits in `text` after `position`. `raw` (line `line` as extracted) is
        given when footnote n is printed on this page: then the looser English rules of _is_loose_marker_at
        apply, unless the strict rules find the marker further down the page."""
        digits = str(n)
        pattern = rf"(?<!\d){re.escape(digits)}(?!\d)|\d+{re.escape(digits)}(?!\d)"
        candidates = list(re.finditer(pattern, text[position:]))
        for match in candidates:
            start = position + match.start()
            end = position + match.end()
            token = match.group()
            if token != digits:
                span = self._glued_to_number(text, start, end, digits)
                if span:
                    return span
                continue
            if self._is_marker_at(text, start, end):
                return start, end
        if raw is None or not candidates:
            return None
        span = self._loose_marker(text, digits, position, candidates, raw, line)
        if span is None or self._strict_marker_below(n, line):
            return None
        return span

    def _loose_marker(
        self, text: str, digits: str, position: int, candidates: list[re.Match], raw: str, line: int
    ) -> tuple[int, int] | None:
        """The first of `candidates` the loose rules accept, or None."""
        for match in candidates:
            if match.group() != digits:
                span = self._glued_to_number(text, position + match.start(), position + match.end(), digits, loose=True)
                if span:
                    return span
        following = next((t.squeeze_spaces(self.lines[j]) for j in range(line + 1, self.defined[int(digits)])
                          if j not in self.skip and self.lines[j].strip()), "")
        spaced = _spaced_occurrences(raw, digits)
        alone = [m for m in candidates if m.group() == digits]
        for k, match in enumerate(alone):
            start, end = position + match.start(), position + match.end()
            from_end = len(alone) - k
            evidence = len(spaced) >= from_end and spaced[-from_end]
            if self._is_loose_marker_at(text + " " + following, start, end, spaced=evidence):
                return start, end
        return None

    def _strict_marker_below(self, n: int, line: int) -> bool:
        """Whether the strict rules find footnote `n`'s marker on a running-text line after `line` and before
        the footnote itself: then that is the marker, not a looser candidate here."""
        for j in range(line + 1, self.defined[n]):
            if j not in self.skip and self.lines[j].strip() and self._find_marker(t.squeeze_spaces(self.lines[j]), n, 0):
                return True
        return False

    def _glued_to_number(
        self, text: str, start: int, end: int, digits: str, *, loose: bool = False
    ) -> tuple[int, int] | None:
        """'201814' (2018 + 14), '77/2285' (77/228 + 5): a marker glued to a number it cannot belong to.
        `loose` (the footnote is printed on this page): also a special session's resolution, which are few
        ('S-35/16' is S-35/1 + 6)."""
        token = text[start:end]
        head = token[: -len(digits)]
        before = text[max(0, start - 12) : start]
        after = text[end : end + 1]
        if after and after not in " ,;:.)\n":
            return None
        if re.search(r"\d/$", before):  # session/number + marker: 77/2285
            number = int(token)
            if number > 400 and len(head) >= 1 and int(head) <= 400:
                return end - len(digits), end
            if loose and re.search(r"(?<![\w-])S-\d{1,2}/$", before) and len(head) == 1 and head != "0":
                return end - len(digits), end
            return None
        if len(head) == 4 and head[:2] in ("19", "20") and not re.search(r"[\d/.-]$", before):
            return end - len(digits), end  # a year + marker: 201814
        return None

    def _is_loose_marker_at(self, text: str, start: int, end: int, *, spaced: bool) -> bool:
        """English markers the strict rules refuse, tried only for the footnote due next and printed on this
        page: the number is set apart by PyMuPDF's superscript gap ("resolution 8  was", "Goals 39  to"),
        follows a number it cannot belong to ("71/205 18 and", "73/263, 15 74/168", "2015–2030, 8 the",
        "of 1993, 2 which", "under age 5, 12 and that"), ends a list word's single number ("Goals 6 in"),
        follows a full stop ("this Convention.1"), is glued to a word in capitals ("HIV/AIDS7") or sits between a
        comma and a word ("Agreement,38and")."""
        before, after = text[:start], text[end:]
        prev = before[-1:]
        if re.match(r"[a-z]", after) and re.search(r"[A-Za-z][,;)]$", before) and not re.match(r"(?:st|nd|rd|th)\b", after):
            return True
        if after[:1] and (after[:1].isalnum() or after[:1] in "/-–%") or re.match(r"\.\d", after):
            return False
        if NUMBER_GOES_ON_RE.match(after):
            return False
        if spaced:
            return True
        if prev == "." and re.search(r"[a-z]{3,}\.$", before) and not re.search(r"\b(?:paras|chap|sect)\.$", before):
            return True  # after a sentence's full stop: "have signed this Convention.1"
        if prev.isalpha():
            return bool(re.search(r"(?<![A-Za-z])[A-Z]{4,}$", before)) and not before.endswith("COVID")
        word = re.search(r"(\S+) $", before)
        if not word or re.match(r"\s+[A-Z]", after):
            return False
        return bool(LOOSE_MARKER_WORD_RE.fullmatch(word.group(1)))

    def _is_marker_at(self, text: str, start: int, end: int) -> bool:
        before = text[:start]
        after = text[end:]
        prev = before[-1:] if before else ""
        nxt = after[:1]
        if nxt and (nxt.isalnum() and not t.is_cjk(nxt) or nxt in "/-–.%"):
            if not (nxt == "." and (after[1:2] in ("", " ") and start == len(before) and prev and not prev.isdigit())):
                return False
        if self.language == "zh":
            if prev in "第" or re.search(r"第\s*$", before):
                return False
            if re.search(r"[\d/.,]$", before.rstrip()) and prev.isspace() is False:
                return False
            if nxt and t.is_cjk(nxt) and re.match(r"\s*[年月日条段号次届项卷个%]", after):
                return False
            if prev == " " and re.search(r"(?:目标|项目|第|附件|共|约)\s*$", before):
                return False
            return True
        if DAY_OF_MONTH_RE.match(after):
            return False  # "55/91 of\n4 December 2000": the day of a date, even at the start of a line
        # English: glued to a word or punctuation ("albinism16", "Rights,1", "2021)15") or after a space
        # following a word ("Development 8 and"), but not a number the words before it call for.
        if not prev:
            return True
        if prev.isalpha() or prev in ",;:)”’\"]":
            return not re.search(r"(?:COVID|[A-Z]{2,})-?$", before) or prev in ",;:)”’\"]"
        if prev == " ":
            word = re.search(r"(\S+)\s+$", before)
            if not word:
                return True
            w = word.group(1)
            if re.fullmatch(r"(?i)(?:resolutions?|articles?|paragraphs?|paras?\.?|No\.|Nos\.|vol\.|chap\.|sect\.|"
                            r"annex|Goal|Goals|target|principle|rule|rules|and|or|to|of|item|items|page|"
                            r"section|part|chapter|decision|decisions|Protocol|General|Comment|recommendation|"
                            r"recommendations|figure|table|step|level|phase|grade|list|by|per|from|than|"
                            r"over|under|at|in|on|for|with|the|a|an|some|all|about|least|most|first)", w):
                return False
            if re.fullmatch(r"(?:19|20)\d\d,?", w) and not re.search(r"(?:resolutions?|No\.|of)\s+\S+\s+$", before):
                return True  # "Geneva Conventions of 12 August 1949 1 and": a year, then the marker
            if re.fullmatch(r"[\d,./–-]+|[IVXLC]+|[A-Z]", w):
                return False
            return bool(re.search(r"[A-Za-z,;:)”’]$", w))
        return False

    # -- paragraphs -------------------------------------------------------------------------------
    def paragraphs(self, stream: list[_Line]) -> tuple[list[_Para], list[str]]:
        paras: list[_Para] = []
        warnings: list[str] = []
        state = {"next": 1}
        next_operative = 1
        next_letter = "a"
        preambular = 0
        current: _Para | None = None
        for line in stream:
            text = line.text
            previous_ends = current is not None and bool(TERMINAL_RE.search(current.text))
            op = OPERATIVE_NUMBER_RE.match(text) if not DIGITS_LINE_RE.match(text) else None
            bare = DIGITS_LINE_RE.match(text) or BARE_OPERATIVE_RE.match(text)
            if bare and line.block_start and previous_ends and int(bare["n"]) == next_operative > 1:
                op = bare  # "26" printed without its dot where 26. is due, alone or before its verb
            item = ITEM_RE.match(text)
            stripped = text.strip()
            new: _Para | None = None
            can_start = current is None or previous_ends or line.block_start or not current.text.strip()
            op_number = int(op.group(1)) if op else 0
            if op and can_start and op_number == next_operative:
                new = _Para(Kind.OPERATIVE, next_operative, line=line.index)
                next_operative += 1
                next_letter = "a"
                text = text[op.end() :]
            elif op and can_start and next_operative > 1 and op_number > next_operative and (line.block_start or previous_ends):
                warnings.append(f"operative numbering jumps from {next_operative - 1} to {op_number}")
                next_operative = op_number
                new = _Para(Kind.OPERATIVE, next_operative, line=line.index)
                next_operative += 1
                next_letter = "a"
                text = text[op.end() :]
            elif (
                item
                and next_operative > 1
                and (line.block_start or previous_ends or current is not None and not current.text.strip())
                and (item["letter"] == next_letter or (next_letter != "a" and item["letter"] == "a" and not ROMAN_RE.match(next_letter)))
                and not (ROMAN_RE.match(item["letter"]) and item["letter"] != next_letter)
            ):
                new = _Para(Kind.OPERATIVE, next_operative - 1, item=item["letter"], line=line.index)
                next_letter = chr(ord(item["letter"][-1]) + 1) if len(item["letter"]) == 1 else next_letter
                text = text[item.end() :]
            elif next_operative == 1 and stripped and (
                current is None
                or (line.block_start and previous_ends and (not line.after_break or self._starts_sentence(stripped)))
            ):
                preambular += 1
                new = _Para(Kind.PREAMBULAR, preambular, line=line.index)
            if new is not None:
                paras.append(new)
                current = new
            if current is None:
                continue
            self._append(current, text, line, state)
        self.marker_state = state
        # An operative paragraph whose lettered items follow keeps its chapeau as its own entry.
        return paras, warnings

    def _append(self, para: _Para, text: str, line: _Line, state: dict, *, same_page_only: bool = False) -> None:
        """Add one line's text to `para`, its footnote markers taken out and recorded at their offsets."""
        text, markers = self.take_markers(text, line, state, same_page_only=same_page_only)
        piece = text.strip()
        lead = len(text) - len(text.lstrip())
        joined = t.join(para.text, piece) if piece else para.text.rstrip()
        base = len(joined) - len(piece)
        for position, number in markers:
            at = base + min(max(0, position - lead), len(piece))
            para.markers.append(FootnoteMarker(number=number, offset=at))
        para.text = joined

    def _starts_sentence(self, text: str) -> bool:
        if self.language == "zh":
            return True
        return text[:1].isupper() or text[:1] in "“\"‘("

    def annex_paragraphs(self, stream: list[_Line]) -> list[_Para]:
        """Annex text: every block a paragraph, numbered by position (headings like 'Article 1' included).
        Footnote markers are taken as in the body, but only for footnotes printed on the same page."""
        paras: list[_Para] = []
        current: _Para | None = None
        state = getattr(self, "marker_state", {"next": 1})
        for line in stream:
            if current is None or line.block_start and (TERMINAL_RE.search(current.text) or len(current.text) < 80):
                current = _Para(Kind.ANNEX, len(paras) + 1, line=line.index)
                paras.append(current)
            self._append(current, line.text, line, state, same_page_only=True)
        return paras


def _assemble(*, symbol, language, body, session, number, title, opening, meta, paragraphs, footnotes, warnings):
    parsed_paragraphs = []
    for para in paragraphs:
        if not para.text and not para.item and para.kind != Kind.OPERATIVE and not para.num:
            continue
        references = find_references(para.text, document_body=body, language=language)
        parsed_paragraphs.append(
            ParsedParagraph(
                kind=para.kind,
                number=para.number,
                text=para.text,
                item=para.item,
                footnotes=tuple(para.markers),
                references=references,
                address=para.address, divisions=para.divisions, num=para.num,
            )
        )
    parsed_footnotes = tuple(
        ParsedFootnote(
            number=f.number,
            text=f.text,
            references=find_references(f.text, document_body=body, language=language),
        )
        for f in footnotes
    )
    adopted = meta.get("adopted_on_closing") or meta.get("adopted_on")
    return ParsedResolution(
        symbol=symbol,
        language=language,
        body=body,
        session=session,
        number=number,
        title=title,
        opening=opening,
        adopted_on=adopted,
        meeting=meta.get("meeting", ""),
        meeting_number=meta.get("meeting_number"),
        adoption=meta.get("adoption", Adoption.UNKNOWN),
        votes_for=meta.get("votes_for"),
        votes_against=meta.get("votes_against"),
        votes_abstaining=meta.get("votes_abstaining"),
        agenda_item=meta.get("agenda_item", ""),
        committee_report=meta.get("committee_report", ""),
        job_number=meta.get("job_number", ""),
        paragraphs=tuple(parsed_paragraphs),
        footnotes=parsed_footnotes,
        warnings=tuple(warnings),
    )
