"""A typesetter of text extractions: a parsed real resolution laid out again as a PDF extraction gives it, in
varied layouts (line width, page length, where the page furniture goes, how footnote markers come out), so
that a test can assert that the parse of each layout is the parse of the original.

The layouts are those the text stages read (the geometry of PDFs and Word files is the readers' part):
- lines broken at spaces (English) or between two CJK characters (Chinese), never next to a number;
- paragraphs parted by a blank line, or (as the Chinese extractions) every line followed by a blank line and a
  paragraph's first line indented;
- pages of a given length, each ending with the footnotes first cited on it after a `_______________` rule;
- page furniture at the foot of each page (job number and page number, then symbol and running title), or at
  the top as Geneva prints it (symbol, page number and GE job number, either order);
- footnote markers glued to the word before them ("Rights,1") or alone on a line of their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from resolutions.parsing import Kind, ParsedResolution
from resolutions.parsing import text as t
from resolutions.parsing.stages import blocks, decode

CJK_OR_PUNCT_RE = re.compile(f"[{t.CJK_CHARS}{t.CJK_PUNCT}]")


@dataclass(frozen=True)
class Layout:
    width: int = 85  # characters a line holds (a CJK character counts one)
    page_lines: int = 40  # lines of body text and footnotes a page holds
    indented: bool = False  # a blank line after every line, paragraphs starting indented (Chinese extractions)
    markers_alone: bool = False  # footnote markers on lines of their own, not glued to the word before
    furniture: str = "foot"  # "foot" or "geneva" (at the top: symbol, page number, job number)
    geneva_job_first: bool = False  # Geneva furniture: the job number before the symbol
    number_alone: bool = False  # operative numbers on a line of their own ("1." then the text)


@dataclass(frozen=True)
class Source:
    """What a layout is made from: the original text's header and closing lines, and its parse."""

    header: tuple[str, ...]  # masthead, title and opening formula, as printed
    closing: tuple[str, ...]
    parsed: ParsedResolution


def source_of(text: str, parsed: ParsedResolution) -> Source:
    framed = blocks.find_blocks(decode.decode(text))
    header = tuple(line.rstrip() for line in framed.lines[: framed.opening_at + 1])
    return Source(header=header, closing=framed.closing, parsed=parsed)


def _pieces(text: str, markers: list[tuple[int, int]], chinese: bool) -> list[tuple[str, bool]]:
    """`text` cut where a line may break: (piece, is a marker) pairs; a marker piece is the footnote number."""
    by_offset: dict[int, list[int]] = {}
    for offset, number in markers:
        by_offset.setdefault(offset, []).append(number)
    pieces: list[tuple[str, bool]] = []
    start = 0
    for offset in [*sorted(by_offset), len(text)]:
        span = text[start:offset]
        pieces += [(piece, False) for piece in (_cjk_pieces(span) if chinese else _latin_pieces(span)) if piece]
        pieces += [(str(number), True) for number in by_offset.get(offset, [])]
        start = offset
        by_offset.pop(offset, None)
    return pieces


def _latin_pieces(text: str) -> list[str]:
    """Words with the space before them; a word starting with a digit or a bracket stays with the one before,
    so that no line starts with what looks like a number."""
    words = re.findall(r"\s*\S+", text)
    merged: list[str] = []
    for word in words:
        if merged and re.match(r"\s*[\d(（]", word):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def _cjk_pieces(text: str) -> list[str]:
    """One piece per CJK character; a run of anything else stays whole, with the characters around it."""
    pieces: list[str] = []
    for char in text:
        joinable = CJK_OR_PUNCT_RE.match(char) and pieces and CJK_OR_PUNCT_RE.match(pieces[-1][-1])
        if joinable and not re.search(r"[\d(（]", char):
            pieces.append(char)
        elif pieces and (not CJK_OR_PUNCT_RE.match(char) or not CJK_OR_PUNCT_RE.match(pieces[-1][-1])):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _lines(pieces: list[tuple[str, bool]], width: int, layout: Layout) -> list[tuple[str, tuple[int, ...]]]:
    """Pieces set in lines of `width`, each with the footnote numbers marked in it; markers glued to the piece
    before, or alone on a line."""
    lines: list[tuple[str, tuple[int, ...]]] = []
    current, marked = "", []

    def flush() -> None:
        nonlocal current, marked
        if current.strip():
            lines.append((current.strip(), tuple(marked)))
        current, marked = "", []

    for piece, marker in pieces:
        if marker and layout.markers_alone:
            flush()
            lines.append((piece, (int(piece),)))
        elif marker:
            current += piece
            marked.append(int(piece))
        elif current.strip() and len(current) + len(piece) > width:
            flush()
            current = piece.lstrip()
        else:
            current = current + piece if current else piece.lstrip()
    flush()
    return lines


def typeset(source: Source, layout: Layout) -> str:
    """The text of `source` laid out as `layout` says."""
    parsed = source.parsed
    chinese = parsed.language == "zh"
    footnotes = {note.number: note for note in parsed.footnotes}
    printed: set[int] = set()
    out: list[str] = list(source.header) + [""]
    page: list[str] = []  # the current page's body lines
    page_notes: list[str] = []
    pages = 1

    def furniture_foot(number: int) -> list[str]:
        return ["", "12-34567", f"{number}/\x00", source.parsed.symbol, "", ""]  # the total is known at the end

    def geneva_top(number: int) -> list[str]:
        symbol, page_number, job = source.parsed.symbol, str(number), "GE.20-13056(C)"
        top = [job, symbol, page_number] if layout.geneva_job_first else [symbol, page_number, job]
        return ["", *top, ""]

    def end_page() -> None:
        nonlocal page, page_notes, pages
        out.extend(page)
        if page_notes:
            out.extend(["", "_______________", ""] + page_notes)
        pages += 1
        out.extend(furniture_foot(pages - 1) if layout.furniture == "foot" else geneva_top(pages))
        page, page_notes = [], []

    def emit(line: str, *, first: bool = False) -> None:
        if len(page) + len(page_notes) >= layout.page_lines:
            end_page()
        if layout.indented:
            page.extend([(" " if first else "") + line, ""])
        else:
            page.append(line)

    for paragraph in parsed.paragraphs:
        prefix = f"({paragraph.item}) " if paragraph.item else f"{paragraph.number}. " if paragraph.kind == Kind.OPERATIVE else ""
        if paragraph.kind == Kind.ANNEX:
            raise ValueError("annexes are not typeset")
        markers = [(m.offset, m.number) for m in paragraph.footnotes]
        pieces = _pieces(paragraph.text, markers, chinese)
        width = layout.width - len(prefix)
        body = _lines(pieces, width, layout)
        if prefix and layout.number_alone and not paragraph.item:
            body = [(prefix.strip(), ()), *body]
        elif prefix:
            body[0] = (prefix + body[0][0], body[0][1])
        if not layout.indented and page:
            page.append("")
        for k, (line, marked) in enumerate(body):
            emit(line, first=k == 0)
            for number in marked:
                if number in printed:
                    continue
                printed.add(number)
                pieces_of_note = [(p, False) for p in (_cjk_pieces if chinese else _latin_pieces)(footnotes[number].text)]
                note_lines = [line for line, _ in _lines(pieces_of_note, layout.width - 4, layout)]
                page_notes.extend([f"{number} {note_lines[0]}", *note_lines[1:]])
    out.extend(page)
    if page_notes:
        out.extend(["", "_______________", ""] + page_notes)
    out.extend(["", *source.closing, ""])
    return "\n".join(out).replace("\x00", str(pages))
