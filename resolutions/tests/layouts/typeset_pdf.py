"""A small typesetter on reportlab's canvas: prints `Printed` blocks as a PDF in a given layout.

It breaks lines itself (CJK between glyphs, Latin at spaces, punctuation kept with its word, a footnote
marker with the word before it), keeps each footnote on the page of its marker, and draws the page
furniture, the footnote separator and the markers as the layout says. Deterministic: the same layout
gives the same bytes (reportlab's invariant mode).
"""
from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field

from .blocks import Block, Printed

FONT_FILES = {
    # name: (file, subfont index); TrueType outlines only (reportlab cannot embed CFF fonts such as Noto CJK).
    "WenQuanYi Zen Hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "WenQuanYi Zen Hei Sharp": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 1),
    "DejaVu Serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0),
    "Liberation Serif": ("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 0),
    "Liberation Sans": ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 0),
}
CID_FONTS = ("STSong-Light",)  # Adobe's CJK font, referenced and not embedded: the viewer substitutes one
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LETTER = (612.0, 792.0)
NARROW = (160 * MM, 240 * MM)

# Ideographs a line may break between; enclosed forms like ㈡ stay with what follows, as in print.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"
CLOSING = "，。、；：？！）》」』〕】”’,.;:?!)]%"
OPENING = "（《「『〔【“‘(["
UNIT_RE = re.compile(rf"[{CJK}]|[{CJK_PUNCT}“”‘’]| +|[^ {CJK}{CJK_PUNCT}“”‘’]+")


@dataclass(frozen=True)
class PdfLayout:
    page: tuple[float, float] = A4
    margins: tuple[float, float, float, float] = (72.0, 72.0, 72.0, 72.0)  # left, right, top, bottom
    font: str = "WenQuanYi Zen Hei"
    size: float = 10.5
    leading: float = 1.5  # line pitch in sizes
    footnote_size: float = 8.5
    paragraphs: str = "both"  # "gap": space between, no indent; "indent": first-line indent only; "both"
    indent: float = 2.0  # first-line indent, in sizes
    separator: str = "typed"  # "typed" (a row of underscores), "drawn" (a rule), "none"
    footnote_numbers: str = "plain"  # "plain" or "super" (raised, smaller) in the footnote area
    furniture: str = "newyork"  # "newyork": symbol at the top, page and job number at the foot; "geneva": all at
    # the top; "none" (the Universal Declaration as OHCHR prints it)
    furniture_order: tuple[str, ...] = ("symbol", "page", "job")
    job: str = ""  # the job number printed in the furniture ("" for none)
    barcode: bool = False
    justify: bool = False
    markers: str = "super"  # "super": raised and smaller; "inline": same size on the baseline (flat text)
    glue: bool = False  # no space after a marker: it touches the next word
    break_after: tuple[str, ...] = ()  # end a page after the first line ending in each of these (mid-paragraph)


@dataclass
class _Run:
    text: str
    marker: bool = False


@dataclass
class _Line:
    runs: list[_Run]
    x: float
    role: str
    size: float
    last: bool  # the paragraph's last line
    footnotes: list[int] = field(default_factory=list)
    gap_before: float = 0.0
    align: str = "left"
    keep_width: float = 0.0  # the measure the line was broken for (justification)


def register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, (path, index) in FONT_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    for name in CID_FONTS:
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def typeset(printed: Printed, layout: PdfLayout, *, symbol: str) -> bytes:
    """The PDF of `printed` in `layout`."""
    from reportlab import rl_config

    rl_config.invariant = 1  # no creation date or random id: the same layout gives the same bytes
    register_fonts()
    pages = _paginate(printed, layout)
    return _draw(pages, printed, layout, symbol)


# -- line breaking ------------------------------------------------------------------------------------


def _units(text: str, markers: tuple[tuple[int, int], ...], glue: bool) -> list[list[_Run]]:
    """`text` cut where a line may break; each unit a list of runs (a marker is a run of its own, kept with
    the word before it; closing punctuation stays with the word before it, opening with the word after)."""
    at: dict[int, list[int]] = {}
    for number, offset in markers:
        at.setdefault(offset, []).append(number)
    tokens: list[tuple[str, int]] = []
    for match in UNIT_RE.finditer(text):
        start = match.start()
        for cut in sorted(o for o in at if match.start() < o < match.end()):  # "Rights,1and": cut at the marker
            tokens.append((text[start:cut], start))
            start = cut
        tokens.append((text[start : match.end()], start))
    units: list[list[_Run]] = [[_Run(str(n), marker=True)] for n in at.get(0, [])]
    for token, start in tokens:
        if token.isspace():
            if not (glue and start in at):  # glued: the marker before it touches the next word
                units.append([_Run(" ")])
        elif units and not units[-1][0].text.isspace() and (
            token[0] in CLOSING or (not units[-1][-1].marker and units[-1][-1].text[-1] in OPENING)
        ):
            units[-1].append(_Run(token))
        else:
            units.append([_Run(token)])
        for number in at.get(start + len(token), []):
            units[-1].append(_Run(str(number), marker=True))
    return units


