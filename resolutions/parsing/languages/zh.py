"""Chinese: how UN resolutions in Chinese print their frame, dates, numbers and citations."""
from __future__ import annotations

import re
from datetime import date

from .. import symbols
from .. import text as t
from ..document import Body, ParsedReference
from .base import LanguageRules, followed_by_word, safe_date

# Each body's name as Chinese texts print it, the first the official one: 大会, 人权理事会 …; 理事会 ("the
# Council") is the Human Rights Council in its own texts (symbols.body_for resolves it).
BODY_TITLES = {
    Body.GENERAL_ASSEMBLY: "大会",
    Body.HUMAN_RIGHTS_COUNCIL: "人权理事会",
    Body.COMMISSION_ON_HUMAN_RIGHTS: "人权委员会",
    Body.ECOSOC: "经济及社会理事会",
    Body.SECURITY_COUNCIL: "安全理事会",
}
BODY_NAMES: dict[str, Body | None] = {
    **{name: body for body, name in BODY_TITLES.items()},
    "经社理事会": Body.ECOSOC,
    "安理会": Body.SECURITY_COUNCIL,
    "理事会": None,
}
# The opening formula alone on its line: "大会，", "人权理事会，".
OPENING_RE = re.compile(r"^\s*(?P<opening>(?:大会|人权理事会|人权委员会|经济及社会理事会|安全理事会)\s*[，,])\s*$")
# "附件", "附件二".
ANNEX_HEADING_RE = re.compile(r"^\s*附件(?:[一二三四五六七八九十]+)?\s*$")
# A section heading's number alone on its line: "一", "二", or Roman as in other languages.
SECTION_NUMBER_RE = re.compile(r"^\s*(?:[IVX]{1,5}|[一二三四五六七八九十]{1,3})\s*$")
# "2020 年 10 月 7 日", "2012年12月20日".
DATE_RE = re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")
# The meeting on the closing lines: "第 60 次全体会议", "第 38 次会议".
MEETING_RE = re.compile(r"^\s*(?P<meeting>第\s*(?P<number>\d{1,4})\s*次(?:全体)?会议)\s*$")
WITHOUT_VOTE_RE = re.compile(r"未经表决获得通过|未经表决通过")
# "以 120 票赞成对 10 票反对、40 票弃权的记录表决通过".
RECORDED_VOTE_RE = re.compile(r"以\s*(?P<yes>\d+)\s*票(?:赞成)?对\s*(?P<no>\d+)\s*票(?:反对)?[、，,]\s*(?P<abstain>\d+)\s*票弃权")
# The masthead's adoption line: "人权理事会 2020 年 10 月 7 日通过的决议".
ADOPTED_RE = re.compile(r"(?:大会|理事会|委员会)\s*(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*通过")
# "议程项目 10", "议程项目 70(a)".
AGENDA_RE = re.compile(r"^\s*议程项目\s*(?P<item>[\d\s(),a-z和、]+?)\s*$")
# "[根据第三委员会的报告(A/67/457/Add.1)通过]".
COMMITTEE_REPORT_RE = re.compile(r"委员会的报告\s*[(（](?P<report>A/[\w./]+?)(?:,\s*para[^)]*)?[)）]")
# Printed beside the barcode on page one.
FURNITURE_WORDS_RE = re.compile(r"请回收")
# A footnote number is part of the text, not a marker, after 第 or a number, before a unit word (第 1 条,
# 25 周年 …), or after a word that numbers follow (目标 4, 附件 2).
UNIT_AFTER_RE = re.compile(r"\s*[年月日条段号次届项卷个%]")
NUMBERED_WORD_BEFORE_RE = re.compile(r"(?:目标|项目|第|附件|共|约)\s*$")

# A resolution cited in Chinese, alone or in a list, with the paragraphs named after it:
#   第 60/251 号决议                      -> 60/251
#   第 5/1 号和第 5/2 号决议               -> 5/1, 5/2
#   第 18/18 号决议第 3 和第 4 段           -> 18/18 paragraphs (3, 4)
#   第 43/173号决议, 第 70/1号决议, 第 2005/39 号决议
RESOLUTION_RE = re.compile(
    r"""
    第\s*(?P<numbers>\d{1,4}/\d{1,4}\s*号
        (?:\s*(?:和|及|以及|、|，)\s*第?\s*\d{1,4}/\d{1,4}\s*号)*)
    \s*决议
    (?:\s*第\s*(?P<paragraphs>\d{1,3}(?:\s*(?:和|、|及|至|，)\s*第?\s*\d{1,3})*)\s*段)?
    """,
    re.VERBOSE,
)
# One "60/251" inside the numbers group above.
NUMBER_PAIR_RE = re.compile(r"(?P<session>\d{1,4})/(?P<number>\d{1,4})")
# The words before a Chinese citation name the body: 大会…第 60/251 号决议, 理事会…第 5/1 号决议,
# 人权委员会第 2005/39 号决议. The nearest name before the citation, in the same clause, wins.
BODY_NAME_RE = re.compile("|".join(sorted(BODY_NAMES, key=len, reverse=True)))

