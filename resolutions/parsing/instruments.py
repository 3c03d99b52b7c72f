"""Annexes and declarations read as the structured instruments they are.

An annex is cut into annex -> part / chapter / section -> article (number and title) -> numbered paragraph
-> lettered subparagraph -> roman point, in Chinese (附件, 第一部分, 第一章, 第 5 条, 1., (a), ㈠) and English
(Annex, Part I, Chapter II, Article 5, 1., (a), (i)); a preamble ("Preamble" / "序言", with its formulas "The
States Parties to the present Convention," and "Have agreed as follows:") and closing words ("IN WITNESS
WHEREOF …") are divisions of their own. Annexes after the first (interpretative notes, lists) stay separate
annexes: annex_2, annex_3 …

Every paragraph gets an Akoma Ntoso-style address that is the same in every language version, because it is
made of structure, never of positions in the printed page: annex_1/art_5/para_2, annex_1/art_2/para_1/subpara_e,
annex_1/art_11/para_1/subpara_a/point_ii, annex_1/preamble/para_3, annex_2/para_4; the Universal Declaration's
articles are art_19/para_1, art_29/para_2.

Pure Python: called from structure.py (annexes) and for declarations, never imports Django.
"""
from __future__ import annotations

import dataclasses
import re
import statistics
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from . import text as t
from .document import (
    DIVISION_EID_PREFIXES,
    DivisionKind,
    Kind,
    ParsedDivision,
    ParsedParagraph,
    ParsedResolution,
)
from .references import find_references

CHINESE_DIGITS = "零一二三四五六七八九十百"
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}

# An annex heading alone on its line: "Annex", "Annex II", "附件", "附件一".
ANNEX_HEADING_RE = re.compile(r"^\s*(?:Annex(?:\s+(?P<roman>[IVXL]+))?|附件(?P<zh>[一二三四五六七八九十]*))\s*$")
# Structural headings alone on their line (a title may follow on the next lines):
#   Part I, Part 2, 第一部分 / Chapter II, 第二章 / Section 1, Section A, 第一节 / Article 5, Article 13., Article 5 bis,
#   第 5 条, 第十九条 / Preamble, 序言
PART_RE = re.compile(r"^\s*(?:Part\s+(?P<en>[IVXL]+|\d{1,2})|第(?P<zh>[一二三四五六七八九十]+)部分)\s*$")
CHAPTER_RE = re.compile(r"^\s*(?:Chapter\s+(?P<en>[IVXL]+|\d{1,2})|第(?P<zh>[一二三四五六七八九十]+)章)\s*$")
SECTION_RE = re.compile(r"^\s*(?:Section\s+(?P<en>[IVXL]+|\d{1,2}|[A-Z])|第(?P<zh>[一二三四五六七八九十]+)节)\s*$")
ARTICLE_RE = re.compile(
    r"^\s*(?:Article\s+(?P<en>\d{1,3})(?:\s+(?P<suffix>bis|ter|quater))?\s*\.?"
    r"|第\s*(?P<zh>\d{1,3}|[一二三四五六七八九十百零]+)\s*条(?:\s*之(?P<zh_suffix>[二三四]))?)\s*$"
)
PREAMBLE_RE = re.compile(r"^\s*(?:Preamble|序\s*言)\s*$")
# The formulas that open and close a treaty's preamble.
FORMULA_RE = re.compile(
    r"^\s*(?:The\s+States\s+Parties\s+to\s+(?:the\s+present|this)\s+(?:Convention|Protocol|Covenant|Agreement)"
    r"|The\s+(?:General\s+Assembly|States\s+Parties)\s*,?\s*$"
    r"|Have\s+agreed\s+as\s+follows"
    r"|本(?:公约|议定书|盟约|协定)(?:各)?缔约国|兹协议如下|议定条款如下|协议如下)"
)
# The closing words of a treaty after its last article.
CONCLUSIONS_RE = re.compile(r"^\s*(?:IN\s+WITNESS\s+WHEREOF|DONE\s+at\b|为此，?\s*下列|下列签署人|下列全权代表)")
# A numbered paragraph: "1.", "12. Each State Party", "1. ㈠凡受刑事控告者" (the Chinese Declaration prints both).
PARAGRAPH_NUMBER_RE = re.compile(r"^\s*(?P<n>\d{1,3})\s*[.．](?=\s|$|[㈠-㈩\u4e00-\u9fff“‘(（])\s*(?P<tag>[㈠-㈩])?\s*")
# A lettered subparagraph: "(a)", "（b）", "(aa)".
LETTER_RE = re.compile(r"^\s*[(（](?P<letter>[a-z]{1,2})[)）]\s*")
# A point under a subparagraph: "(i)", "(iv)", "㈡", "(二)".
ROMAN_RE = re.compile(r"^\s*(?:[(（](?P<roman>[ivxl]{1,6})[)）]|(?P<circled>[㈠-㈩])|[(（](?P<zh>[一二三四五六七八九十]{1,3})[)）])\s*")
# What ends a paragraph, a subparagraph or a point.
TERMINAL_RE = re.compile(r"[.。;；:：,，!?！？]\s*$")
SENTENCE_END_RE = re.compile(r"[.。;；:：!?！？]\s*$")
# What may end the text before a lettered subparagraph or a point: "… technology system; or", "…; and".
LIST_GOES_ON_RE = re.compile(r"(?:[.。;；:：,，]|\b(?:and|or)|[及和或])\s*$")
# An annex's title does not end a sentence (its own first part may end with a semicolon, as 79/243's does).
TITLE_END_RE = re.compile(r"[.。:：,，]\s*$")

