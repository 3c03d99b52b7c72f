"""Citations of other resolutions and documents, Chinese and English, each pattern a named regex."""
from __future__ import annotations

import re

from .document import Body, ParsedReference

# A resolution cited in Chinese, alone or in a list, with the paragraphs named after it:
#   第 60/251 号决议                      -> 60/251
#   第 5/1 号和第 5/2 号决议               -> 5/1, 5/2
#   第 18/18 号决议第 3 和第 4 段           -> 18/18 paragraphs (3, 4)
#   第 43/173号决议, 第 70/1号决议, 第 2005/39 号决议
RESOLUTION_ZH_RE = re.compile(
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
BODY_NAME_ZH_RE = re.compile(r"经济及社会理事会|经社理事会|安全理事会|安理会|人权委员会|人权理事会|理事会|大会")
BODY_NAMES_ZH = {
    "大会": Body.GENERAL_ASSEMBLY,
    "人权理事会": Body.HUMAN_RIGHTS_COUNCIL,
    "理事会": None,  # "the Council": the Human Rights Council in its own texts, else resolved below
    "人权委员会": Body.COMMISSION_ON_HUMAN_RIGHTS,
    "经济及社会理事会": Body.ECOSOC,
    "经社理事会": Body.ECOSOC,
    "安全理事会": Body.SECURITY_COUNCIL,
    "安理会": Body.SECURITY_COUNCIL,
}

# A UN document symbol: A/HRC/44/37, E/CN.4/2005/102/Add.1, A/67/279, A/67/457/Add.1, A/RES/67/161,
# A/37/351/Add.1/Corr.1, A/HRC/RES/45/32, S/RES/2250 (2015) (the year is not part of the symbol).
DOCUMENT_SYMBOL_RE = re.compile(
    r"""
    (?<![\w/])
    (?P<symbol>[AES]/(?:(?:[A-Z][A-Za-z]*(?:\.\d+)?|S-\d+|ES-\d+)/)*
        \d{1,4}(?:/\d{1,4})?
        (?:/(?:Add|Corr|Rev|Amend)\.\d+)*)
    (?![\w/])
    """,
    re.VERBOSE,
)

# An English citation: "resolution 77/228", "Human Rights Council resolution 52/27", "Commission on
# Human Rights resolution 2005/39", "resolutions 28/6 of 26 March 2015, 37/5 of 22 March 2018 and
# 46/12", "its resolutions 60/251 and 65/281". The word "resolution(s)" opens a run in which every
# session/number pair is a resolution until the clause ends or another kind of document is named.
RESOLUTION_WORD_EN_RE = re.compile(r"\b[Rr]esolutions?\b")
RESOLUTION_NUMBER_EN_RE = re.compile(r"(?<![\w/.-])(?P<session>S-\d{1,2}|\d{1,4})/(?P<number>\d{1,4})(?![\w/])")
# Old General Assembly numbering: resolution 217 A (III), 2200 A (XXI).
OLD_GA_NUMBER_EN_RE = re.compile(r"(?<![\w/])(?P<number>\d{2,4})\s*(?:[A-Z]\s*)?\((?P<session>[IVXL]+)\)")
# What ends a run of resolution numbers: a clause end or another kind of document.
RUN_BREAK_EN_RE = re.compile(r";|\.\s|\b(?:decisions?|reports?|documents?|conventions?|articles?|paragraphs?)\b", re.I)
BODY_NAME_EN_RE = re.compile(
    r"General Assembly|Human Rights Council|Commission on Human Rights|Economic and Social Council"
    r"|Security Council|Council|Assembly|its"
)
BODY_NAMES_EN = {
    "General Assembly": Body.GENERAL_ASSEMBLY,
    "Assembly": Body.GENERAL_ASSEMBLY,
    "Human Rights Council": Body.HUMAN_RIGHTS_COUNCIL,
    "Commission on Human Rights": Body.COMMISSION_ON_HUMAN_RIGHTS,
    "Economic and Social Council": Body.ECOSOC,
    "Security Council": Body.SECURITY_COUNCIL,
    "Council": None,
    "its": None,
}
# The adoption date printed after a resolution number: "37/5 of 22 March 2018".
DATED_EN_RE = re.compile(r"\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+(?P<year>\d{4})\b")
# Paragraph numbers as English prints them: "3", "3 and 4", "3, 4 and 7", "26 to 28", "3–5".
PARAGRAPH_NUMBERS_EN = r"\d{1,3}(?:\s*(?:,|and|to|–)\s*\d{1,3})*"
# The paragraphs named just before the word "resolution", with nothing between but the words that say
# whose resolution it is: "paragraph 3 of resolution 18/18", "paragraphs 3 and 4 of its resolution 18/18",
# "paragraphs 26 to 28 of its resolution 68/268", "paragraph 2 of Human Rights Council resolution 52/27".
# Not "paragraphs 84 to 86 of the Programme of Action and resolution …": those are another text's.
PARAGRAPHS_BEFORE_EN_RE = re.compile(
    rf"\bparagraphs?\s+(?P<paragraphs>{PARAGRAPH_NUMBERS_EN})\s+of\s+"
    r"(?:(?:its|the|General\s+Assembly|Human\s+Rights\s+Council|Commission\s+on\s+Human\s+Rights"
    r"|Economic\s+and\s+Social\s+Council|Security\s+Council|Council|Assembly)\s+)*$"
)
# The paragraphs named right after the resolution number (and its date): "resolution 77/228, paragraph 5",
# "resolution 9/5, para. 3", "resolution 60/251 of 15 March 2006, paragraphs 3 and 4"; not when the
# paragraphs are another text's ("resolution 77/228, paragraph 5 of the Declaration").
PARAGRAPHS_AFTER_EN_RE = re.compile(
    r"(?:\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4})?\s*,\s*(?:paragraphs?|paras?\.)\s+"
    rf"(?P<paragraphs>(?>{PARAGRAPH_NUMBERS_EN}))(?![\d/(])(?!\s*of\s+(?!which\b|that\b|it\b|the\s+resolution\b))"
)


# The General Assembly numbers its resolutions session/number from its 31st session (1976) on; before, 3379 (XXX).
# Session s of the General Assembly opens in September of 1945 + s: its resolutions are of that year or the next.
FIRST_GA_YEAR = 1945
# A smaller session, or a resolution of another year, is another body's: the Human Rights Council's when the text before names it.
HRC_NAMED_RE = re.compile(r"Human Rights Council|人权理事会")
FIRST_NUMBERED_GA_SESSION = 31


def resolution_symbol(body: Body, session: str, number: str) -> str:
    """The symbol of resolution `session`/`number` of `body`: A/RES/60/251, A/HRC/RES/5/1, E/CN.4/RES/2005/39."""
    if body == Body.HUMAN_RIGHTS_COUNCIL:
        return f"A/HRC/RES/{session}/{number}"
    if body == Body.COMMISSION_ON_HUMAN_RIGHTS:
        return f"E/CN.4/RES/{session}/{number}"
    if body == Body.ECOSOC:
        return f"E/RES/{session}/{number}"
    if body == Body.SECURITY_COUNCIL:
        return f"S/RES/{number}"
    if session.startswith("S-"):
        return f"A/RES/{session}/{number}"
    return f"A/RES/{session}/{number}"


def _body_for(
    name: str | None, names: dict, session: str, document_body: Body, before: str = "", year: int | None = None
) -> Body:
    """The body whose resolution session/number is: the one named just before, else guessed from the numbering.
    `before` is the text before the citation, searched for the Council when the numbering or the year of adoption
    (`year`, printed after the number) rules out the Assembly."""
    body = names.get(name) if name else None
    if body is not None:
        return body
    if name in ("理事会", "Council"):
        # "the Council" is the Human Rights Council unless the document itself is another council's.
        return document_body if document_body != Body.GENERAL_ASSEMBLY else Body.HUMAN_RIGHTS_COUNCIL
    if not session.isdigit():
        return document_body  # a special session's resolution (S-24/2) is the document body's own
    if len(session) == 4 and document_body in (Body.GENERAL_ASSEMBLY, Body.HUMAN_RIGHTS_COUNCIL):
        return Body.COMMISSION_ON_HUMAN_RIGHTS  # year-numbered resolutions: the Commission (2005/39)
    not_assembly = int(session) < FIRST_NUMBERED_GA_SESSION or (
        year is not None and year - FIRST_GA_YEAR not in (int(session), int(session) + 1)
    )
    if document_body == Body.GENERAL_ASSEMBLY and not_assembly and HRC_NAMED_RE.search(before):
        return Body.HUMAN_RIGHTS_COUNCIL  # "Human Rights Council resolutions 23/13 …, as well as resolutions 28/6"
    return document_body


def find_references(text: str, *, document_body: Body, language: str) -> tuple[ParsedReference, ...]:
    """Every citation in `text`, in order, with offsets into `text`."""
    found: list[ParsedReference] = []
    taken: list[tuple[int, int]] = []
    for match in DOCUMENT_SYMBOL_RE.finditer(text):
        symbol = match.group("symbol")
        if symbol.count("/") < 2 and not symbol.startswith("S/"):
            continue  # "A/37" alone is not a symbol
        found.append(ParsedReference(symbol=symbol, start=match.start(), end=match.end(), is_resolution="/RES/" in symbol))
        taken.append(match.span())
    if language == "zh":
        found.extend(_find_zh(text, document_body, taken))
    else:
        found.extend(_find_en(text, document_body, taken))
    return tuple(sorted(found, key=lambda r: r.start))


def _clause_before(text: str, position: int, separators: str) -> str:
    start = max(text.rfind(sep, 0, position) for sep in separators)
    return text[start + 1 : position]


def _find_zh(text: str, document_body: Body, taken: list[tuple[int, int]]):
    for match in RESOLUTION_ZH_RE.finditer(text):
        paragraphs = tuple(int(n) for n in re.findall(r"\d+", match.group("paragraphs") or ""))
        if match.group("paragraphs") and "至" in match.group("paragraphs") and len(paragraphs) == 2:
            paragraphs = tuple(range(paragraphs[0], paragraphs[1] + 1))
        before = _clause_before(text, match.start(), "；。")
        names = BODY_NAME_ZH_RE.findall(before)
        pairs = list(NUMBER_PAIR_RE.finditer(match.group("numbers")))
        for index, pair in enumerate(pairs):
            session, number = pair.group("session"), pair.group("number")
            body = _body_for(names[-1] if names else None, BODY_NAMES_ZH, session, document_body, text[: match.start()])
            numbers = match.group("numbers")
            opening = numbers.rfind("第", 0, pair.start())
            closing = numbers.find("号", pair.end())
            start = match.start() if index == 0 else match.start("numbers") + (opening if opening >= 0 else pair.start())
            end = match.end() if index == len(pairs) - 1 else match.start("numbers") + closing + 1
            if any(a <= start < b for a, b in taken):
                continue
            yield ParsedReference(
                symbol=resolution_symbol(body, session, number),
                paragraphs=paragraphs if index == len(pairs) - 1 else (),
                start=start,
                end=end,
            )


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


def _find_en(text: str, document_body: Body, taken: list[tuple[int, int]]):
    for word in RESOLUTION_WORD_EN_RE.finditer(text):
        before = text[max(0, word.start() - 40) : word.start()]
        names = BODY_NAME_EN_RE.findall(before)
        name = names[-1] if names else None
        next_word = RESOLUTION_WORD_EN_RE.search(text, word.end())
        limit = next_word.start() if next_word else len(text)
        stop = RUN_BREAK_EN_RE.search(text, word.end(), limit)
        end_of_run = stop.start() if stop else limit
        window = text[word.end() : end_of_run]
        paragraphs_match = PARAGRAPHS_BEFORE_EN_RE.search(text[max(0, word.start() - 120) : word.start()])
        paragraphs = paragraph_numbers(paragraphs_match.group("paragraphs")) if paragraphs_match else ()
        first = True
        for match in RESOLUTION_NUMBER_EN_RE.finditer(window):
            start, end = word.end() + match.start(), word.end() + match.end()
            if any(a <= start < b for a, b in taken):
                continue
            # Only numbers that follow the word directly or a list separator, not dates inside the run.
            gap = text[word.end() : start] if first else ""
            if first and gap.strip() not in ("",):
                break
            session, number = match.group("session"), match.group("number")
            dated = DATED_EN_RE.match(text, end)
            year = int(dated.group("year")) if dated else None
            body = _body_for(name, BODY_NAMES_EN, session, document_body, text[:start], year)
            named = paragraphs if first else ()
            after = PARAGRAPHS_AFTER_EN_RE.match(text, end)
            if after and not named:
                named, end = paragraph_numbers(after.group("paragraphs")), after.end()
            yield ParsedReference(
                symbol=resolution_symbol(body, session, number),
                paragraphs=named,
                start=word.start() if first else start,
                end=end,
            )
            first = False
        if first:
            old = OLD_GA_NUMBER_EN_RE.match(text, word.end() + len(text[word.end() :]) - len(text[word.end() :].lstrip()))
            if old:
                yield ParsedReference(
                    symbol=f"A/RES/{old.group('number')}({old.group('session')})", start=word.start(), end=old.end()
                )