NUMERAL_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(text: str) -> int:
    """四十五 -> 45, 六十七 -> 67, 十 -> 10."""
    total, current = 0, 0
    for char in text:
        if char in NUMERAL_DIGITS:
            current = NUMERAL_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


class Chinese(LanguageRules):
    code = "zh"
    name = "Chinese"
    script = "cjk"
    stop_words = frozenset({"的", "和", "在", "并", "与", "对", "其", "各", "为", "及"})
    masthead_names = tuple(BODY_TITLES.values())

    opening_re = OPENING_RE
    bodies = BODY_NAMES
    body_titles = BODY_TITLES
    annex_heading_re = ANNEX_HEADING_RE
    section_number_re = SECTION_NUMBER_RE
    date_re = DATE_RE
    meeting_re = MEETING_RE
    date_line_before_meeting = True
    without_vote_re = WITHOUT_VOTE_RE
    recorded_vote_re = RECORDED_VOTE_RE
    adopted_re = ADOPTED_RE
    agenda_re = AGENDA_RE
    agenda_title_lines = 1
    committee_report_re = COMMITTEE_REPORT_RE
    furniture_words_re = FURNITURE_WORDS_RE

    blank_line_after_every_line = True
    # A Chinese preambular paragraph ends with "，" (the last one too): "；" or "：" at a page's foot is a clause
    # of a sentence going on over the page (45/32 pp6 "……第 70/1号决议；" then "回顾各项可持续发展目标……").
    continues_over_page_after = "；："
    quoted_title_re = re.compile(r"《[^《》\n]{1,80}》[)）]?")
    sentence_end = ".。"
    footnotes_end_with = "。"

    def opening_formula(self, body: Body) -> str:
        return f"{BODY_TITLES[body]}，"

    def is_marker(self, before: str, after: str) -> bool:
        prev = before[-1:]
        nxt = after[:1]
        if followed_by_word(prev, after):
            return False
        if prev in "第" or re.search(r"第\s*$", before):  # (an empty `prev`, a line's start, is refused too)
            return False
        if re.search(r"[\d/.,]$", before.rstrip()) and not prev.isspace():
            return False
        if nxt and t.is_cjk(nxt) and UNIT_AFTER_RE.match(after):
            return False
        return not (prev == " " and NUMBERED_WORD_BEFORE_RE.search(before))

    def parse_date(self, text: str) -> date | None:
        match = DATE_RE.search(text)
        return safe_date(int(match["year"]), int(match["month"]), int(match["day"])) if match else None

    def read_number_word(self, text: str) -> int | None:
        return chinese_numeral(text) if text and all(c in NUMERAL_DIGITS or c in "十百" for c in text) else None

    def find_resolution_citations(
        self, text: str, *, document_body: Body, taken: list[tuple[int, int]]
    ) -> list[ParsedReference]:
        found = []
        council_at = symbols.first_mention(text, BODY_NAMES, Body.HUMAN_RIGHTS_COUNCIL)
        for match in RESOLUTION_RE.finditer(text):
            paragraphs = tuple(int(n) for n in re.findall(r"\d+", match.group("paragraphs") or ""))
            if match.group("paragraphs") and "至" in match.group("paragraphs") and len(paragraphs) == 2:
                paragraphs = tuple(range(paragraphs[0], paragraphs[1] + 1))
            before = symbols.clause_before(text, match.start(), "；。")
            names = BODY_NAME_RE.findall(before)
            pairs = list(NUMBER_PAIR_RE.finditer(match.group("numbers")))
            for index, pair in enumerate(pairs):
                session, number = pair.group("session"), pair.group("number")
                name = names[-1] if names else None
                body = symbols.body_for(
                    name, BODY_NAMES, session, document_body, council_named_before=council_at < match.start()
                )
                numbers = match.group("numbers")
                opening = numbers.rfind("第", 0, pair.start())
                closing = numbers.find("号", pair.end())
                start = match.start() if index == 0 else match.start("numbers") + (opening if opening >= 0 else pair.start())
                end = match.end() if index == len(pairs) - 1 else match.start("numbers") + closing + 1
                if symbols.inside(taken, start):
                    continue
                found.append(ParsedReference(
                    symbol=symbols.resolution_symbol(body, session, number),
                    paragraphs=paragraphs if index == len(pairs) - 1 else (),
                    start=start,
                    end=end,
                ))
        return found


RULES = Chinese()
