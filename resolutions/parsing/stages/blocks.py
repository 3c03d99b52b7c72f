"""Stage 2, blocks: where the parts of a resolution lie. The masthead, the numbered title, the opening formula,
the body, the closing lines (date, meeting, adoption) and an annex; and what the frame says of the resolution:
its symbol, body, session, number and title."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import symbols
from .. import text as t
from ..document import Body, ParseError
from .decode import Decoded

# The numbered title line: "45/32. 加强人权领域的技术合作和能力建设", "78/171. Persons with albinism".
TITLE_RE = re.compile(r"^\s*(?P<session>\d{1,4})/(?P<number>\d{1,4})\s*[.．]\s*(?P<title>\S.*)$")
# The opening formula follows the title within this many lines, or it was lost in extraction.
OPENING_REACH = 12
# A closing line with a date is short: "19 December 2023", "2020 年 10 月 7 日".
CLOSING_DATE_LINE = 24


@dataclass(frozen=True)
class Blocks:
    decoded: Decoded
    title_at: int  # the numbered title's line
    opening_at: int  # the opening formula's line, or the line before the body where the formula was lost
    opening: str  # as printed: "大会，", "The General Assembly,"; "" when lost
    title: str
    session: str
    number: str
    body: Body
    symbol: str
    body_lines: range  # from after the opening to the closing lines
    closing: tuple[str, ...]  # the closing lines, stripped
    closing_lines: range  # where they are
    tail: range  # from the closing lines to an annex: footnotes of the last page may stand there
    annex: range  # from the annex heading on; empty when there is none
    warnings: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[str, ...]:
        return self.decoded.lines

    @property
    def masthead(self) -> list[str]:
        return [line.strip() for line in self.lines[: self.title_at] if line.strip()]


def find_title(decoded: Decoded) -> int | None:
    """The line of the numbered title, None when there is none (a declaration, or no resolution)."""
    return next((i for i, line in enumerate(decoded.lines) if line.strip() and TITLE_RE.match(line)), None)


def find_blocks(decoded: Decoded) -> Blocks:
    """The parts of the resolution in `decoded`; ParseError when it has no numbered title or no opening."""
    lines, rules = decoded.lines, decoded.rules
    title_at = find_title(decoded)
    if title_at is None:
        first = next(i for i, line in enumerate(lines) if line.strip())
        raise ParseError(
            "No numbered title line (like '45/32. Title') was found: this is not a resolution.",
            line=first + 1,
            excerpt=lines[first].strip()[:80],
        )
    opening_at = next(
        (i for i in range(title_at + 1, min(len(lines), title_at + OPENING_REACH + 1)) if rules.opening_re.match(lines[i])),
        None,
    )
    warnings = []
    if opening_at is None:
        # Some extractions lose the opening formula: the title then ends at the first blank line.
        end = title_at + 1
        while end < len(lines) and lines[end].strip():
            end += 1
        if end >= len(lines) or not any(lines[i].strip() for i in range(end, len(lines))):
            raise ParseError(
                "The opening formula ('The General Assembly,' / '大会，') does not follow the title.",
                line=title_at + 1,
                excerpt=lines[title_at].strip()[:80],
            )
        opening_at, opening = end, ""
        warnings.append("no opening formula ('The General Assembly,') after the title")
    else:
        opening = lines[opening_at].strip()
    title_match = TITLE_RE.match(lines[title_at])
    title = title_match["title"]
    for i in range(title_at + 1, opening_at):
        title = t.join(title, lines[i])
    masthead_text = " ".join(line.strip() for line in lines[:title_at] if line.strip())
    body = _body(rules, opening, masthead_text)
    session, number = title_match["session"], title_match["number"]
    symbol = _masthead_symbol(lines[:title_at]) or symbols.resolution_symbol(body, session, number)
    body_lines, closing_lines, annex = _split_closing(decoded, opening_at + 1)
    tail = range(body_lines.stop if body_lines else 0, annex.start if annex else len(lines))
    return Blocks(
        decoded=decoded,
        title_at=title_at,
        opening_at=opening_at,
        opening=opening,
        title=t.squeeze_spaces(title),
        session=session,
        number=number,
        body=body,
        symbol=symbol,
        body_lines=body_lines,
        closing=tuple(lines[i].strip() for i in closing_lines if lines[i].strip()),
        closing_lines=closing_lines,
        tail=tail,
        annex=annex,
        warnings=tuple(warnings),
    )


def _body(rules, opening: str, masthead_text: str) -> Body:
    """The body the opening formula names; where it was lost, the one the masthead names (the Assembly unless
    another body is named and the masthead does not say the Assembly adopted it)."""
    if opening:
        name = re.sub(r"^The\s+|\s*[,，]$", "", opening)
        return rules.bodies.get(name) or Body.GENERAL_ASSEMBLY
    if rules.masthead_adoption_phrase and rules.masthead_adoption_phrase in masthead_text:
        return Body.GENERAL_ASSEMBLY
    named = (body for name, body in rules.bodies.items() if body not in (None, Body.GENERAL_ASSEMBLY) and name in masthead_text)
    return next(named, Body.GENERAL_ASSEMBLY)


def _masthead_symbol(lines: tuple[str, ...]) -> str:
    for line in lines:
        match = symbols.RESOLUTION_SYMBOL_RE.search(line)
        if match:
            return match["symbol"].rstrip(".")
    return ""


def _split_closing(decoded: Decoded, start: int) -> tuple[range, range, range]:
    """The body's lines, the closing lines (date, meeting, adoption) and the annex's lines."""
    lines, rules = decoded.lines, decoded.rules
    meeting_at = next((i for i in range(start, len(lines)) if rules.meeting_re.match(lines[i])), None)
    if meeting_at is None:
        return range(start, len(lines)), range(len(lines), len(lines)), range(len(lines), len(lines))
    begin = meeting_at
    # The date may sit just before the meeting line (Chinese) or just after it (English).
    back = meeting_at - 1
    while back > start and not lines[back].strip():
        back -= 1
    if back > start and rules.date_line_before_meeting and rules.date_re.fullmatch(lines[back].strip()):
        begin = back
    end = meeting_at + 1
    last = meeting_at
    while end < len(lines):
        line = lines[end].strip()
        if not line:
            end += 1
            continue
        dated = rules.parse_date(line) and len(line) < CLOSING_DATE_LINE
        if dated or rules.without_vote_re.search(line) or rules.recorded_vote_re.search(line):
            last = end
            end += 1
            continue
        break
    annex_at = next((i for i in range(end, len(lines)) if rules.annex_heading_re.match(lines[i])), len(lines))
    return range(start, begin), range(begin, last + 1), range(annex_at, len(lines))
