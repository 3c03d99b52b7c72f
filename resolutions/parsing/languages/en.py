"""English: how UN resolutions in English print their frame, dates, citations and footnote markers."""
from __future__ import annotations

import re
from datetime import date

from .. import symbols
from ..document import Body, ParsedReference
from .base import (
    ITEM_RE,
    OPERATIVE_NUMBER_RE,
    LanguageRules,
    followed_by_word,
    safe_date,
)

BODY_TITLES = {
    Body.GENERAL_ASSEMBLY: "General Assembly",
    Body.HUMAN_RIGHTS_COUNCIL: "Human Rights Council",
    Body.COMMISSION_ON_HUMAN_RIGHTS: "Commission on Human Rights",
    Body.ECOSOC: "Economic and Social Council",
    Body.SECURITY_COUNCIL: "Security Council",
}
# Body names as English texts print them; "Council" and "its" say whose resolution it is without naming the body.
BODY_NAMES: dict[str, Body | None] = {
    **{name: body for body, name in BODY_TITLES.items()},
    "Assembly": Body.GENERAL_ASSEMBLY,
    "Council": None,
    "its": None,
}
# The opening formula alone on its line: "The General Assembly,", "The Human Rights Council,".
OPENING_RE = re.compile(
    r"^\s*(?P<opening>(?:The\s+)?(?:General Assembly|Human Rights Council|Commission on Human Rights"
    r"|Economic and Social Council|Security Council)\s*,)\s*$"
)
ANNEX_HEADING_RE = re.compile(r"^\s*Annex(?:\s+[IVX]+)?\s*$")
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MONTH_NAMES = "|".join(MONTHS)
# An adoption date: "19 December 2023".
DATE_RE = re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH_NAMES})\s+(?P<year>\d{{4}})\b")
# The meeting on the closing lines: "50th plenary meeting", "53rd (resumed) plenary meeting".
MEETING_RE = re.compile(
    r"^\s*(?P<meeting>(?P<number>\d{1,4})(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting)\s*$"
)
WITHOUT_VOTE_RE = re.compile(r"adopted without a vote|without a vote", re.IGNORECASE)
# "[by a recorded vote of 120 to 10, with 40 abstentions]".
RECORDED_VOTE_RE = re.compile(
    r"(?:recorded\s+)?vote\s+of\s+(?P<yes>\d+)\s+to\s+(?P<no>\d+)(?:,?\s+with\s+(?P<abstain>\d+)\s+abstentions?)?",
    re.IGNORECASE,
)
# "Resolution adopted by the General Assembly on 19 December 2023".
ADOPTED_RE = re.compile(r"adopted by the [\w ]+? on\s+(?P<date>\d{1,2}\s+\w+\s+\d{4})", re.IGNORECASE)
# "Agenda item 24", "Agenda items 70 (a) and (b)".
AGENDA_RE = re.compile(r"^\s*Agenda items?\s+(?P<item>[\d\s(),a-z]+?)\s*$")
# "[on the report of the Third Committee (A/78/472, para. 29)]".
COMMITTEE_REPORT_RE = re.compile(r"report of the [\w\s]+?Committee\s*[(（](?P<report>A/[\w./]+?)(?:,\s*para[^)]*)?[)）]")
FURNITURE_WORDS_RE = re.compile(r"Please recycle")
# A marker glued to a word on each side ("persons with albinism11and 24/33", "Sustainable Development18will"):
# a word of two letters or more before it (a comma or closing bracket may follow the word), a lower-case word
# of two letters or more after it that is no ordinal suffix (5th, 21st).
GLUED_BETWEEN_WORDS_BEFORE_RE = re.compile(r"[A-Za-z][a-z][,;:)”’]?$")
GLUED_BETWEEN_WORDS_AFTER_RE = re.compile(r"(?!(?:st|nd|rd|th)\b)[a-z]{2,}")

# How a preambular paragraph opens: a participle or an adjective in italics, maybe after an adverb:
# "Recalling", "Re-emphasizing", "Concerned", "Mindful", "Deeply concerned", "Strongly condemning".
PREAMBLE_OPENING_RE = re.compile(
    r"(?:[A-Z][a-z]+ly,?\s+[a-z]+(?:ing|ed)\b"
    r"|(?!Beijing\b)[A-Z][a-z]*(?:-[a-z]+)?ing\b"
    r"|(?:Concerned|Alarmed|Guided|Convinced|Resolved|Determined|Encouraged|Mindful|Aware|Conscious|Cognizant"
    r"|Desirous|Committed|Appalled|Shocked|Disturbed|Outraged|Saddened|Gratified|Pleased|Reassured"
    r"|Deeply|Gravely|Seriously|Strongly|Equally|Unequivocally|Further|Also)\b)"
)

