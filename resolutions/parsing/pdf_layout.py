"""A PDF's text rebuilt from the geometry of its pages, in the conventions the text parser reads.

pypdfium2 gives every character's box, baseline (origin) and every drawn object's bounds. From those:

- characters group into visual lines; a digit set smaller than its line and raised above its baseline is a
  superscript footnote marker and comes out alone on a line of its own (the parser's strongest marker form);
- a blank line goes where a paragraph starts: a vertical gap larger than the line pitch, or a first-line
  indent (a line starting right of the page's text margin where the line before it ended by choice, not
  because the next word did not fit; or where the line after it goes back to the margin);
- the footnote area starts at a footnote separator, typed (a row of underscores) or drawn (a short
  horizontal rule at the left margin with smaller text below it), or, with no separator at all, where the
  page ends in lines set smaller than the body whose first starts with a footnote number; a drawn or missing
  separator comes out as a typed `_______________` line;
- pages are separated by a form feed (the parser reads it as a line end). When the page before ends on a
  full line and the next page's first text line starts at the margin of a document whose paragraphs start
  indented, the sentence goes on across the page: no blank line is written between the two pages' text.
"""
from __future__ import annotations

import ctypes
import re
import statistics
import time
from dataclasses import dataclass, field

from .document import SourceError

FOOTNOTE_RULE = "_______________"
TYPED_RULE_RE = re.compile(r"^_{5,}$")
# A footnote's first line: its number, then the text ("3 Ibid.", "12 See …").
FOOTNOTE_NUMBER_RE = re.compile(r"^\d{1,3}(?:\s|$)")
FOOTNOTE_TEXT_RE = re.compile(r"^\d{1,3}\s+\S")
# A clause that could end a paragraph but seldom ends a sentence: "…2021,", "…;", "…的，", "…；", "…:”".
# (After a full stop the blank line stays: there a margin line may as well be a closing line or a heading.)
CLAUSE_END_RE = re.compile(r"[,;:，；：、][”’\")）]?$")
CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# Characters a line may begin with that do not make its first "word" longer: a CJK glyph is a word alone.
WORD_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f][\u3000-\u303f\uff00-\uffef]*|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")


@dataclass
class Glyph:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float  # the font size as set (font size times the text matrix scale)
    baseline: float
    generated: bool = False  # a space pdfium inferred from a gap, not a character of the PDF


@dataclass
class Line:
    glyphs: list[Glyph]
    size: float = 0.0
    baseline: float = 0.0
    left: float = 0.0
    right: float = 0.0
    markers: set[int] = field(default_factory=set)  # indexes of the glyphs that are superscript markers

    def measure(self) -> None:
        inked = [g for g in self.glyphs if not g.text.isspace()]
        self.size = statistics.median(g.size for g in inked)
        full = [g for g in inked if g.size >= self.size * 0.9] or inked
        self.baseline = statistics.median(g.baseline for g in full)
        self.markers = set()
        previous_marker = False
        for index, glyph in enumerate(self.glyphs):
            if glyph.text.isspace():
                continue
            raised = glyph.baseline > self.baseline + self.size * 0.15 or glyph.bottom > self.baseline + self.size * 0.1
            small = glyph.size < self.size * 0.8
            marker = glyph.text.isdigit() and small and (raised or previous_marker)
            if marker:
                self.markers.add(index)
            previous_marker = marker
        body = [g for i, g in enumerate(self.glyphs) if not g.text.isspace() and i not in self.markers] or inked
        self.left = min(g.left for g in inked)
        self.right = max(g.right for g in body)

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs).strip()

    def first_word_width(self) -> float:
        """Width of the line's first word (a CJK glyph alone, with the punctuation that must follow it)."""
        text = "".join(g.text for i, g in enumerate(self.glyphs) if i not in self.markers).lstrip()
        match = WORD_RE.match(text)
        if not match:
            return 0.0
        inked = [g for i, g in enumerate(self.glyphs) if not g.text.isspace() and i not in self.markers]
        count = len(match.group().replace(" ", ""))
        if not inked or count > len(inked):
            return 0.0
        return inked[count - 1].right - inked[0].left


