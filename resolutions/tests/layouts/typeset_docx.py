"""Real Word files made with python-docx: paragraphs, list numbering from numbering.xml, footnotes in a
footnotes part (written with python-docx's low-level part and XML API), headers and footers with fields.
The same files go through LibreOffice for the PDF layouts it makes."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from .blocks import Block, Printed

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
LIST_ID = 41  # the numbering instance of the operative paragraphs (an id python-docx's template does not use)
# Where a line break would be read back with a space that the text does not have: a digit or letter touching
# a CJK glyph ("70/1号": the break could as well have hidden a space), and an enclosed numeral before its
# text ("㈡人人": the text parser joins lines with a space after ㈠…㈩, which it does not count as CJK).
UNSPACED_PAIR_RE = re.compile(r"(?<=[0-9A-Za-z\u3220-\u3243])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z])")
FIRST_FOOTNOTE_ID = 2  # ids 0 and 1 are the separators, as Word writes them: ids are not the numbers shown


@dataclass(frozen=True)
class DocxLayout:
    page: tuple[float, float] = (595.3, 841.9)  # points
    margins: tuple[float, float, float, float] = (72.0, 72.0, 72.0, 72.0)  # left, right, top, bottom
    font: str = "Noto Serif CJK SC"
    latin_font: str = "Liberation Serif"
    size: float = 10.5
    paragraphs: str = "both"  # "gap", "indent", "both" as for PdfLayout
    indent: float = 2.0  # in sizes
    numbering: str = "list"  # "list": operative numbers and item letters are list formatting; "style": from
    # a paragraph style with numbering; "typed": typed in the text
    masthead_table: bool = False  # the first two masthead lines side by side in a table (UN New York style)
    header: str = "symbol"  # what the page header holds: "symbol" or "" (nothing)
    footer: str = "page"  # "page": PAGE/NUMPAGES fields and the job number; "" nothing
    job: str = ""
    justify: bool = False


def make_docx(printed: Printed, layout: DocxLayout, *, symbol: str) -> bytes:
    """A .docx of `printed` in `layout`."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Pt(layout.page[0]), Pt(layout.page[1])
    section.left_margin, section.right_margin = Pt(layout.margins[0]), Pt(layout.margins[1])
    section.top_margin, section.bottom_margin = Pt(layout.margins[2]), Pt(layout.margins[3])
    normal = document.styles["Normal"]
    normal.font.name = layout.latin_font
    normal.font.size = Pt(layout.size)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), layout.font)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.2
    _add_numbering(document, layout)
    if layout.numbering == "style":
        _add_numbered_styles(document)
    notes: dict[int, int] = {}  # footnote number -> id, in order of first citation
    blocks = list(printed.blocks)
    start = 0
    if layout.masthead_table and len(blocks) >= 2 and blocks[0].role == blocks[1].role == "masthead":
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).paragraphs[0].add_run(blocks[0].text)
        right = table.cell(0, 1).paragraphs[0]
        right.add_run(blocks[1].text)
        right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        start = 2
    for block in blocks[start:]:
        paragraph = document.add_paragraph()
        _format_paragraph(paragraph, block, layout)
        text = block.text
        if block.label and layout.numbering == "typed":
            text = block.label + "\t" + text
            markers = tuple((n, o + len(block.label) + 1) for n, o in block.markers)
        else:
            markers = block.markers
        _add_text(paragraph, text, markers, notes)
    _add_footnotes(document, printed, notes)
    _add_header_footer(document, layout, symbol)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _format_paragraph(paragraph, block: Block, layout: DocxLayout) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    fmt = paragraph.paragraph_format
    gap = Pt(layout.size * 0.8) if layout.paragraphs in ("gap", "both") else Pt(0)
    if block.role == "heading":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before = Pt(layout.size)
        fmt.space_after = Pt(layout.size * 0.5)
        fmt.keep_with_next = True
        return
    if block.role in ("title", "closing"):
        fmt.space_before = Pt(layout.size)
        fmt.keep_with_next = block.role == "closing"  # the date, meeting and adoption stay on one page
        return
    if block.role == "masthead":
        return
    fmt.space_before = gap
    if layout.paragraphs in ("indent", "both"):
        fmt.first_line_indent = Pt(layout.size * layout.indent)
    if layout.justify:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if block.label and layout.numbering != "typed":
        level = 1 if block.label.startswith("(") else 0
        if layout.numbering == "style":
            paragraph.style = paragraph.part.document.styles["Operative Item" if level else "Operative"]
            fmt.first_line_indent = Pt(layout.size * layout.indent) if layout.paragraphs != "gap" else Pt(0)
        else:
            _number(paragraph, level)