LEVELS = {
    DivisionKind.ANNEX: 0,
    DivisionKind.PART: 1,
    DivisionKind.CHAPTER: 2,
    DivisionKind.SECTION: 3,
    DivisionKind.PREAMBLE: 4,
    DivisionKind.ARTICLE: 4,
    DivisionKind.CONCLUSIONS: 4,
}
# Divisions whose paragraphs are addressed from them (annex_1/art_5/para_2); under parts, chapters and
# sections a paragraph is addressed from its annex (annex_2/para_4), since those number paragraphs on.
ADDRESSING = {DivisionKind.ANNEX, DivisionKind.PREAMBLE, DivisionKind.ARTICLE, DivisionKind.CONCLUSIONS}


def chinese_numeral(text: str) -> int:
    """十九 -> 19, 二十九 -> 29, 一百 -> 100 (the structure module's reading of Chinese numerals)."""
    from .structure import chinese_numeral as read

    return read(text)


def roman_value(text: str) -> int:
    """iv -> 4, XII -> 12."""
    total, previous = 0, 0
    for char in reversed(text.lower()):
        value = ROMAN_VALUES.get(char, 0)
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


def roman(number: int) -> str:
    """4 -> iv: the name of a point in an address, whichever language printed it (ii, ㈡ and (二) alike)."""
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out, number = out + letters, number - value
    return out


def heading_number(printed: str) -> int:
    """The value of a heading's number: "II" -> 2, "12" -> 12, "三" -> 3, "B" -> 2."""
    if printed.isdigit():
        return int(printed)
    if re.fullmatch(r"[IVXL]+", printed):
        return roman_value(printed)
    if re.fullmatch(r"[A-Z]", printed):
        return ord(printed) - ord("A") + 1
    return chinese_numeral(printed)


@dataclass
class Piece:
    """One line of the text to structure. `source` is what the caller needs to take the line's text (and its
    footnote markers) into a paragraph: structure.py's line, or nothing."""

    text: str
    block_start: bool
    source: object = None


