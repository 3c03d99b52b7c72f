"""Stage 6, paragraphs: the running lines cut into preambular paragraphs, operative paragraphs numbered 1, 2 …,
their lettered items, section headings and annex paragraphs, each with its footnote markers taken out and
recorded at their offsets in the clean text."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import instruments
from .. import text as t
from ..document import FootnoteMarker, Kind, ParsedDivision, ParseError
from .lines import Line, Lines
from .markers import MarkerFinder

# An annex block shorter than this, even without closing punctuation, is a paragraph of its own (a heading).
ANNEX_HEADING_LENGTH = 80
# How many lines a section heading's title may take.
HEADING_LINES = 3


@dataclass(frozen=True)
class Paragraph:
    kind: Kind
    number: int
    text: str
    item: str = ""
    markers: tuple[FootnoteMarker, ...] = ()
    line: int = 0  # its first line in the decoded text
    heading: str = ""
    # In an annex read as an instrument (parsing/instruments.py): its address, divisions and printed number.
    address: str = ""
    divisions: tuple[ParsedDivision, ...] = ()
    num: str = ""


@dataclass(frozen=True)
class Paragraphs:
    lines: Lines
    paragraphs: tuple[Paragraph, ...]
    warnings: tuple[str, ...] = ()


@dataclass
class _Draft:
    """A paragraph as this stage builds it, line by line (frozen into a Paragraph when the stage ends)."""

    kind: Kind
    number: int
    item: str = ""
    line: int = 0
    heading: str = ""
    address: str = ""
    divisions: tuple[ParsedDivision, ...] = ()
    num: str = ""
    body: t.RunningText = field(default_factory=t.RunningText)
    markers: list[FootnoteMarker] = field(default_factory=list)

    def ends(self, characters: str) -> bool:
        return self.body.ends_with(characters)

    def frozen(self) -> Paragraph:
        return Paragraph(self.kind, self.number, self.body.text, self.item, tuple(self.markers), self.line, self.heading,
                         self.address, self.divisions, self.num)


def cut_paragraphs(lines: Lines) -> Paragraphs:
    """The paragraphs of the body and the annex; ParseError when there is no operative paragraph."""
    cutter = _Cutter(lines)
    drafts, warnings = cutter.body(lines.body)
    blocks = lines.footnotes.furniture.blocks
    rules = blocks.decoded.rules
    if not any(d.kind == Kind.OPERATIVE for d in drafts) and drafts and drafts[-1].ends(rules.sentence_end):
        # A resolution with one operative paragraph prints it unnumbered ("Takes note of the report …").
        drafts[-1].kind, drafts[-1].number = Kind.OPERATIVE, 1
    if not any(d.kind == Kind.OPERATIVE for d in drafts):
        raise ParseError(
            "No operative paragraphs (numbered '1.', '2.' …) were found.",
            line=blocks.opening_at + 1,
            excerpt=blocks.opening,
        )
    drafts += cutter.annex(lines.annex)
    paragraphs = tuple(d.frozen() for d in drafts if d.body.length or d.item or d.num or d.kind == Kind.OPERATIVE)
    cited = {m.number for p in paragraphs for m in p.markers}
    for note in lines.footnotes.notes:
        if note.number not in cited:
            warnings.append(f"footnote {note.number} is not cited by any paragraph")
    return Paragraphs(lines=lines, paragraphs=paragraphs, warnings=tuple(warnings))


class _Cutter:
    """Walks the lines once. Its changing values (the number due next, the paragraph being built) are its own."""

    def __init__(self, lines: Lines) -> None:
        decoded = lines.footnotes.furniture.blocks.decoded
        self.rules = decoded.rules
        self.ticking = decoded.deadline.ticking
        self.markers = MarkerFinder(lines)

    def body(self, stream: tuple[Line, ...]) -> tuple[list[_Draft], list[str]]:
        rules = self.rules
        terminal = rules.clause_end
        drafts: list[_Draft] = []
        warnings: list[str] = []
        next_operative = 1
        next_letter = "a"
        preamble_letter = "a"
        preambular = 0
        current: _Draft | None = None
        headings = self._section_headings(stream)
        heading = ""
        for k, line in enumerate(self.ticking(stream)):
            if k in headings:
                heading = t.join(heading, headings[k]) if heading else headings[k] + "."
                continue
            text = line.text
            previous_ends = current is not None and current.ends(terminal)
            op = rules.operative_number_re.match(text) if not rules.number_line_re.match(text) else None
            bare = rules.number_line_re.match(text) or rules.bare_operative_re.match(text)
            if bare and line.block_start and previous_ends and int(bare["n"]) == next_operative > 1:
                op = bare  # "26" printed without its dot where 26. is due, alone or before its verb
            item = rules.item_re.match(text)
            stripped = text.strip()
            new: _Draft | None = None
            can_start = current is None or previous_ends or line.block_start or not current.body.length
            op_number = int(op.group(1)) if op else 0
            if op and can_start and op_number == next_operative:
                new = _Draft(Kind.OPERATIVE, next_operative, line=line.index)
                next_operative += 1
                next_letter = "a"
                text = text[op.end() :]
            elif op and can_start and next_operative > 1 and op_number > next_operative and (line.block_start or previous_ends):
                warnings.append(f"operative numbering jumps from {next_operative - 1} to {op_number}")
                next_operative = op_number
                new = _Draft(Kind.OPERATIVE, next_operative, line=line.index)
                next_operative += 1
                next_letter = "a"
                text = text[op.end() :]
            elif (
                item
                and next_operative > 1
                and (line.block_start or previous_ends or current is not None and not current.body.length)
                and (item["letter"] == next_letter
                     or (next_letter != "a" and item["letter"] == "a" and not rules.roman_item_re.match(next_letter)))
                and not (rules.roman_item_re.match(item["letter"]) and item["letter"] != next_letter)
            ):
                new = _Draft(Kind.OPERATIVE, next_operative - 1, item=item["letter"], line=line.index)
                next_letter = chr(ord(item["letter"][-1]) + 1) if len(item["letter"]) == 1 else next_letter
                text = text[item.end() :]
            elif (
                item
                and next_operative == 1
                and current is not None
                and previous_ends
                and (line.block_start or line.after_break)
                and (
                    item["letter"] == "a" and not current.item and current.ends(":：")
                    or current.item and item["letter"] == preamble_letter
                )
            ):
                # Lettered items of a preambular paragraph ("Reaffirming that the Global Plan of Action was
                # developed:" then "(a) To promote …"): pp9(a), pp9(b) …, numbered as their chapeau.
                new = _Draft(Kind.PREAMBULAR, preambular, item=item["letter"], line=line.index)
                preamble_letter = chr(ord(item["letter"][-1]) + 1)
                text = text[item.end() :]
            elif next_operative == 1 and stripped and (
                current is None
                or (line.block_start and previous_ends and (not line.after_break or (
                    rules.opens_preambular(stripped) and not current.ends(rules.continues_over_page_after))))
                or (previous_ends and current.ends(",;") and rules.opens_preambular_unbroken(stripped))
            ):
                preambular += 1
                new = _Draft(Kind.PREAMBULAR, preambular, line=line.index)
            if new is not None:
                new.heading, heading = t.squeeze_spaces(heading), ""
                drafts.append(new)
                current = new
            if current is None:
                continue
            self._append(current, text, line)
        return drafts, warnings

    def annex(self, stream: tuple[Line, ...]) -> list[_Draft]:
        """The annexes (their lines from the first annex heading on) read as the instruments they are
        (parsing/instruments.py: annex -> chapter -> article -> paragraph, each paragraph with its address).
        Footnote markers are taken as in the body, but only for footnotes printed on the same page (article and
        paragraph numbers abound here)."""
        pieces = [instruments.Piece(line.text, line.block_start, source=line) for line in self.ticking(stream)]
        drafts: list[_Draft] = []
        if not pieces:
            return drafts
        for block in instruments.structure_annexes(pieces, language=self.rules.code):
            first = next((piece.source for piece, _ in block.pieces if piece.source is not None), None)
            draft = _Draft(block.kind, block.number, item=block.item, line=first.index if first is not None else 0,
                           address=block.address, divisions=block.divisions, num=block.num)
            for piece, text in block.pieces:
                if piece.source is None:
                    draft.body.add(text.strip())  # a heading the structure reader put together
                else:
                    self._append(draft, text, piece.source, same_page_only=True)
            drafts.append(draft)
        return drafts

    def _append(self, draft: _Draft, text: str, line: Line, *, same_page_only: bool = False) -> None:
        """Add one line's text to `draft`, its footnote markers taken out and recorded at their offsets."""
        text, markers = self.markers.take(text, line.index, same_page_only=same_page_only)
        piece = text.strip()
        lead = len(text) - len(text.lstrip())
        base = draft.body.add(piece)
        for position, number in markers:
            draft.markers.append(FootnoteMarker(number=number, offset=base + min(max(0, position - lead), len(piece))))

    def _section_headings(self, stream: tuple[Line, ...]) -> dict[int, str]:
        """Stream positions of section headings and their text: a section number alone ("I", "一"), then up to
        three lines without closing punctuation, then an operative number (78/234: "I" ⏎ "International
        Convention on the Elimination of All Forms of Racial Discrimination" ⏎ "1. Reaffirms …")."""
        rules = self.rules
        found: dict[int, str] = {}
        for k, line in enumerate(stream):
            if not line.block_start or not rules.section_number_re.match(line.text):
                continue
            title = stream[k + 1 : k + HEADING_LINES + 2]
            end = next((j for j, following in enumerate(title) if rules.operative_number_re.match(following.text)), None)
            if not end or any(_ends_clause(following.text, rules.clause_end) for following in title[:end]):
                continue
            found[k] = line.text.strip()
            for j in range(end):
                found[k + 1 + j] = title[j].text.strip()
        return found


def _ends_clause(text: str, characters: str) -> bool:
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in characters