def _number(paragraph, level: int) -> None:
    from docx.oxml import parse_xml

    props = paragraph._p.get_or_add_pPr()
    props.insert(0, parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{LIST_ID}"/></w:numPr>'))


def _add_numbering(document, layout: DocxLayout) -> None:
    """One list for the operative paragraphs: "1." at level 0, "(a)" at level 1, the number followed by a
    space; the first-line indent is the paragraph's own."""
    from docx.oxml import parse_xml

    numbering = document.part.numbering_part.element
    levels = []
    for level, number_format, text in ((0, "decimal", "%1."), (1, "lowerLetter", "(%2)")):
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:suff w:val="space"/></w:lvl>'
        )
    abstract = parse_xml(f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{LIST_ID}">'
                         f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>')
    nums = numbering.findall(f"{{{W_NS}}}num")
    if nums:
        nums[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="{LIST_ID}"><w:abstractNumId w:val="{LIST_ID}"/></w:num>'))


def _add_numbered_styles(document) -> None:
    """Paragraph styles whose numbering is the operative list's: the paragraphs only name the style."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml

    for name, level in (("Operative", 0), ("Operative Item", 1)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        props = style.element.get_or_add_pPr()
        props.insert(0, parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{level}"/><w:numId w:val="{LIST_ID}"/></w:numPr>'))


def _joined(text: str) -> str:
    """The pairs of UNSPACED_PAIR_RE kept on one line by a word joiner (U+2060, which the readers drop)."""
    return UNSPACED_PAIR_RE.sub("\u2060", text)


def _add_text(paragraph, text: str, markers: tuple[tuple[int, int], ...], notes: dict[int, int]) -> None:
    """The paragraph's runs: text, and a footnote reference run at each marker."""
    from docx.oxml import parse_xml

    position = 0
    for number, offset in sorted(markers, key=lambda m: (m[1], m[0])):
        if offset > position:
            paragraph.add_run(_joined(text[position:offset]))
            position = offset
        if number in notes:
            # Cited again: Word makes a new footnote of every reference, so a second citation of the same
            # footnote is its number set as a superscript (what a NOTEREF cross-reference field shows).
            paragraph._p.append(parse_xml(
                f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{number}</w:t></w:r>'
            ))
            continue
        note_id = notes.setdefault(number, FIRST_FOOTNOTE_ID + len(notes))
        paragraph._p.append(parse_xml(
            f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>'
        ))
    if position < len(text):
        paragraph.add_run(_joined(text[position:]))


def _add_footnotes(document, printed: Printed, notes: dict[int, int]) -> None:
    from xml.sax.saxutils import escape

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    if not notes:
        return
    entries = [
        '<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>',
    ]
    for number, note_id in notes.items():
        entries.append(
            f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
            f'<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="16"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {escape(printed.footnotes[number])}</w:t></w:r>'
            f'</w:p></w:footnote>'
        )
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">{"".join(entries)}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT_TYPE, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _add_header_footer(document, layout: DocxLayout, symbol: str) -> None:
    from docx.oxml import parse_xml
    from docx.shared import Pt

    section = document.sections[0]
    if layout.header == "symbol":
        paragraph = section.header.paragraphs[0]
        run = paragraph.add_run(symbol)
        run.font.size = Pt(layout.size * 0.75)
    if layout.footer == "page":
        paragraph = section.footer.paragraphs[0]
        for instruction in ("PAGE", None, "NUMPAGES"):
            if instruction is None:
                paragraph.add_run("/").font.size = Pt(layout.size * 0.75)
                continue
            paragraph._p.append(parse_xml(
                f'<w:fldSimple xmlns:w="{W_NS}" w:instr="{instruction}"><w:r><w:rPr><w:sz w:val="{int(layout.size * 1.5)}"/>'
                f'</w:rPr><w:t>1</w:t></w:r></w:fldSimple>'
            ))
        if layout.job:
            paragraph.add_run(" " + layout.job).font.size = Pt(layout.size * 0.75)
