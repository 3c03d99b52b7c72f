"""What the parser's stages ask of a language: the one interface every rule set (zh.py, en.py, …) fills in.

A rule set is a subclass of LanguageRules with its patterns as class attributes and its judgements as methods;
its module exposes one instance as RULES. The stages never test a language code: they ask the rules.
Shared conventions of UN documents in every language (operative numbers "1.", items "(a)", footnote rules
"____", page numbers "3/7", job numbers, symbols) are defaults here; a language overrides what it prints
otherwise.
"""
from __future__ import annotations

import re
from datetime import date
from typing import ClassVar

from .. import text as t
from ..document import Body, ParsedReference

NEVER_RE = re.compile(r"(?!)")  # a pattern that matches nothing: a form the language does not print
# An operative paragraph number opening a line: "1.", " 12. 决定", "10. Calls upon", "３．".
OPERATIVE_NUMBER_RE = re.compile(r"^\s*(?P<number>\d{1,3})\s*[.．](?=\s|$)\s*")
# An operative number printed without its dot, before the paragraph's first word: "26 Condemns".
BARE_OPERATIVE_RE = re.compile(r"^\s*(?P<n>\d{1,3})\s+(?=[A-Z][a-z])")
# A lettered item opening a line: "(a) ", "(b)", "（c）".
ITEM_RE = re.compile(r"^\s*[(（](?P<letter>[a-z]{1,2})[)）]\s*")
# Roman item letters: "(i)", "(iv)": sub-items, or the ninth item (i) after (h).
ROMAN_ITEM_RE = re.compile(r"^[ivx]+$")
# A number alone on a line: a footnote marker set apart, a footnote's number, a paragraph number.
NUMBER_LINE_RE = re.compile(r"^\s*(?P<n>\d{1,3})\s*$")
# A footnote's first line: "3 Ibid.", "12 See A/78/1." (or its number alone, the text on the next line).
FOOTNOTE_START_RE = re.compile(r"^\s*(?P<n>\d{1,3})(?:\s+(?P<text>\S.*))?\s*$")


