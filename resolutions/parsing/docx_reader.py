"""A Word (.docx) file as the text the parser reads.

The package is checked first (archives.checked_package: no decompression bomb reaches python-docx). Then
the body is read in order, paragraphs and the paragraphs of tables and content controls, each as an
indented line with a blank line after it:

- a paragraph numbered by list formatting (its own numPr or its style's) gets the number Word shows,
  worked out from numbering.xml (counters per list, lower levels restarting, "%1." / "(%2)" patterns,
  decimal, letters, roman and Chinese numerals);
- a footnote reference comes out as the footnote's number alone on a line of its own where the reference
  stands (numbered in order of appearance, as Word numbers them, whatever the footnotes' ids); the footnotes
  themselves follow the body, after a `_______________` separator, one per line ("3 See …");
- headers and footers are never read; deleted (tracked) and hidden text is left out, inserted text kept.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from .archives import checked_package
from .document import SourceError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTE_RULE = "_______________"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
# Containers whose runs are part of the paragraph's text; anything else inside a paragraph (drawings,
# text boxes, deleted or moved-away text) is not.
INLINE_CONTAINERS = {f"{{{W}}}{name}" for name in ("hyperlink", "ins", "smartTag", "fldSimple", "customXml", "bdo",
                                                    "dir", "moveTo")}
CHINESE_DIGITS = "〇一二三四五六七八九"
# Line breaks inside a paragraph (a marker's own line, a manual break) and the spaces around them.
LINE_BREAKS_RE = re.compile(r"[ \t]*\n\s*")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def read_docx(data: bytes) -> str:
    """The text of a Word document; SourceError for a damaged, refused or empty one."""
    import docx

    package = checked_package(data)
    with zipfile.ZipFile(io.BytesIO(package)) as members:
        if "word/document.xml" not in members.namelist():
            raise SourceError("The file is a ZIP archive, not a Word (.docx) document.")
    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as exc:  # python-docx raises several unrelated types on bad packages
        raise SourceError(f"The Word document is damaged: {exc}") from exc
    part = document.part
    numbering = _Numbering(_related_xml(part, RT_NUMBERING), _related_xml(part, RT_STYLES))
    footnotes = _footnote_texts(_related_xml(part, RT_FOOTNOTES))
    reader = _BodyReader(numbering, footnotes)
    blocks = reader.read(document.element.body)
    if not any(block.strip() for block in blocks):
        raise SourceError("The Word document contains no text.")
    text = "\n\n".join(" " + block for block in blocks if block.strip())
    if reader.cited:
        text += "\n\n" + FOOTNOTE_RULE + "\n" + "\n".join(
            f"{number} {footnotes.get(ref, '')}".rstrip() for ref, number in reader.cited
        )
    return text


def _related_xml(part, relationship: str):
    from docx.oxml.parser import parse_xml

    for rel in part.rels.values():
        if rel.reltype == relationship and not rel.is_external:
            target = rel.target_part
            element = getattr(target, "element", None)
            return element if element is not None else parse_xml(target.blob)
    return None


def _footnote_texts(root) -> dict[str, str]:
    """Footnote id -> its text (paragraphs joined by a space), separators left out."""
    texts: dict[str, str] = {}
    if root is None:
        return texts
    for footnote in root.iter(_w("footnote")):
        if footnote.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        pieces = [_paragraph_text(p, None).replace("\n", " ").strip() for p in footnote.iter(_w("p"))]
        texts[footnote.get(_w("id"))] = " ".join(p for p in pieces if p)
    return texts


def _hidden(run) -> bool:
    props = run.find(_w("rPr"))
    return props is not None and props.find(_w("vanish")) is not None and props.find(_w("vanish")).get(_w("val"), "true") not in ("0", "false")


def _superscript(run) -> bool:
    props = run.find(_w("rPr"))
    align = props.find(_w("vertAlign")) if props is not None else None
    return align is not None and align.get(_w("val")) == "superscript"


def _paragraph_text(paragraph, on_reference) -> str:
    """A paragraph's visible text; `on_reference(footnote id)` gives the marker text for a reference."""
    out: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if tag == _w("r"):
                run(child)
            elif tag in INLINE_CONTAINERS:
                walk(child)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    walk(content)

    def run(element) -> None:
        if _hidden(element):
            return
        superscript = _superscript(element)
        for child in element:
            tag = child.tag
            if tag == _w("t"):
                text = child.text or ""
                if superscript and text.strip().isdigit() and on_reference is not None:
                    out.append(f"\n{text.strip()}\n")  # a marker typed as superscript digits
                else:
                    out.append(text)
            elif tag == _w("tab"):
                out.append(" ")
            elif tag in (_w("br"), _w("cr")):
                out.append("\n")
            elif tag == _w("noBreakHyphen"):
                out.append("-")
            elif tag == _w("footnoteReference") and on_reference is not None:
                out.append(f"\n{on_reference(child.get(_w('id')))}\n")

    walk(paragraph)
    return "".join(out)