@dataclass(frozen=True)
class Rule:
    left: float
    right: float
    y: float


@dataclass
class Page:
    width: float
    height: float
    lines: list[Line]
    rules: list[Rule]
    raw: str | None = None  # pdfium's own text, where it could not map its text to glyphs one to one


def read_pages(pdf, deadline: float, time_limit: float) -> list[Page]:
    """Every page's visual lines and horizontal rules; SourceError once `deadline` (monotonic, `time_limit`
    seconds after the start) is passed."""
    import pypdfium2 as pdfium

    pages = []
    for index in range(len(pdf)):
        if time.monotonic() > deadline:
            raise SourceError(
                f"Reading the PDF took longer than the {time_limit:g} s limit (stopped at page {index + 1})."
            )
        try:
            page = pdf[index]
            try:
                width, height = page.get_size()
                lines, raw = _page_lines(page, deadline, time_limit)
                rules = _page_rules(page)
            finally:
                page.close()
        except pdfium.PdfiumError as exc:
            raise SourceError(f"The PDF is damaged: page {index + 1} cannot be read ({exc}).") from exc
        pages.append(Page(width, height, lines, rules, raw))
    return pages


def _page_lines(page, deadline: float, time_limit: float) -> tuple[list[Line], str | None]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        full = textpage.get_text_range()
        if len(full) != count:  # pdfium could not map its text to glyphs one to one: no geometry to use
            return [], full.replace("\r\n", "\n")
        x, y = ctypes.c_double(), ctypes.c_double()
        glyphs: list[Glyph] = []
        broken = False
        for index, char in enumerate(full):
            if char in "\r\n":
                broken = True  # pdfium ends its line here; if the next glyph is on the same visual line, a space
                continue
            if char == "\ufffe":
                char = "-"  # pdfium's mark for a hyphen that ends a line: the hyphen printed there
            if not index % 500 and time.monotonic() > deadline:
                raise SourceError(f"Reading the PDF took longer than the {time_limit:g} s limit.")
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
            after_break = broken and glyphs and not char.isspace() and not glyphs[-1].text.isspace()
            if after_break and left - glyphs[-1].right > (top - bottom) * 0.1:
                last = glyphs[-1]
                glyphs.append(Glyph(" ", last.right, last.bottom, left, last.bottom, 0.0, last.baseline))
            broken = False
            generated = char.isspace() and pdfium_c.FPDFText_IsGenerated(textpage.raw, index) == 1
            glyphs.append(Glyph(char, left, bottom, right, top, _font_size(textpage, index, top - bottom), y.value,
                                generated))
    finally:
        textpage.close()
    lines = _visual_lines(_drop_false_spaces(glyphs))
    for line in lines:
        line.measure()
    return lines, None


def _font_size(textpage, index: int, box_height: float) -> float:
    """The glyph's size as set: the font size times the text matrix's vertical scale (the loose box's height
    depends on each font's ascent and descent, so a Latin digit's box is taller than a CJK glyph's)."""
    import pypdfium2.raw as pdfium_c

    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
    matrix = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFText_GetMatrix(textpage.raw, index, matrix):
        size *= (matrix.c**2 + matrix.d**2) ** 0.5
    return size if size > 1.01 or box_height <= 1.01 else box_height


def _drop_false_spaces(glyphs: list[Glyph]) -> list[Glyph]:
    """pdfium invents a zero-width space where justified text has a wide letter gap ("inc luding"); between a CJK
    glyph and a Latin letter the gap is a real space ("见 E/CN.4/…") that the font drew without a glyph."""
    kept = []
    for index, glyph in enumerate(glyphs):
        if glyph.text == " " and glyph.generated and glyph.right - glyph.left < 0.01 and 0 < index < len(glyphs) - 1:
            before, after = glyphs[index - 1], glyphs[index + 1]
            height = (before.top - before.bottom) or 1.0
            same_line = abs(after.bottom - before.bottom) < height * 0.5
            letters = before.text.isalpha() and after.text.isalpha() and not CJK_RE.match(before.text + after.text)
            # Measured on the English corpus: invented gaps are 0.11-0.14 of the font size, word spaces 0.17 and up.
            if same_line and 0 <= after.left - before.right < before.size * 0.16 and letters:
                continue
        kept.append(glyph)
    return kept