def _can_break(before: list[_Run], after: list[_Run]) -> bool:
    """A line may end between two units when a space separates them or both sides are CJK."""
    if before[-1].text.isspace() or after[0].text.isspace():
        return True
    last = next((run.text[-1] for run in reversed(before) if not run.marker), "")
    first = after[0].text[0]
    return bool(re.match(f"[{CJK}{CJK_PUNCT}”’]", last)) and bool(re.match(f"[{CJK}“‘（《「]", first))


def _width(runs: list[_Run], font: str, size: float, layout: PdfLayout) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    total = 0.0
    for run in runs:
        run_size = size * 0.6 if run.marker and layout.markers == "super" else size
        total += stringWidth(run.text, font, run_size)
    return total


def _break(units: list[list[_Run]], first_width: float, width: float, font: str, size: float, layout: PdfLayout):
    """Greedy line breaking; returns lists of runs, spaces at line ends dropped, neighbouring text runs merged."""
    widths = [_width(unit, font, size, layout) for unit in units]
    lines: list[list[_Run]] = []
    current: list[int] = []  # indexes of the units on the line being filled
    measure = first_width
    for index, unit in enumerate(units):
        inked = sum(widths[i] for i in current) + widths[index]
        if unit[0].text.isspace() or inked <= measure or not current:
            current.append(index)
            continue
        # Back up to the last place a line may end.
        cut = len(current)
        while cut > 0 and not _can_break(units[current[cut - 1]], units[current[cut]] if cut < len(current) else unit):
            cut -= 1
        if cut == 0:
            current.append(index)
            continue
        lines.append(_merged(_trim([run for i in current[:cut] for run in units[i]])))
        current = current[cut:] + [index]
        while current and units[current[0]][0].text.isspace():
            current.pop(0)
        measure = width
    if current:
        lines.append(_merged(_trim([run for i in current for run in units[i]])))
    return [line for line in lines if line]


def _merged(runs: list[_Run]) -> list[_Run]:
    out: list[_Run] = []
    for run in runs:
        if out and not run.marker and not out[-1].marker:
            out[-1] = _Run(out[-1].text + run.text)
        else:
            out.append(run)
    return out


def _trim(runs: list[_Run]) -> list[_Run]:
    runs = list(runs)
    while runs and runs[-1].text.isspace():
        runs.pop()
    while runs and runs[0].text.isspace():
        runs.pop(0)
    return runs


# -- pages ----------------------------------------------------------------------------------------------


@dataclass
class _Page:
    lines: list[tuple[_Line, float]] = field(default_factory=list)  # (line, baseline y)
    footnotes: list[int] = field(default_factory=list)


def _block_lines(block: Block, layout: PdfLayout, text_width: float) -> list[_Line]:
    size = layout.size
    font = layout.font
    role = block.role
    if role == "masthead":
        return [_Line([_Run(block.text)], 0.0, role, size * 0.85, True, align="left")]
    if role in ("heading", "closing"):
        return [_Line([_Run(block.text)], 0.0, role, size, True, align="center" if role == "heading" else "left")]
    text = (block.label + " " if block.label else "") + block.text
    shift = len(block.label) + 1 if block.label else 0
    markers = tuple((n, o + shift) for n, o in block.markers)
    indent = 0.0
    if role in ("paragraph", "opening", "intro") and layout.paragraphs in ("indent", "both"):
        indent = layout.indent * size
    units = _units(text, markers, layout.glue)
    broken = _break(units, text_width - indent, text_width, font, size, layout)
    lines = []
    for index, runs in enumerate(broken):
        line = _Line(runs, indent if index == 0 else 0.0, role, size, index == len(broken) - 1,
                     footnotes=[int(r.text) for r in runs if r.marker], keep_width=text_width - (indent if index == 0 else 0.0))
        lines.append(line)
    return lines