@dataclass
class _BodyReader:
    numbering: _Numbering
    footnotes: dict[str, str]
    cited: list[tuple[str, int]] = field(default_factory=list)  # (footnote id, number shown), in order

    def read(self, body) -> list[str]:
        blocks: list[str] = []
        self._blocks(body, blocks)
        return blocks

    def _blocks(self, container, blocks: list[str]) -> None:
        for child in container:
            if child.tag == _w("p"):
                text = self._paragraph(child)
                if text.strip():
                    blocks.append(LINE_BREAKS_RE.sub("\n", text).strip())
            elif child.tag == _w("tbl"):
                for row in child.iter(_w("tr")):
                    for cell in row.iter(_w("tc")):
                        self._blocks(cell, blocks)
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._blocks(content, blocks)

    def _paragraph(self, paragraph) -> str:
        text = _paragraph_text(paragraph, self._reference)
        label = self.numbering.label(paragraph)
        if label and text.strip():
            return f"{label} {text.lstrip()}"
        return text

    def _reference(self, footnote_id: str) -> str:
        for ref, number in self.cited:
            if ref == footnote_id:
                return str(number)  # cited again: the same number
        number = len(self.cited) + 1
        self.cited.append((footnote_id, number))
        return str(number)


class _Numbering:
    """The numbers Word shows before list paragraphs, counted as the body is read in order."""

    def __init__(self, numbering, styles) -> None:
        self.abstract_of: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}  # numId -> level -> start override
        self.levels: dict[str, dict[int, dict[str, str]]] = {}  # abstractNumId -> level -> definition
        self.style_numbering: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            for abstract in numbering.iter(_w("abstractNum")):
                levels = {}
                for level in abstract.iter(_w("lvl")):
                    levels[int(level.get(_w("ilvl"), "0"))] = {
                        "start": _val(level, "start", "1"),
                        "format": _val(level, "numFmt", "decimal"),
                        "text": _val(level, "lvlText", ""),
                        "legal": "1" if level.find(_w("isLgl")) is not None else "",
                    }
                self.levels[abstract.get(_w("abstractNumId"))] = levels
            for num in numbering.iter(_w("num")):
                num_id = num.get(_w("numId"))
                self.abstract_of[num_id] = _val(num, "abstractNumId", "")
                overrides = {}
                for override in num.iter(_w("lvlOverride")):
                    start = override.find(_w("startOverride"))
                    if start is not None:
                        overrides[int(override.get(_w("ilvl"), "0"))] = int(start.get(_w("val"), "1"))
                self.overrides[num_id] = overrides
        if styles is not None:
            based_on: dict[str, str] = {}
            own: dict[str, tuple[str | None, int | None]] = {}
            for style in styles.iter(_w("style")):
                style_id = style.get(_w("styleId"))
                parent = style.find(_w("basedOn"))
                if parent is not None:
                    based_on[style_id] = parent.get(_w("val"))
                props = style.find(_w("pPr"))
                num_pr = props.find(_w("numPr")) if props is not None else None
                if num_pr is not None:
                    own[style_id] = (_val(num_pr, "numId", None), int(_val(num_pr, "ilvl", "0")))
            for style_id in set(own) | set(based_on):
                seen, current = set(), style_id
                while current and current not in own and current not in seen:
                    seen.add(current)
                    current = based_on.get(current)
                if current in own and own[current][0]:
                    self.style_numbering[style_id] = own[current]  # type: ignore[assignment]

    def label(self, paragraph) -> str:
        """The number shown before `paragraph` ("1.", "(a)"), counting it; "" when it is no list paragraph."""
        props = paragraph.find(_w("pPr"))
        num_id, level = None, 0
        if props is not None:
            style = props.find(_w("pStyle"))
            if style is not None and style.get(_w("val")) in self.style_numbering:
                num_id, level = self.style_numbering[style.get(_w("val"))]
            num_pr = props.find(_w("numPr"))
            if num_pr is not None:
                num_id = _val(num_pr, "numId", num_id)
                level = int(_val(num_pr, "ilvl", str(level)))
        if not num_id or num_id == "0" or num_id not in self.abstract_of:
            return ""
        abstract = self.abstract_of[num_id]
        levels = self.levels.get(abstract, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(abstract, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in self.overrides.get(num_id, {}).items():
                counters[overridden] = start - 1
        current = counters[level]
        counters[level] = int(levels[level]["start"]) if current is None else current + 1
        for deeper in range(level + 1, 9):
            counters[deeper] = None  # a lower level starts again under each new item of this one
        definition = levels[level]
        if definition["format"] in ("bullet", "none") and "%" not in definition["text"]:
            return "" if definition["format"] == "bullet" else definition["text"]
        text = definition["text"]
        for shown in range(level, -1, -1):
            value = counters[shown] if counters[shown] is not None else int(levels.get(shown, {}).get("start", "1"))
            number_format = "decimal" if definition["legal"] and shown < level else levels.get(shown, {}).get("format", "decimal")
            text = text.replace(f"%{shown + 1}", _format(value, number_format))
        return text


def _val(element, name: str, default):
    child = element.find(_w(name))
    return child.get(_w("val"), default) if child is not None else default


def _format(value: int, number_format: str) -> str:
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographTraditional"):
        return _chinese(value)
    if number_format == "decimalFullWidth":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if number_format == "decimalEnclosedParen":
        return f"({value})"
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out += letters
            value -= number
    return out


def _chinese(value: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 100 -> 一百."""
    if value < 10:
        return CHINESE_DIGITS[value]
    if value < 20:
        return "十" + (CHINESE_DIGITS[value % 10] if value % 10 else "")
    if value < 100:
        return CHINESE_DIGITS[value // 10] + "十" + (CHINESE_DIGITS[value % 10] if value % 10 else "")
    hundreds, rest = divmod(value, 100)
    tail = "" if not rest else ("零" + _chinese(rest) if rest < 10 else (("一" if rest < 20 else "") + _chinese(rest)))
    return CHINESE_DIGITS[hundreds] + "百" + tail