def _visual_lines(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs in content order, grouped into lines: a glyph joins the line whose height holds its middle.

    A glyph drawn out of order into a gap of the line (LibreOffice draws a Latin-font quote inside Chinese
    text after the rest of the line) joins it at its place; one drawn over a glyph already there (bold set
    as overprinted copies) starts a line of its own, as the text parser expects of four-fold bold."""
    lines: list[Line] = []
    reordered: set[int] = set()
    for glyph in glyphs:
        line = lines[-1] if lines else None
        if line is not None and glyph.text.isspace():
            line.glyphs.append(glyph)
            continue
        if line is not None:
            inked = [g for g in line.glyphs if not g.text.isspace()] or line.glyphs
            bottom = min(g.bottom for g in inked)
            top = max(g.top for g in inked)
            middle = (glyph.bottom + glyph.top) / 2
            last = next((g for g in reversed(line.glyphs) if not g.text.isspace()), line.glyphs[-1])
            if bottom <= middle <= top:
                if glyph.left > last.left - 2:
                    line.glyphs.append(glyph)
                    continue
                overlap = (glyph.right - glyph.left) * 0.2
                if not any(g.left < glyph.right - overlap and g.right > glyph.left + overlap for g in inked):
                    line.glyphs.append(glyph)
                    reordered.add(len(lines) - 1)
                    continue
        lines.append(Line([glyph]))
    for index in reordered:
        lines[index].glyphs = _in_reading_order(lines[index].glyphs)
    return [line for line in lines if any(not g.text.isspace() for g in line.glyphs)]


def _in_reading_order(glyphs: list[Glyph]) -> list[Glyph]:
    """A line's glyphs left to right; the spaces pdfium generated at the jumps are placed again by the gaps."""
    drawn = sorted((g for g in glyphs if not (g.text.isspace() and g.right - g.left < 0.01)), key=lambda g: g.left)
    out: list[Glyph] = []
    for glyph in drawn:
        if out and not glyph.text.isspace() and not out[-1].text.isspace():
            before = out[-1]
            if glyph.left - before.right > max(before.size, glyph.size) * 0.25:
                out.append(Glyph(" ", before.right, before.bottom, glyph.left, before.bottom, 0.0, before.baseline))
        out.append(glyph)
    return out


def _page_rules(page) -> list[Rule]:
    """Horizontal rules drawn on the page (thin paths at least 20 pt long), touching segments merged."""
    import pypdfium2.raw as pdfium_c

    segments = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom <= 2.0 and right - left >= 1.0:
            segments.append((round((top + bottom) / 2, 1), left, right))
    rules: list[Rule] = []
    for y, left, right in sorted(segments):
        if rules and abs(rules[-1].y - y) <= 0.6 and left <= rules[-1].right + 1.0:
            last = rules[-1]
            rules[-1] = Rule(last.left, max(last.right, right), last.y)
        else:
            rules.append(Rule(left, right, y))
    return [rule for rule in rules if rule.right - rule.left >= 20.0]


# -- from geometry to text --------------------------------------------------------------------------


@dataclass
class _Frame:
    """What a page's body text looks like: its size, line pitch, margins, and where its footnotes start."""

    size: float
    pitch: float
    left: float
    right: float
    indent: float | None = None  # the document's first-line indent, when its paragraphs have one
    footnotes_at: float | None = None  # baseline of the first footnote line
    drawn_rule: bool = False  # the separator is not typed: write one before the first footnote line


@dataclass
class _Row:
    line: Line | None  # None for a separator the reader writes
    pieces: list[str]
    blank: bool  # a blank line before it: a new paragraph or block


def pages_text(pages: list[Page]) -> str:
    """The text of `pages`, lines joined as the parser expects (see the module docstring)."""
    body_size = _body_size(pages)
    frames = [_frame(page, body_size) for page in pages]
    indent = _paragraph_indent(pages, frames)
    for frame in frames:
        frame.indent = indent
    indented = _paragraphs_start_indented(pages, frames)
    rows = [_page_rows(page, frame, body_size) for page, frame in zip(pages, frames)]
    continues = [False] + [
        indented and _continue_across(rows[n - 1], pages[n - 1], frames[n - 1], rows[n], pages[n], frames[n], body_size)
        for n in range(1, len(pages))
    ]
    out: list[str] = []
    for number, page_rows in enumerate(rows):
        if number:
            out.append("\f" if continues[number] else "\n\f")
        if pages[number].raw is not None:
            out.append(pages[number].raw)
            continue
        for index, row in enumerate(page_rows):
            if index:
                out.append("\n\n" if row.blank else "\n")
            out.append("\n".join(row.pieces))
    return "".join(out)


def _continue_across(rows_before: list[_Row], before: Page, before_frame: _Frame, rows_after: list[_Row],
                     after: Page, after_frame: _Frame, body_size: float) -> bool:
    """Whether the page break falls inside a paragraph; if so, clear the blank lines between its two halves
    (after the last text line of the page before, and before the first text line of the next)."""
    ending = _text_lines(before, before_frame, body_size)
    opening = _text_lines(after, after_frame, body_size)
    if not ending or not opening or not _runs_on(ending, opening, before_frame, after_frame, body_size):
        return False
    last_at = next(i for i, row in enumerate(rows_before) if row.line is ending[-1])
    first_at = next(i for i, row in enumerate(rows_after) if row.line is opening[0])
    text_before = {id(line) for line in ending}
    text_after = {id(line) for line in opening}
    # Text lines out of reading order (content streams may put them anywhere): do not guess.
    if any(row.line is not None and id(row.line) in text_before for row in rows_before[last_at + 1 :]):
        return False
    if any(row.line is not None and id(row.line) in text_after for row in rows_after[:first_at]):
        return False
    for row in rows_before[last_at + 1 :]:
        row.blank = False
    for row in rows_after[: first_at + 1]:
        row.blank = False
    return True


def _runs_on(ending: list[Line], opening: list[Line], before_frame: _Frame, after_frame: _Frame, body_size: float) -> bool:
    """The first text line of the next page starts at the margin, and the last one before the break had no
    room left for its first word."""
    last, first = ending[-1], opening[0]
    threshold = max(body_size * 0.8, 4.0)
    if abs(first.left - after_frame.left) >= threshold / 2:
        return False
    if last.right + body_size * 0.3 + first.first_word_width() < before_frame.right - body_size * 0.5:
        return False
    # Written without the blank line only where the words alone would read as a paragraph's end and a new
    # start ("…2021," + "S-29/1 of …", "…的，" + "并…"): elsewhere the page break stays as it always was.
    return bool(CLAUSE_END_RE.search(_plain(last))) and not _plain(first)[:1].islower()


def _body_size(pages: list[Page]) -> float:
    sizes: dict[float, int] = {}
    for page in pages:
        for line in page.lines:
            key = round(line.size, 1)
            sizes[key] = sizes.get(key, 0) + len(line.glyphs)
    return max(sizes, key=sizes.get) if sizes else 10.0


def _is_body(line: Line, body_size: float) -> bool:
    return abs(line.size - body_size) <= body_size * 0.08


def _frame(page: Page, body_size: float) -> _Frame:
    body = [line for line in page.lines if _is_body(line, body_size)]
    steps = [a.baseline - b.baseline for a, b in zip(page.lines, page.lines[1:])
             if 0 < a.baseline - b.baseline < a.size * 2.5]
    pitch = statistics.median(steps) if steps else body_size * 1.2
    rights = sorted(line.right for line in body)
    right = rights[int(len(rights) * 0.9)] if rights else page.width
    # The text margin: where full lines start (short masthead and closing lines may stand anywhere); the
    # leftmost such place that several full lines share, so that first-line indents do not count.
    lefts: dict[float, int] = {}
    for line in body:
        if line.right >= right - body_size * 2:
            lefts[round(line.left)] = lefts.get(round(line.left), 0) + 1
    if not lefts:
        for line in body:
            lefts[round(line.left)] = lefts.get(round(line.left), 0) + 1
    most = max(lefts.values(), default=0)
    shared = [x for x, n in lefts.items() if n >= max(2, most * 0.3)] or list(lefts)
    left = float(min(shared)) if shared else 0.0
    frame = _Frame(body_size, pitch, left, right)
    _find_footnotes(page, frame, body_size)
    return frame


def _find_footnotes(page: Page, frame: _Frame, body_size: float) -> None:
    """Where the footnote area starts: a typed rule, a drawn rule, or trailing small lines with a number."""
    typed = [line for line in page.lines if TYPED_RULE_RE.match(line.text)]
    if typed:
        frame.footnotes_at = typed[0].baseline
        return
    body = [line for line in page.lines if _is_body(line, body_size)]
    if not body:
        return
    lowest_body = min(line.baseline for line in body)
    for rule in sorted(page.rules, key=lambda r: -r.y):
        width = rule.right - rule.left
        if not (width <= (frame.right - frame.left) * 0.6 and abs(rule.left - frame.left) <= body_size * 3):
            continue
        below = [line for line in page.lines if line.baseline < rule.y]
        if not below or rule.y > page.height * 0.75:
            continue
        # An underline sits just below its own text: a separator has free space above it.
        if any(0 <= line.baseline - rule.y < line.size * 0.6 and line.left < rule.right and line.right > rule.left
               for line in page.lines):
            continue
        first = max(below, key=lambda line: line.baseline)
        if first.size < body_size * 0.92 or _starts_with_footnote_number(first):
            frame.footnotes_at = first.baseline
            frame.drawn_rule = True
            return
    # No separator: the page may still end in smaller lines opening with a footnote number.
    small_tail = [line for line in page.lines if line.baseline < lowest_body and line.size < body_size * 0.92]
    numbered = [line for line in small_tail if _starts_with_footnote_number(line, with_text=True)]
    if numbered:
        frame.footnotes_at = max(line.baseline for line in numbered)
        frame.drawn_rule = True


def _starts_with_footnote_number(line: Line, *, with_text: bool = False) -> bool:
    """The line opens with a superscript number, or a number and a space ("3 Ibid."); `with_text`: and words
    after it (a page number alone at the foot of a page is no footnote)."""
    starts_raised = 0 in line.markers or (line.glyphs and line.glyphs[0].text.isspace() and 1 in line.markers)
    if starts_raised and (not with_text or len(line.markers) < sum(1 for g in line.glyphs if not g.text.isspace())):
        return True
    return bool((FOOTNOTE_TEXT_RE if with_text else FOOTNOTE_NUMBER_RE).match(line.text))


def _in_footnotes(line: Line, frame: _Frame) -> bool:
    return frame.footnotes_at is not None and line.baseline <= frame.footnotes_at + 0.5


def _page_rows(page: Page, frame: _Frame, body_size: float) -> list[_Row]:
    """Each line of the page with its text pieces and whether a blank line goes before it."""
    rows: list[_Row] = []
    previous: Line | None = None
    rule_written = False
    for index, line in enumerate(page.lines):
        footnote = _in_footnotes(line, frame)
        blank = False
        if previous is not None:
            step = previous.baseline - line.baseline
            if step <= 0 or step > frame.pitch * 1.3 or not footnote and not _in_footnotes(previous, frame) and _starts_by_indent(page, index, frame, body_size):
                blank = True
        if footnote and frame.drawn_rule and not rule_written:
            rows.append(_Row(None, [FOOTNOTE_RULE], blank))
            rule_written = True
            blank = False
        rows.append(_Row(line, _pieces(line, footnote), blank))
        previous = line
    return rows


def _starts_by_indent(page: Page, index: int, frame: _Frame, body_size: float) -> bool:
    """Whether line `index` opens a paragraph shown only by its first-line indent: it starts right of the
    margin and the line before ended with room for this line's first word (it ended by choice), or it starts
    at the document's paragraph indent right under a line at the margin (a block set in at that indent, or
    a hanging indent's continuation, has the lines before it set in too)."""
    line = page.lines[index]
    previous = page.lines[index - 1]
    threshold = max(body_size * 0.8, 4.0)
    if not (_is_body(line, body_size) and _is_body(previous, body_size)) or line.left < frame.left + threshold:
        return False
    if previous.right + body_size * 0.3 + line.first_word_width() < frame.right - body_size * 0.5:
        return True
    if frame.indent is None or abs(line.left - frame.left - frame.indent) > 1.5:
        return False
    return abs(previous.left - frame.left) <= 1.5


def _plain(line: Line) -> str:
    """The line's words without its superscript markers."""
    return "".join(g.text for i, g in enumerate(line.glyphs) if i not in line.markers).strip()


def _pieces(line: Line, footnote: bool) -> list[str]:
    """The line's text; each superscript marker alone on a line of its own ("Rights," "1" "and …").
    In the footnote area a superscript number opening the line is the footnote's number: "1 See …"."""
    pieces: list[str] = []
    current: list[str] = []
    marker: list[str] = []
    glyphs = line.glyphs
    leading = True
    for index, glyph in enumerate(glyphs):
        if index in line.markers:
            marker.append(glyph.text)
            continue
        if marker:
            if footnote and leading:
                current.extend(marker + [" "])
            else:
                pieces.append("".join(current))
                pieces.append("".join(marker))
                current = []
            marker = []
        if not glyph.text.isspace():
            leading = False
        current.append(glyph.text)
    if marker:
        pieces.append("".join(current))
        pieces.append("".join(marker))
        current = []
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def _paragraph_indent(pages: list[Page], frames: list[_Frame]) -> float | None:
    """The first-line indent most indented text lines share (None when fewer than three lines share one)."""
    counts: dict[float, int] = {}
    for page, frame in zip(pages, frames):
        for line in page.lines:
            offset = line.left - frame.left
            if _is_body(line, frame.size) and not _in_footnotes(line, frame) and offset >= max(frame.size * 0.8, 4.0):
                key = round(offset * 2) / 2
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k] + counts.get(k - 0.5, 0) + counts.get(k + 0.5, 0), -k))
    total = counts[best] + counts.get(best - 0.5, 0) + counts.get(best + 0.5, 0)
    return best if total >= 3 and total >= sum(counts.values()) * 0.4 else None


def _paragraphs_start_indented(pages: list[Page], frames: list[_Frame]) -> bool:
    """Whether the document's paragraphs open with a first-line indent: most lines that follow a paragraph
    gap start right of the margin."""
    starts = indented = 0
    for page, frame in zip(pages, frames):
        previous = None
        for line in page.lines:
            if _in_footnotes(line, frame) or not _is_body(line, frame.size):
                previous = None
                continue
            if previous is not None and frame.pitch * 1.3 < previous.baseline - line.baseline < frame.pitch * 3:
                starts += 1
                indented += line.left >= frame.left + max(frame.size * 0.8, 4.0)
            previous = line
    return starts >= 3 and indented >= starts * 0.75


def _text_lines(page: Page, frame: _Frame, body_size: float) -> list[Line]:
    """The page's body-size lines above its footnotes, top to bottom."""
    return sorted((line for line in page.lines if _is_body(line, body_size) and not _in_footnotes(line, frame)),
                  key=lambda line: -line.baseline)