def _gap_before(block: Block, layout: PdfLayout) -> float:
    pitch = layout.size * layout.leading
    if block.role == "masthead":
        return pitch * 0.2
    if block.role in ("title", "heading", "closing"):
        return pitch * 0.8
    if block.role in ("paragraph", "opening", "intro"):
        return pitch * 0.6 if layout.paragraphs in ("gap", "both") else 0.0
    return 0.0


@functools.lru_cache(maxsize=4096)
def _footnote_lines(number: int, text: str, layout: PdfLayout, text_width: float) -> list[list[_Run]]:
    size = layout.footnote_size
    units = _units(text, (), False)
    head = [_Run(str(number), marker=layout.footnote_numbers == "super")]
    if layout.footnote_numbers == "plain":
        head.append(_Run(" "))
    lines = _break(units, text_width - _width(head, layout.font, size, layout), text_width, layout.font, size, layout)
    return [head + lines[0]] + lines[1:] if lines else [head]


def _footnote_height(numbers: list[int], printed: Printed, layout: PdfLayout, text_width: float) -> float:
    if not numbers:
        return 0.0
    pitch = layout.footnote_size * 1.25
    count = sum(len(_footnote_lines(n, printed.footnotes[n], layout, text_width)) for n in numbers)
    return layout.size * 2.0 + count * pitch


def _paginate(printed: Printed, layout: PdfLayout) -> list[_Page]:
    width, height = layout.page
    left, right, top, bottom = layout.margins
    text_width = width - left - right
    pages = [_Page()]
    y = height - top
    pending_breaks = list(layout.break_after)
    printed_notes: set[int] = set()  # a footnote cited again is printed once, on the page of its first marker
    closing = [b for b in printed.blocks if b.role == "closing"]
    for block in printed.blocks:
        lines = _block_lines(block, layout, text_width)
        gap = _gap_before(block, layout)
        for index, line in enumerate(lines):
            page = pages[-1]
            step = (line.size * layout.leading) + (gap if index == 0 and page.lines else 0.0)
            if closing and block is closing[0]:  # the closing lines are kept together on one page
                step += (len(closing) - 1) * (layout.size * layout.leading + _gap_before(block, layout))
            new_notes = [n for n in line.footnotes if n not in page.footnotes and n not in printed_notes]
            room = y - step - bottom - _footnote_height(page.footnotes + new_notes, printed, layout, text_width)
            if closing and block is closing[0]:
                step -= (len(closing) - 1) * (layout.size * layout.leading + _gap_before(block, layout))
            if room < 0 and page.lines:
                pages.append(_Page())
                page = pages[-1]
                y = height - top
                step = line.size * layout.leading
            y -= step
            page.lines.append((line, y))
            new_notes = [n for n in line.footnotes if n not in page.footnotes and n not in printed_notes]
            page.footnotes += new_notes
            printed_notes.update(new_notes)
            ends_with = "".join(r.text for r in line.runs if not r.marker).rstrip()[-1:]
            next_line = lines[index + 1] if index + 1 < len(lines) else None
            if (not line.last and ends_with in pending_breaks and len(page.lines) > 6 and next_line is not None
                    and _breakable_start(next_line, block)):
                pending_breaks.remove(ends_with)
                pages.append(_Page())
                y = height - top
    return [page for page in pages if page.lines]


def _breakable_start(line: _Line, block: Block) -> bool:
    """English text rules only go wrong when the line after the break starts like a sentence."""
    first = next((r.text for r in line.runs if not r.marker and r.text.strip()), "")
    if re.match(f"[{CJK}]", first):
        return True
    return first[:1].isupper() or first[:1].isdigit()


# -- drawing --------------------------------------------------------------------------------------------


def _draw(pages: list[_Page], printed: Printed, layout: PdfLayout, symbol: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=layout.page, invariant=1, pageCompression=1)
    width, _height = layout.page
    left, right, top, bottom = layout.margins
    text_width = width - left - right
    for number, page in enumerate(pages, start=1):
        for line, y in page.lines:
            _draw_line(pdf, line, y, layout, left, text_width)
        _draw_footnotes(pdf, page, printed, layout, left, bottom, text_width)
        _draw_furniture(pdf, number, len(pages), layout, symbol, left, right, top, bottom)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_runs(pdf, runs: list[_Run], x: float, y: float, size: float, layout: PdfLayout, char_space: float = 0.0,
               word_space: float = 0.0) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for run in runs:
        if run.marker and layout.markers == "super":
            run_size, rise = size * 0.6, size * 0.36
        else:
            run_size, rise = size, 0.0
        if word_space and run.text.isspace():
            x += stringWidth(run.text, layout.font, run_size) + word_space * len(run.text)
            continue
        text = pdf.beginText(x, y + rise)
        text.setFont(layout.font, run_size)
        text.setCharSpace(char_space)
        text.textOut(run.text)
        pdf.drawText(text)
        x += stringWidth(run.text, layout.font, run_size) + char_space * len(run.text)