@dataclass
class Block:
    """A paragraph, subparagraph or point being read: where it is, and the pieces of text that make it."""

    kind: Kind
    number: int
    item: str
    num: str
    container: ParsedDivision
    divisions: tuple[ParsedDivision, ...]
    name: str  # its last address step: "para_2", "intro", "formula_1", "subpara_a", "point_ii"
    parent: Block | None = None
    pieces: list[tuple[Piece, str]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"{self.parent.address if self.parent else self.container.eid}/{self.name}"

    @property
    def text(self) -> str:
        joined = ""
        for _, text in self.pieces:
            joined = t.join(joined, text)
        return joined


@dataclass
class _Container:
    """What is known while reading one addressing division: its numbering so far."""

    division: ParsedDivision
    numbered: bool = False  # has printed paragraph numbers
    next_number: int = 1
    unnumbered: int = 0
    paragraphs: list[Block] = field(default_factory=list)


class StructureReader:
    """Reads the pieces of one structured text in order and cuts them into divisions and blocks.

    `root` is the annex being read (None for a declaration, whose articles stand at the top: art_19);
    `articled` says whether "Article N" headings are the text's own articles (1, 2, 3 … in sequence) or, as
    in 79/243's interpretative notes, headings that name another text's articles.
    """

    def __init__(self, *, root: ParsedDivision | None, articled: bool, language: str, kind: Kind) -> None:
        self.root = root
        self.articled = articled
        self.language = language
        self.kind = kind  # what the paragraphs outside articles are: Kind.ANNEX, or Kind.PREAMBULAR
        self.stack: list[ParsedDivision] = [root] if root is not None else []
        self.containers: dict[str, _Container] = {}
        self.blocks: list[Block] = []
        self.current: Block | None = None  # the block text goes into
        self.paragraph: Block | None = None  # the paragraph the current subparagraph or point belongs to
        self.letter: Block | None = None  # the current subparagraph, parent of points
        self.sections = 0
        self.typical_length = 0

    # -- reading ------------------------------------------------------------------------------------
    def read(self, pieces: list[Piece]) -> list[Block]:
        lengths = [len(p.text.strip()) for p in pieces if p.text.strip()]
        self.typical_length = int(statistics.quantiles(lengths, n=10)[-1]) if len(lengths) >= 10 else 0
        i = 0
        while i < len(pieces):
            i = self._step(pieces, i)
        self._name_intros()
        return self.blocks

    def _step(self, pieces: list[Piece], i: int) -> int:
        piece = pieces[i]
        s = t.squeeze_spaces(piece.text)
        may_head = piece.block_start or self.current is None or bool(SENTENCE_END_RE.search(self.current.text))
        if may_head:
            heading = self._heading(s)
            if heading is not None:
                kind, printed, value = heading
                title, after = self._title_after(pieces, i + 1) if kind != DivisionKind.PREAMBLE else ("", i + 1)
                self._open(kind, value, printed=s.rstrip(". "), heading=title, suffix=printed)  # "Article 13." as printed
                return after
            if CONCLUSIONS_RE.match(s) and self.articled:
                self._open(DivisionKind.CONCLUSIONS, 0, printed="", heading="")
                self._new_paragraph(piece, s, numbered=None)
                return i + 1
            if not self.articled and self.root is not None and self._is_section_heading(pieces, i):
                end = self._block_end(pieces, i)
                heading_text = t.squeeze_spaces(" ".join(p.text for p in pieces[i:end]))
                self.sections += 1
                self._open(DivisionKind.SECTION, self.sections, printed="", heading=heading_text)
                return end
        self._text(piece, s, pieces, i)
        return i + 1

    def _heading(self, s: str) -> tuple[DivisionKind, str, int] | None:
        if PREAMBLE_RE.match(s):
            return DivisionKind.PREAMBLE, "", 0
        for kind, pattern in (
            (DivisionKind.PART, PART_RE),
            (DivisionKind.CHAPTER, CHAPTER_RE),
            (DivisionKind.SECTION, SECTION_RE),
        ):
            match = pattern.match(s)
            if match:
                printed = match["en"] or match["zh"]
                return kind, printed, heading_number(printed)
        match = ARTICLE_RE.match(s)
        if match and self.articled:
            printed = match["en"] or match["zh"]
            suffix = match["suffix"] or {"二": "bis", "三": "ter", "四": "quater"}.get(match["zh_suffix"] or "", "")
            return DivisionKind.ARTICLE, suffix, heading_number(printed)
        return None

    def _title_after(self, pieces: list[Piece], i: int) -> tuple[str, int]:
        """The title printed under a heading ("Statement of purpose", "总则"), on the heading's own block or the
        next one: at most three lines, none numbered, the last not ending a sentence. "" when there is none."""
        if i >= len(pieces):
            return "", i
        end = self._block_end(pieces, i)
        lines = [t.squeeze_spaces(p.text) for p in pieces[i:end]]
        if (
            not lines
            or len(lines) > 3
            or end >= len(pieces)
            or TERMINAL_RE.search(lines[-1])
            or any(self._starts_element(line) or self._heading(line) for line in lines)
        ):
            return "", i
        title = ""
        for line in lines:
            title = t.join(title, line)
        return title, end

    def _block_end(self, pieces: list[Piece], i: int) -> int:
        end = i + 1
        while end < len(pieces) and not pieces[end].block_start and not self._heading(t.squeeze_spaces(pieces[end].text)):
            end += 1
        return end

    def _starts_element(self, s: str) -> bool:
        return bool(PARAGRAPH_NUMBER_RE.match(s) or LETTER_RE.match(s) or ROMAN_RE.match(s))

    def _is_section_heading(self, pieces: list[Piece], i: int) -> bool:
        """In an annex without articles of its own: a short block of one or two lines that ends no sentence
        and is followed by more text ("Article 17" in 79/243's interpretative notes, "I. Principles")."""
        if not pieces[i].block_start:
            return False
        end = self._block_end(pieces, i)
        lines = [t.squeeze_spaces(p.text) for p in pieces[i:end]]
        text = " ".join(lines)
        return (
            end < len(pieces)
            and len(lines) <= 2
            and len(text) <= 120
            and not TERMINAL_RE.search(text)
            and not self._starts_element(text)
            and not FORMULA_RE.match(text)
        )

    # -- divisions ----------------------------------------------------------------------------------
    def _open(self, kind: DivisionKind, number: int, *, printed: str, heading: str, suffix: str = "") -> None:
        level = LEVELS[kind]
        while self.stack and LEVELS[self.stack[-1].kind] >= level and self.stack[-1] is not self.root:
            self.stack.pop()
        if kind == DivisionKind.ARTICLE:
            base = self.root.eid + "/" if self.root is not None else ""
            eid = f"{base}art_{number}{suffix}"
        elif kind in (DivisionKind.PREAMBLE, DivisionKind.CONCLUSIONS):
            eid = f"{self.root.eid}/{kind.value}" if self.root is not None else kind.value
        else:
            base = self.stack[-1].eid + "/" if self.stack else ""
            eid = f"{base}{DIVISION_EID_PREFIXES[kind]}_{number}"
        parent = self.stack[-1].eid if self.stack else ""
        division = ParsedDivision(kind=kind, eid=eid, number=number, num=printed, heading=heading, parent=parent)
        self.stack.append(division)
        self.current = self.paragraph = self.letter = None

    def _container(self) -> _Container:
        division = next((d for d in reversed(self.stack) if d.kind in ADDRESSING), None)
        if division is None:  # a declaration's text before its first article
            division = ParsedDivision(kind=DivisionKind.PREAMBLE, eid="preamble")
        if division.eid not in self.containers:
            self.containers[division.eid] = _Container(division)
        return self.containers[division.eid]

    def _kind(self) -> Kind:
        return Kind.ARTICLE if any(d.kind == DivisionKind.ARTICLE for d in self.stack) else self.kind

    # -- paragraphs ---------------------------------------------------------------------------------
    def _text(self, piece: Piece, s: str, pieces: list[Piece], i: int) -> None:
        container = self._container()
        previous_ends = self.current is None or bool(TERMINAL_RE.search(self.current.text))
        can_start = piece.block_start or previous_ends
        number = PARAGRAPH_NUMBER_RE.match(s)
        if number and can_start and self._number_due(container, int(number["n"]), piece):
            rest = s[number.end() :]
            letter = LETTER_RE.match(rest)
            if letter and letter["letter"] == "a":  # "12. (a) Each State Party …": a paragraph that opens with a list
                self._new_paragraph(Piece("", piece.block_start), "", numbered=int(number["n"]))
                self._new_letter(piece, rest[letter.end() :], "a")
                return
            self._new_paragraph(piece, rest, numbered=int(number["n"]))
            return
        point = ROMAN_RE.match(s)
        letter = LETTER_RE.match(s)
        can_start = (
            piece.block_start
            or self.current is None
            or not self.current.text.strip()  # "1." alone on its line, then "(a)"
            or bool(LIST_GOES_ON_RE.search(self.current.text))
        )
        if point and self.letter is not None and can_start and self._point_due(point, letter):
            self._new_point(piece, s[point.end() :], self._point_value(point), s[: point.end()].strip())
            return
        if letter and can_start and self._letter_due(letter["letter"]):
            self._new_letter(piece, s[letter.end() :], letter["letter"])
            return
        if FORMULA_RE.match(s) and container.division.kind == DivisionKind.PREAMBLE and piece.block_start:
            self._new_formula(piece, s)
            return
        if self.current is not None and not container.numbered and self._paragraph_break(piece, pieces, i):
            self._new_paragraph(piece, s, numbered=None)
            return
        if self.current is None:
            self._new_paragraph(piece, s, numbered=None)
            return
        self.current.pieces.append((piece, piece.text))

    def _number_due(self, container: _Container, n: int, piece: Piece) -> bool:
        if n == container.next_number:
            return True
        # A printed number that jumps (a paragraph lost in extraction) still opens one at a block start.
        return piece.block_start and container.next_number < n <= container.next_number + 2 and container.numbered

    def _letter_due(self, letter: str) -> bool:
        if self.paragraph is None:
            return letter == "a"
        expected = "a" if self.letter is None else _next_letter(self.letter.item.split("(")[0])
        return letter == expected

    def _point_due(self, point: re.Match, letter: re.Match | None) -> bool:
        value = self._point_value(point)
        points = [b for b in self.blocks if b.parent is self.letter]
        expected = len(points) + 1
        if value != expected:
            return False
        if letter is None:
            return True
        # "(i)" after "(h)" is a subparagraph, unless the subparagraph before it opens a list ("… entity that:").
        if points:
            return True
        return bool(re.search(r"[:：]\s*$", self.letter.text)) or not self._letter_due(letter["letter"])

    @staticmethod
    def _point_value(point: re.Match) -> int:
        if point["roman"]:
            return roman_value(point["roman"])
        if point["circled"]:
            return ord(point["circled"]) - ord("㈠") + 1
        return chinese_numeral(point["zh"])

    def _paragraph_break(self, piece: Piece, pieces: list[Piece], i: int) -> bool:
        """A new unnumbered paragraph: a new block after a finished sentence; in Chinese also a line after a
        short line ending in 。 (the Declaration's PDF sets paragraphs without blank lines between them)."""
        if self.current is None:
            return True
        if piece.text.lstrip()[:1].islower():
            return False  # "with the fraudulent or dishonest intent …" after a list finishes its sentence
        # A recital ends with a comma; anywhere else a paragraph ends a sentence (a page break after
        # "…平等保护，" goes on with the same paragraph).
        ends = TERMINAL_RE if self._container().division.kind == DivisionKind.PREAMBLE else SENTENCE_END_RE
        if piece.block_start and ends.search(self.current.text):
            return True
        if self.language == "zh" and self.typical_length and i > 0:
            before = pieces[i - 1].text.strip()
            return before.endswith("。") and len(before) < 0.8 * self.typical_length and pieces[i - 1].source is not None
        return False

    def _new_paragraph(self, piece: Piece, text: str, *, numbered: int | None) -> None:
        container = self._container()
        if numbered is not None:
            if not container.numbered:
                container.numbered = True
            number, name, num = numbered, f"para_{numbered}", f"{numbered}."
            container.next_number = numbered + 1
        else:  # not numbered in print: addressed by its place, number 0
            container.unnumbered += 1
            number, name, num = 0, f"para_{container.unnumbered}", ""
        block = Block(
            kind=self._kind(),
            number=number,
            item="",
            num=num,
            container=container.division,
            divisions=tuple(self.stack),
            name=name,
        )
        container.paragraphs.append(block)
        self._add(block, piece, text)
        self.paragraph = block
        self.letter = None

    def _new_formula(self, piece: Piece, text: str) -> None:
        container = self._container()
        formulas = sum(1 for b in container.paragraphs if b.name.startswith("formula_"))
        block = Block(
            kind=self._kind(),
            number=0,
            item="",
            num="",
            container=container.division,
            divisions=tuple(self.stack),
            name=f"formula_{formulas + 1}",
        )
        container.paragraphs.append(block)
        self._add(block, piece, text)
        self.paragraph = self.letter = None

    def _new_letter(self, piece: Piece, text: str, letter: str) -> None:
        if self.paragraph is None:
            self._new_paragraph(Piece("", piece.block_start), "", numbered=None)
        parent = self.paragraph
        block = Block(
            kind=parent.kind,
            number=parent.number,
            item=letter,
            num=f"({letter})",
            container=parent.container,
            divisions=parent.divisions,
            name=f"subpara_{letter}",
            parent=parent,
        )
        self._add(block, piece, text)
        self.letter = block

    def _new_point(self, piece: Piece, text: str, value: int, printed: str) -> None:
        parent = self.letter
        block = Block(
            kind=parent.kind,
            number=parent.number,
            item=f"{parent.item}({roman(value)})",
            num=printed,
            container=parent.container,
            divisions=parent.divisions,
            name=f"point_{roman(value)}",
            parent=parent,
        )
        self._add(block, piece, text)

    def _add(self, block: Block, piece: Piece, text: str) -> None:
        self.blocks.append(block)
        if text.strip() or piece.source is not None:
            block.pieces.append((piece, text))
        self.current = block

    def _name_intros(self) -> None:
        """Unnumbered paragraphs before the first numbered one of the same division are its introduction:
        annex_1/art_4/intro, not para_1 (which the printed "1." names)."""
        for container in self.containers.values():
            if not container.numbered:
                continue
            leading = [b for b in container.paragraphs if b.num == "" and not b.name.startswith("formula_")]
            for k, block in enumerate(leading, start=1):
                block.name = "intro" if len(leading) == 1 else f"intro_{k}"
                block.number = 0


def _next_letter(letter: str) -> str:
    if letter == "z":
        return "aa"
    if len(letter) == 2:
        return chr(ord(letter[0]) + 1) * 2
    return chr(ord(letter) + 1)


def articles_in_sequence(pieces: list[Piece]) -> bool:
    """Whether the "Article N" headings of a text are its own articles: numbered from 1 upwards (an excerpt
    may skip some), or two or more in a row; 79/243's interpretative notes head their paragraphs "Article 2",
    "Article 17", "Article 35": those name the Convention's articles."""
    numbers = []
    for piece in pieces:
        match = ARTICLE_RE.match(t.squeeze_spaces(piece.text))
        if match:
            numbers.append(heading_number(match["en"] or match["zh"]))
    if not numbers or any(a >= b for a, b in pairwise(numbers)):
        return False
    return numbers[0] == 1 or len(numbers) >= 2 and numbers[-1] - numbers[0] == len(numbers) - 1


def split_annexes(pieces: list[Piece]) -> list[tuple[ParsedDivision, list[Piece]]]:
    """The annexes of a text that starts with an annex heading: each annex division with its title read,
    and the pieces of its body."""
    starts = [i for i, piece in enumerate(pieces) if ANNEX_HEADING_RE.match(piece.text) and (i == 0 or piece.block_start)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    annexes = []
    for k, (start, end) in enumerate(zip(starts, starts[1:] + [len(pieces)]), start=1):
        heading = pieces[start].text.strip() if ANNEX_HEADING_RE.match(pieces[start].text) else ""
        body = pieces[start + 1 : end] if heading else pieces[start:end]
        title, body = _annex_title(body)
        annexes.append((ParsedDivision(kind=DivisionKind.ANNEX, eid=f"annex_{k}", number=k, num=heading, heading=title), body))
    return annexes


def _annex_title(body: list[Piece]) -> tuple[str, list[Piece]]:
    """The title under an annex heading: the blocks before its preamble, first heading or first paragraph
    (79/243: "United Nations Convention against Cybercrime;" and "Strengthening International Cooperation …")."""
    probe = StructureReader(root=None, articled=True, language="", kind=Kind.ANNEX)
    title, i = "", 0
    while i < len(body):
        end = i + 1
        while end < len(body) and not body[end].block_start:
            end += 1
        lines = [t.squeeze_spaces(p.text) for p in body[i:end]]
        text = " ".join(lines)
        if (
            end >= len(body)
            or len(lines) > 4
            or TITLE_END_RE.search(text)
            or probe._heading(lines[0]) is not None
            or probe._starts_element(lines[0])
            or FORMULA_RE.match(lines[0])
        ):
            break
        for line in lines:
            title = t.join(title, line)
        i = end
    return title, body[i:]


def structure_annexes(pieces: list[Piece], *, language: str) -> list[Block]:
    """Every annex of a resolution, from the pieces that follow its closing lines (the first is "Annex")."""
    blocks: list[Block] = []
    for annex, body in split_annexes(pieces):
        reader = StructureReader(root=annex, articled=articles_in_sequence(body), language=language, kind=Kind.ANNEX)
        found = reader.read(body)
        if not found:  # an annex of nothing but a title still keeps its text
            found = [_title_only_block(annex)]
        blocks.extend(found)
    return _unique_addresses(blocks)


def _title_only_block(annex: ParsedDivision) -> Block:
    block = Block(kind=Kind.ANNEX, number=0, item="", num="", container=annex, divisions=(annex,), name="para_1")
    block.pieces.append((Piece(annex.heading, True), annex.heading))
    return block


def _unique_addresses(blocks: list[Block]) -> list[Block]:
    """Sections that number their paragraphs afresh ("I." 1, 2 … "II." 1, 2 …) address them through the
    section (annex_1/sec_2/para_1), so that no two paragraphs share an address."""
    seen: dict[str, int] = {}
    for block in blocks:
        seen[block.address] = seen.get(block.address, 0) + 1
    if all(n == 1 for n in seen.values()):
        return blocks
    for block in blocks:
        if block.parent is None and seen.get(block.address, 0) > 1:
            section = next((d for d in reversed(block.divisions) if d.kind == DivisionKind.SECTION), None)
            if section is not None:
                block.container = section
    return blocks


# -- the Universal Declaration ------------------------------------------------------------------------

def structure_declaration(lines: list[str], parsed: ParsedResolution) -> ParsedResolution:
    """A declaration parsed by declaration.py, its articles read as articles (art_1 … art_30, each with its
    paragraphs: art_29/para_2) instead of operative paragraphs numbered by article; the preamble stays."""
    from .declaration import ARTICLE_RE as DECLARATION_ARTICLE_RE

    first = next((i for i, line in enumerate(lines) if DECLARATION_ARTICLE_RE.match(line)), None)
    if first is None:
        return parsed
    pieces: list[Piece] = []
    blank = True
    for line in lines[first:]:
        if not line.strip():
            blank = True
            continue
        pieces.append(Piece(line.strip(), blank, source=line))
        blank = False
    reader = StructureReader(root=None, articled=True, language=parsed.language, kind=Kind.ARTICLE)
    blocks = reader.read(pieces)
    articles = tuple(block_to_paragraph(block, body=parsed.body, language=parsed.language) for block in blocks)
    articles = tuple(p for p in articles if p.text or p.item or p.num)
    count = len({p.division.eid for p in articles if p.division is not None})
    return dataclasses.replace(
        parsed,
        paragraphs=tuple(p for p in parsed.paragraphs if p.kind == Kind.PREAMBULAR) + articles,
        warnings=tuple(w for w in parsed.warnings if "operative paragraphs numbered by article" not in w)
        + (f"parsed as a declaration: a preamble and {count} articles",),
    )


def block_to_paragraph(block: Block, *, body, language: str) -> ParsedParagraph:
    text = t.squeeze_spaces(block.text)
    return ParsedParagraph(
        kind=block.kind,
        number=block.number,
        text=text,
        item=block.item,
        references=find_references(text, document_body=body, language=language),
        address=block.address,
        divisions=block.divisions,
        num=block.num,
    )


# -- the hook structure.py calls ---------------------------------------------------------------------

def annex_paragraphs(parser, stream: list) -> list:
    """structure.py's annex text (its lines, furniture and footnotes already lifted, from the annex heading
    on) as the parser's own paragraphs, each carrying its address, divisions and printed number. Footnote
    markers are taken as in the body, but only for footnotes printed on the same page (article and paragraph
    numbers abound here)."""
    from .structure import _Para

    pieces = [Piece(line.text, line.block_start, source=line) for line in stream]
    state = getattr(parser, "marker_state", {"next": 1})
    paragraphs = []
    for block in structure_annexes(pieces, language=parser.language):
        first_line = next((piece.source for piece, _ in block.pieces if piece.source is not None), None)
        para = _Para(
            block.kind,
            block.number,
            item=block.item,
            line=first_line.index if first_line is not None else 0,
            address=block.address,
            divisions=block.divisions,
            num=block.num,
        )
        for piece, text in block.pieces:
            if piece.source is None:
                para.text = t.join(para.text, text)
            else:
                parser._append(para, text, piece.source, state, same_page_only=True)
        paragraphs.append(para)
    return paragraphs


# -- addresses a text had before it was read as a structure ------------------------------------------

OLD_ARTICLE_RE = re.compile(r"^op(?P<number>\d+)$")
OLD_ANNEX_RE = re.compile(r"^annex\d+$")
NOT_A_WORD_RE = re.compile(r"[\W_]+")


def former_addresses(leaving: list[tuple[str, str]], paragraphs: tuple[ParsedParagraph, ...] | list) -> dict[str, str]:
    """Old eid -> new eid for the paragraphs of a text whose addresses a new reading renamed.

    `leaving` are (eid, text) of the old paragraphs in document order. A paragraph whose text is unchanged
    leads to it; the Universal Declaration's opN (article N read as an operative paragraph) leads to art_N's
    first paragraph; a block of a flattened annex (annex1, annex2 …, headings and numbers run into its text)
    leads to the paragraph its first words are in now, a heading to the first paragraph under it.
    """
    by_text: dict[str, str] = {}
    for paragraph in paragraphs:
        by_text.setdefault(paragraph.text, paragraph.eid)
    eids = {p.eid for p in paragraphs}
    stream, owners = _word_stream(paragraphs)
    renamed: dict[str, str] = {}
    cursor = 0
    for eid, text in leaving:
        if eid in eids:
            continue
        target = by_text.get(text)
        old_article = OLD_ARTICLE_RE.match(eid)
        if target is None and old_article and f"art_{old_article['number']}/para_1" in eids:
            target = f"art_{old_article['number']}/para_1"
        if target is None and OLD_ANNEX_RE.match(eid):
            words = NOT_A_WORD_RE.sub("", text)
            at = stream.find(words[:60], cursor) if words else -1
            if at >= 0:
                target = owners[bisect_right(owners, (at, "\uffff")) - 1][1]
                cursor = at + len(words)
        if target is not None:
            renamed[eid] = target
    return renamed


def _word_stream(paragraphs) -> tuple[str, list[tuple[int, str]]]:
    """The words of a structured text run together, in reading order (headings, numbers, texts), and
    (offset, eid) of the paragraph each stretch belongs to: a heading belongs to the paragraph it heads."""
    pieces: list[tuple[str, str]] = []
    opened: set[str] = set()
    for paragraph in paragraphs:
        if not paragraph.address:
            continue
        for division in paragraph.divisions:
            if division.eid not in opened:
                opened.add(division.eid)
                pieces += [(division.num, paragraph.eid), (division.heading, paragraph.eid)]
        pieces += [(paragraph.num, paragraph.eid), (paragraph.text, paragraph.eid)]
    stream, owners = "", []
    for text, eid in pieces:
        words = NOT_A_WORD_RE.sub("", text)
        if words:
            owners.append((len(stream), eid))
            stream += words
    return stream, owners