class LanguageRules:
    """The rules of one language. Attributes are compiled patterns or constants; methods judge a piece of text."""

    code = ""  # "zh", "en": the language code the archive stores
    name = ""  # "Chinese", "English"

    # -- evidence, for telling the language of a text (languages.detect) ---------------------------------------
    script = "latin"  # "cjk" or "latin": the script its running text is written in
    stop_words: frozenset[str] = frozenset()  # its commonest short words, lower case
    masthead_names: tuple[str, ...] = ()  # how its mastheads name the bodies: "General Assembly", "大会"

    # -- the frame of a resolution ----------------------------------------------------------------------------
    opening_re = NEVER_RE  # the opening formula alone on its line: "The General Assembly,", "大会，"
    bodies: ClassVar[dict[str, Body | None]] = {}  # body names as texts print them (None: "the Council", "its")
    body_titles: ClassVar[dict[Body, str]] = {}  # each body's official name in the language
    annex_heading_re = NEVER_RE  # "Annex", "Annex II", "附件", "附件二"
    section_number_re = re.compile(r"^\s*[IVX]{1,5}\s*$")  # a section heading's number alone on its line
    date_re = NEVER_RE  # a date as the language prints it (parse_date reads it)
    meeting_re = NEVER_RE  # the closing line naming the meeting: "50th plenary meeting", "第 60 次全体会议"
    date_line_before_meeting = False  # whether the adoption date is printed on the line above the meeting
    without_vote_re = NEVER_RE  # "Adopted without a vote", "未经表决获得通过"
    recorded_vote_re = NEVER_RE  # groups yes, no, abstain
    adopted_re = NEVER_RE  # the masthead's adoption line, group date: "adopted by the General Assembly on 19 …"
    agenda_re = NEVER_RE  # the masthead's agenda item, group item
    agenda_title_lines = 1  # how many masthead lines the agenda item's title may take
    agenda_title_end_re = re.compile(r"Resolution adopted|通过的决议|决议$|^\[")  # a line that ends the title
    committee_report_re = NEVER_RE  # "on the report of the Third Committee (A/78/472)", group report
    masthead_adoption_phrase = ""  # words of an Assembly masthead that settle the body when the opening is lost

    # -- page furniture ---------------------------------------------------------------------------------------
    furniture_words_re = NEVER_RE  # printed beside the barcode: "Please recycle", "请回收"

    # -- lines and paragraphs ---------------------------------------------------------------------------------
    operative_number_re = OPERATIVE_NUMBER_RE
    bare_operative_re = BARE_OPERATIVE_RE
    item_re = ITEM_RE
    roman_item_re = ROMAN_ITEM_RE
    number_line_re = NUMBER_LINE_RE
    footnote_start_re = FOOTNOTE_START_RE
    clause_end = ",;:.，；：。"  # what a line ends with when its clause is complete
    # What a preambular paragraph's last line at a page's foot ends with when the sentence goes on over the page
    # (a paragraph itself ends otherwise): then the next page's first line carries it on, whatever it starts with.
    continues_over_page_after = ""
    # A cited title as the language quotes it (《罗马规约》): a footnote marker glued after the same title again
    # cites the same footnote again (stage paragraphs, markers). None: the language has no such quotes.
    quoted_title_re: re.Pattern | None = None
    blank_line_after_every_line = False  # its extractions put a blank line after each line (indentation says more)
    sentence_end = "."  # what ends the last sentence of a paragraph
    footnotes_end_with = ""  # a footnote is over when its text ends with one of these ("。"); "" never

    def opens_preambular(self, text: str) -> bool:
        """Whether `text`, after a page break, opens a preambular paragraph rather than carrying on the one
        before it."""
        return True

    def opens_preambular_unbroken(self, text: str) -> bool:
        """Whether `text`, on the line after one ending in a comma or semicolon without a blank line between,
        still opens a new preambular paragraph (English: "Reaffirming further that …")."""
        return False

    def continues_footnote(self, line: str) -> bool:
        """Whether a line after a footnote's first line, and not itself footnote-numbered, carries it on even
        when the footnote looks finished."""
        return False

    # -- footnote markers -------------------------------------------------------------------------------------
    loose_markers = False  # whether the looser rules (is_loose_marker) are tried for footnotes on the page

    def is_marker(self, before: str, after: str) -> bool:
        """Whether the footnote number standing between `before` and `after` (about 120 characters each of the
        line) is the footnote's marker, not a number of the text."""
        raise NotImplementedError

    def is_loose_marker(self, before: str, after: str, *, spaced: bool) -> bool:
        """The looser rules, for the footnote due next and printed on this page; `spaced`: the extraction set
        the number apart as it does superscripts."""
        return False

    def number_goes_on(self, following_line: str) -> bool:
        """Whether a number ending a line is carried on by `following_line` ("aged 15" then "to 19")."""
        return False

    # -- dates and numbers ------------------------------------------------------------------------------------
    def parse_date(self, text: str) -> date | None:
        """The first date in `text` as this language prints dates; None when there is none (or it is no date)."""
        return None

    def read_number_word(self, text: str) -> int | None:
        """A number written as words: "四十五" -> 45; None when the language has no such rule or `text` is none."""
        return None

    def opening_formula(self, body: Body) -> str:
        """The opening formula of a resolution of `body`: "大会，", "The General Assembly,"."""
        return f"{self.body_titles[body]},"

    # -- citations and opening words --------------------------------------------------------------------------
    def find_resolution_citations(
        self, text: str, *, document_body: Body, taken: list[tuple[int, int]]
    ) -> list[ParsedReference]:
        """Resolutions cited in `text` in this language's words, skipping spans in `taken` (symbols found)."""
        return []


def followed_by_word(prev: str, after: str) -> bool:
    """A number glued to the letters, digits or signs after it ("5th", "5/1", "5%", "5-year") is no marker;
    a full stop after it is no obstacle when a word, not a digit, stands before ("… of the Covenant4.")."""
    nxt = after[:1]
    if nxt and (nxt.isalnum() and not t.is_cjk(nxt) or nxt in "/-–.%"):
        return not (nxt == "." and after[1:2] in ("", " ") and prev and not prev.isdigit())
    return False


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
