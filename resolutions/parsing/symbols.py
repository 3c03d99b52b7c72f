"""UN document symbols, the same in every language: how a symbol is written, how a resolution's is made, whose
resolution a session/number is. The language rule sets build their citation finders on these."""
from __future__ import annotations

import re
from bisect import bisect_right

from .document import Body

# A UN document symbol: A/HRC/44/37, E/CN.4/2005/102/Add.1, A/67/279, A/67/457/Add.1, A/RES/67/161,
# A/37/351/Add.1/Corr.1, A/HRC/RES/45/32, S/RES/2250 (2015) (the year is not part of the symbol),
# 另见A/HRC/44/37 (glued to the Chinese word before it: only a Latin letter, digit or slash there is refused).
DOCUMENT_SYMBOL_RE = re.compile(
    r"""
    (?<![A-Za-z0-9_/])
    (?P<symbol>[AES]/(?:(?:[A-Z][A-Za-z]*(?:\.\d+)?|S-\d+|ES-\d+)/)*
        \d{1,4}(?:/\d{1,4})?
        (?:/(?:Add|Corr|Rev|Amend)\.\d+)*)
    (?![A-Za-z0-9_/])
    """,
    re.VERBOSE,
)
# A resolution's symbol as a masthead or running header prints it: A/RES/78/171, A/HRC/RES/45/32.
RESOLUTION_SYMBOL_RE = re.compile(r"\b(?P<symbol>[AES]/(?:[A-Z][\w.]*/)*RES/[\w./()-]+)")
# The General Assembly numbers its resolutions session/number from its 31st session (1976) on; before, 3379 (XXX).
FIRST_NUMBERED_GA_SESSION = 31
# Session s of the General Assembly opens in September of 1945 + s: its resolutions are of that year or the next.
FIRST_GA_YEAR = 1945
# How far back the words naming a citation's body are looked for (a clause is shorter).
CLAUSE_REACH = 400


# Full-width digits, Latin letters, slash and full stop (第６７／１６１号决议, Ａ／ＨＲＣ／４４／３７), one for one with
# their ASCII forms: citations are looked for in the text so read, and their offsets stay those of the text.
FULL_WIDTH_TO_ASCII = str.maketrans(
    {chr(wide): chr(wide - 0xFEE0) for wide in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
    | {"／": "/", "．": "."}
)


def ascii_forms(text: str) -> str:
    """`text` with full-width digits, letters, slashes and full stops as ASCII; as long as `text`."""
    return text.translate(FULL_WIDTH_TO_ASCII)


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
    return f"A/RES/{session}/{number}"


def body_for(
    name: str | None,
    names: dict[str, Body | None],
    session: str,
    document_body: Body,
    *,
    council_named_before: bool = False,
    year: int | None = None,
) -> Body:
    """The body whose resolution session/number is: the one `name`d just before (a key of `names`, which maps
    a language's body names; None for "the Council", "its"), else the one its numbering points to.
    `council_named_before`: the text before the citation names the Human Rights Council, which is then the body
    when the numbering or the year of adoption (`year`, printed after the number) rules out the Assembly."""
    body = names.get(name) if name else None
    if body is not None:
        return body
    if name is not None and name in names and name.lower() != "its":
        # "the Council" is the Human Rights Council unless the document itself is another council's.
        return document_body if document_body != Body.GENERAL_ASSEMBLY else Body.HUMAN_RIGHTS_COUNCIL
    if not session.isdigit():
        return document_body  # a special session's resolution (S-24/2) is the document body's own
    if len(session) == 4 and document_body in (Body.GENERAL_ASSEMBLY, Body.HUMAN_RIGHTS_COUNCIL):
        return Body.COMMISSION_ON_HUMAN_RIGHTS  # year-numbered resolutions: the Commission (2005/39)
    not_assembly = int(session) < FIRST_NUMBERED_GA_SESSION or (
        year is not None and year - FIRST_GA_YEAR not in (int(session), int(session) + 1)
    )
    if document_body == Body.GENERAL_ASSEMBLY and not_assembly and council_named_before:
        return Body.HUMAN_RIGHTS_COUNCIL  # "Human Rights Council resolutions 23/13 …, as well as resolutions 28/6"
    return document_body


def first_mention(text: str, names: dict[str, Body | None], body: Body) -> int:
    """Where `text` first names `body` by one of `names`; len(text) when it never does."""
    found = [at for name, named in names.items() if named == body and (at := text.find(name)) >= 0]
    return min(found, default=len(text))


def clause_before(text: str, position: int, separators: str) -> str:
    """The words before `position` back to the nearest separator (at most CLAUSE_REACH characters)."""
    reach = max(0, position - CLAUSE_REACH)
    start = max(text.rfind(sep, reach, position) for sep in separators)
    return text[max(start + 1, reach) : position]


def document_symbols(text: str) -> list[tuple[str, int, int]]:
    """The document symbols written out in `text`: (symbol, start, end), in order; "A/37" alone is none."""
    return [
        (match.group("symbol"), match.start(), match.end())
        for match in DOCUMENT_SYMBOL_RE.finditer(text)
        if match.group("symbol").count("/") >= 2 or match.group("symbol").startswith("S/")
    ]


def inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether `position` falls inside one of `spans` (sorted, not overlapping)."""
    k = bisect_right(spans, (position, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= position < spans[k][1]