# What makes a number part of the running text rather than a footnote marker: a list or range of numbers
# going on ("5, 12 and 18", "Goals 1 and 2", "3 to 5"; not "13 and 72/190"), an item letter ("3 (a)"), a month
# (a date), a unit.
NUMBER_GOES_ON_RE = re.compile(
    rf"\s*(?:(?:,|and|or|to|–|-)\s*\d+(?![\d/])|\((?:[a-z]{{1,2}}|[ivx]+)\)|(?:{MONTH_NAMES})\b"
    r"|per\s*cent|percent|%|years?\b|months?\b|days?\b)"
)
# What follows the day of a date: "4 December 2000".
DAY_OF_MONTH_RE = re.compile(rf"\s*(?:{MONTH_NAMES})\b")
# Words after which a number belongs to the text: "resolution 8", "article 19", "Goal 4", "paragraph 3" …
NUMBERED_WORD_RE = re.compile(
    r"(?i)(?:resolutions?|articles?|paragraphs?|paras?\.?|No\.|Nos\.|vol\.|chap\.|sect\.|"
    r"annex|Goal|Goals|target|principle|rule|rules|and|or|to|of|item|items|page|"
    r"section|part|chapter|decision|decisions|Protocol|General|Comment|recommendation|"
    r"recommendations|figure|table|step|level|phase|grade|list|by|per|from|than|"
    r"over|under|at|in|on|for|with|the|a|an|some|all|about|least|most|first)"
)
# The word before a footnote marker that the strict rules take for a number's own word: a resolution
# number ("71/205", "S-35/16,"), a year or year range ("1993,", "2015–2030"), a count ("5,"), or a plural
# that names a list of numbers ("Goals 6" where no "and 7" follows).
LOOSE_MARKER_WORD_RE = re.compile(
    r"(?:S-)?\d{1,4}/\d{1,4}[,;]?|(?:19|20)\d\d(?:[–-](?:19|20)\d\d)?,?|\d{1,3},"
    r"|Goals|paragraphs|articles|resolutions|decisions|principles|rules|targets|recommendations|sections"
)

# An English citation: "resolution 77/228", "Human Rights Council resolution 52/27", "Commission on
# Human Rights resolution 2005/39", "resolutions 28/6 of 26 March 2015, 37/5 of 22 March 2018 and
# 46/12", "its resolutions 60/251 and 65/281". The word "resolution(s)" opens a run in which every
# session/number pair is a resolution until the clause ends or another kind of document is named.
RESOLUTION_WORD_RE = re.compile(r"\b[Rr]esolutions?\b")
RESOLUTION_NUMBER_RE = re.compile(r"(?<![\w/.-])(?P<session>S-\d{1,2}|\d{1,4})/(?P<number>\d{1,4})(?![\w/])")
# Old General Assembly numbering: resolution 217 A (III), 2200 A (XXI).
OLD_GA_NUMBER_RE = re.compile(r"(?<![\w/])(?P<number>\d{2,4})\s*(?:[A-Z]\s*)?\((?P<session>[IVXL]+)\)")
# What ends a run of resolution numbers: a clause end or another kind of document.
RUN_BREAK_RE = re.compile(r";|\.\s|\b(?:decisions?|reports?|documents?|conventions?|articles?|paragraphs?)\b", re.IGNORECASE)
BODY_NAME_RE = re.compile(
    r"General Assembly|Human Rights Council|Commission on Human Rights|Economic and Social Council"
    r"|Security Council|Council|Assembly|its"
)
# The adoption date printed after a resolution number: "37/5 of 22 March 2018".
DATED_RE = re.compile(r"\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+(?P<year>\d{4})\b")
# Paragraph numbers as English prints them: "3", "3 and 4", "3, 4 and 7", "26 to 28", "3–5".
PARAGRAPH_NUMBERS = r"\d{1,3}(?:\s*(?:,|and|to|–)\s*\d{1,3})*"
# The paragraphs named just before the word "resolution", with nothing between but the words that say
# whose resolution it is: "paragraph 3 of resolution 18/18", "paragraphs 3 and 4 of its resolution 18/18",
# "paragraphs 26 to 28 of its resolution 68/268", "paragraph 2 of Human Rights Council resolution 52/27".
# Not "paragraphs 84 to 86 of the Programme of Action and resolution …": those are another text's.
PARAGRAPHS_BEFORE_RE = re.compile(
    rf"\bparagraphs?\s+(?P<paragraphs>{PARAGRAPH_NUMBERS})\s+of\s+"
    r"(?:(?:its|the|General\s+Assembly|Human\s+Rights\s+Council|Commission\s+on\s+Human\s+Rights"
    r"|Economic\s+and\s+Social\s+Council|Security\s+Council|Council|Assembly)\s+)*$"
)
# The paragraphs named right after the resolution number (and its date): "resolution 77/228, paragraph 5",
# "resolution 9/5, para. 3", "resolution 60/251 of 15 March 2006, paragraphs 3 and 4"; not when the
# paragraphs are another text's ("resolution 77/228, paragraph 5 of the Declaration").
PARAGRAPHS_AFTER_RE = re.compile(
    r"(?:\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4})?\s*,\s*(?:paragraphs?|paras?\.)\s+"
    rf"(?P<paragraphs>(?>{PARAGRAPH_NUMBERS}))(?![\d/(])(?!\s*of\s+(?!which\b|that\b|it\b|the\s+resolution\b))"
)