def _draw_line(pdf, line: _Line, y: float, layout: PdfLayout, left: float, text_width: float) -> None:
    natural = _width(line.runs, layout.font, line.size, layout)
    if line.align == "center":
        x = left + max(0.0, (text_width - natural) / 2)
    else:
        x = left + line.x
    size = line.size
    if line.role == "masthead" and natural > text_width:
        size = line.size * text_width / natural * 0.98  # a long masthead line is set smaller, never wrapped
    char_space = word_space = 0.0
    if layout.justify and not line.last and line.role in ("paragraph", "intro", "title"):
        extra = line.keep_width - natural
        spaces = sum(r.text.count(" ") for r in line.runs if not r.marker)
        if spaces and extra > 0:
            word_space = extra / spaces
        elif extra > 0:
            glyphs = sum(len(r.text) for r in line.runs)
            char_space = extra / max(1, glyphs - 1)
    _draw_runs(pdf, line.runs, x, y, size, layout, char_space, word_space)


def _draw_footnotes(pdf, page: _Page, printed: Printed, layout: PdfLayout, left: float, bottom: float,
                    text_width: float) -> None:
    if not page.footnotes:
        return
    pitch = layout.footnote_size * 1.25
    lines = [runs for n in page.footnotes for runs in _footnote_lines(n, printed.footnotes[n], layout, text_width)]
    y = bottom + len(lines) * pitch
    rule_y = y + layout.size * 1.1
    if layout.separator == "typed":
        text = pdf.beginText(left, rule_y - layout.footnote_size * 0.2)
        text.setFont(layout.font, layout.footnote_size)
        text.textOut("_" * 18)
        pdf.drawText(text)
    elif layout.separator == "drawn":
        pdf.setLineWidth(0.5)
        pdf.line(left, rule_y, left + text_width * 0.3, rule_y)
    for runs in lines:
        _draw_runs(pdf, runs, left, y, layout.footnote_size, layout)
        y -= pitch


def _furniture_lines(number: int, pages: int, layout: PdfLayout, symbol: str) -> list[str]:
    page_text = f"{number}/{pages}" if layout.furniture == "newyork" else str(number)
    parts = {"symbol": symbol, "page": page_text, "job": layout.job}
    if layout.furniture == "newyork":
        return [parts["symbol"], " ".join(p for p in (parts["page"], parts["job"]) if p)]
    ordered = [parts[name] for name in layout.furniture_order if parts[name]]
    # Geneva: the first item on a line of its own, the other two together below it.
    return [ordered[0], " ".join(ordered[1:])] if len(ordered) > 1 else ordered


def _draw_furniture(pdf, number: int, pages: int, layout: PdfLayout, symbol: str, left: float, right: float,
                    top: float, bottom: float) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if layout.furniture == "none":
        return
    width, height = layout.page
    size = layout.size * 0.75
    lines = _furniture_lines(number, pages, layout, symbol)

    def put(text: str, y: float, at_right: bool) -> None:
        x = width - right - stringWidth(text, layout.font, size) if at_right else left
        pdf.setFont(layout.font, size)
        pdf.drawString(x, y, text)

    if layout.furniture == "newyork":
        if number > 1:
            put(lines[0], height - top + size * 2.5, number % 2 == 1)
        put(lines[1], bottom - size * 3.0, number % 2 == 1)
    else:
        if number > 1:
            put(lines[0], height - top + size * 4.0, number % 2 == 1)
            if len(lines) > 1:
                put(lines[1], height - top + size * 2.5, number % 2 == 1)
    if layout.barcode and number == 1:
        from reportlab.graphics.barcode import code39

        digits = re.sub(r"\D", "", layout.job)
        if digits:
            code = code39.Standard39(digits, barHeight=size * 2.2, barWidth=0.6, humanReadable=False, checksum=0)
            code.drawOn(pdf, left, bottom - size * 4.5)
            put(f"*{digits}*", bottom - size * 5.8, False)