SPACES_RE = re.compile(r"\s*")


def paragraph_numbers(printed: str) -> tuple[int, ...]:
    """"3 and 4" -> (3, 4); "26 to 28" and "3–5" are ranges -> (26, 27, 28), (3, 4, 5)."""
    numbers: list[int] = []
    for match in re.finditer(r"(?:(?P<range>to|–)\s*)?(?P<n>\d+)", printed):
        n = int(match["n"])
        if match["range"] and numbers and numbers[-1] < n <= numbers[-1] + 200:
            numbers.extend(range(numbers[-1] + 1, n + 1))
        else:
            numbers.append(n)
    return tuple(numbers)


class English(LanguageRules):
    code = "en"
    name = "English"
    script = "latin"
    stop_words = frozenset({"the", "of", "and", "to", "in", "its", "on", "for", "with", "that", "by", "all", "as",
                            "which", "be", "are", "is", "at", "from", "their", "this"})
    masthead_names = tuple(BODY_TITLES.values())

    opening_re = OPENING_RE
    bodies = BODY_NAMES
    body_titles = BODY_TITLES
    annex_heading_re = ANNEX_HEADING_RE
    date_re = DATE_RE
    meeting_re = MEETING_RE
    without_vote_re = WITHOUT_VOTE_RE
    recorded_vote_re = RECORDED_VOTE_RE
    adopted_re = ADOPTED_RE
    agenda_re = AGENDA_RE
    agenda_title_lines = 3
    committee_report_re = COMMITTEE_REPORT_RE
    masthead_adoption_phrase = "adopted by the General Assembly"
    furniture_words_re = FURNITURE_WORDS_RE
    sentence_end = ".。"
    loose_markers = True

    def opening_formula(self, body: Body) -> str:
        return f"The {BODY_TITLES[body]},"

    def opens_preambular(self, text: str) -> bool:
        # After a page break, "Agenda 2063 adopted by …" or "S-29/1 of 12 February 2021" carry the paragraph on.
        return bool(PREAMBLE_OPENING_RE.match(text) or ITEM_RE.match(text))

    def opens_preambular_unbroken(self, text: str) -> bool:
        return bool(PREAMBLE_OPENING_RE.match(text))

    def continues_footnote(self, line: str) -> bool:
        return not OPERATIVE_NUMBER_RE.match(line)

    def is_marker(self, before: str, after: str) -> bool:
        """Glued to a word or punctuation ("albinism16", "Rights,1", "2021)15") or after a space following a word
        ("Development 8 and"), but not a number the words before it call for, nor the day of a date."""
        prev = before[-1:]
        if GLUED_BETWEEN_WORDS_BEFORE_RE.search(before) and GLUED_BETWEEN_WORDS_AFTER_RE.match(after):
            return True  # glued on both sides, as some extractions give a superscript: "albinism11and", "Women6and"
        if followed_by_word(prev, after):
            return False
        if DAY_OF_MONTH_RE.match(after):
            return False  # "55/91 of\n4 December 2000": the day of a date, even at the start of a line
        if not prev:
            return True
        if prev.isalpha() or prev in ",;:)”’\"]":
            return not re.search(r"(?:COVID|[A-Z]{2,})-?$", before) or prev in ",;:)”’\"]"
        if prev == " ":
            word = re.search(r"(\S+)\s+$", before)
            if not word:
                return True
            w = word.group(1)
            if w.isalpha() and NUMBER_GOES_ON_RE.match(after):
                return False  # "girls aged 15 to 19", "in 2 or 3 cases": the words count on (not "2023 28 and 18")
            if NUMBERED_WORD_RE.fullmatch(w):
                return False
            if re.fullmatch(r"(?:19|20)\d\d,?", w) and not re.search(r"(?:resolutions?|No\.|of)\s+\S+\s+$", before):
                return True  # "Geneva Conventions of 12 August 1949 1 and": a year, then the marker
            if re.fullmatch(r"[\d,./–-]+|[IVXLC]+|[A-Z]", w):
                return False
            return bool(re.search(r"[A-Za-z,;:)”’]$", w))
        return False

    def is_loose_marker(self, before: str, after: str, *, spaced: bool) -> bool:
        """The number is set apart by PyMuPDF's superscript gap ("resolution 8  was", "Goals 39  to"),
        follows a number it cannot belong to ("71/205 18 and", "73/263, 15 74/168", "2015–2030, 8 the",
        "of 1993, 2 which", "under age 5, 12 and that"), ends a list word's single number ("Goals 6 in"),
        follows a full stop ("this Convention.1"), is glued to a word in capitals ("HIV/AIDS7") or sits between a
        comma and a word ("Agreement,38and")."""
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

    def number_goes_on(self, following_line: str) -> bool:
        # Not an item letter: "(a) To …" on the next line is the next item, after a marker.
        return bool(NUMBER_GOES_ON_RE.match(" " + following_line.strip())) and not ITEM_RE.match(following_line)

    def parse_date(self, text: str) -> date | None:
        match = DATE_RE.search(text)
        return safe_date(int(match["year"]), MONTHS.index(match["month"]) + 1, int(match["day"])) if match else None

    def find_resolution_citations(
        self, text: str, *, document_body: Body, taken: list[tuple[int, int]]
    ) -> list[ParsedReference]:
        found = []
        council_at = symbols.first_mention(text, BODY_NAMES, Body.HUMAN_RIGHTS_COUNCIL)
        for word in RESOLUTION_WORD_RE.finditer(text):
            before = text[max(0, word.start() - 40) : word.start()]
            names = BODY_NAME_RE.findall(before)
            name = names[-1] if names else None
            next_word = RESOLUTION_WORD_RE.search(text, word.end())
            limit = next_word.start() if next_word else len(text)
            stop = RUN_BREAK_RE.search(text, word.end(), limit)
            end_of_run = stop.start() if stop else limit
            paragraphs_match = PARAGRAPHS_BEFORE_RE.search(text[max(0, word.start() - 120) : word.start()])
            paragraphs = paragraph_numbers(paragraphs_match.group("paragraphs")) if paragraphs_match else ()
            first = True
            window = text[word.end() : end_of_run]
            for match in RESOLUTION_NUMBER_RE.finditer(window):
                start, end = word.end() + match.start(), word.end() + match.end()
                if symbols.inside(taken, start):
                    continue
                # Only numbers that follow the word directly or a list separator, not dates inside the run.
                if first and text[word.end() : start].strip():
                    break
                session, number = match.group("session"), match.group("number")
                dated = DATED_RE.match(text, end)
                body = symbols.body_for(
                    name, BODY_NAMES, session, document_body,
                    council_named_before=council_at < start, year=int(dated.group("year")) if dated else None,
                )
                named = paragraphs if first else ()
                after = PARAGRAPHS_AFTER_RE.match(text, end)
                if after and not named:
                    named, end = paragraph_numbers(after.group("paragraphs")), after.end()
                found.append(ParsedReference(
                    symbol=symbols.resolution_symbol(body, session, number),
                    paragraphs=named,
                    start=word.start() if first else start,
                    end=end,
                ))
                first = False
            if first:
                old = OLD_GA_NUMBER_RE.match(text, SPACES_RE.match(text, word.end()).end())
                if old:
                    found.append(ParsedReference(
                        symbol=f"A/RES/{old.group('number')}({old.group('session')})", start=word.start(), end=old.end()
                    ))
        return found


RULES = English()
