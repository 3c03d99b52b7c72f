"""Turn an uploaded file (.txt in any usual encoding, .pdf, .docx) into plain text for the parser.

PDF text is rebuilt from pypdfium2's text rectangles so that it reads like the shipped PyMuPDF
extractions: one printed line per line, a blank line between paragraphs, spaces between CJK glyphs
removed, and every superscript footnote marker alone on its own line (the parser's strongest marker
form, so no glued "resolution 77/2285" ambiguity arises from PDFs).
"""
from __future__ import annotations

import io
import re
import statistics
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from . import udhr_xml
from .document import SourceError

__all__ = ["SourceError", "decode_text", "read_source"]

CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A space the PDF put between two CJK glyphs or CJK punctuation: "联 合 国" -> "联合国".
CJK_SPACE_RE = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
# Half-width comma/semicolon/colon set after a CJK glyph in the UDHR PDF: "承认, 乃是" -> "承认，乃是".
CJK_HALFWIDTH_PUNCT_RE = re.compile(rf"(?<=[{CJK}])[ \t]*([,;:])[ \t]*(?=[{CJK}]|$)", re.MULTILINE)
HALF_TO_FULL = {",": "，", ";": "；", ":": "："}
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def read_source(data: bytes, filename: str, *, time_limit: float = 30.0) -> str:
    """Return the text of an uploaded .txt, .pdf, .docx or udhr .xml file; raise SourceError with a human message."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError(f"{filename or 'The file'} is empty.")
    name = filename.lower()
    if data.lstrip()[:5] == b"%PDF-" or (name.endswith(".pdf") and b"%PDF-" in data[:1024]):
        return extract_pdf(data, time_limit=time_limit)
    if data[:4] == b"PK\x03\x04":
        return extract_docx(data)
    if udhr_xml.looks_like_xml(data, name):
        return _normalise_cjk(udhr_xml.udhr_text(data))
    if name.endswith(".pdf"):
        raise SourceError("The file is named .pdf but is not a PDF (no %PDF header): it is damaged or of another type.")
    if name.endswith(".docx"):
        raise SourceError("The file is named .docx but is not a Word document (not a ZIP package).")
    return decode_text(data)


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 LE/BE (with or without BOM) or GB18030/GBK text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked_text(data[3:].decode("utf-8", errors="replace"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked_text(data.decode("utf-16", errors="replace"))
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _checked_text(data.decode(utf16, errors="replace"))
    try:
        return _checked_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    # GB18030 accepts most byte strings, so a BOM-less UTF-16 text of pure CJK (no NUL bytes) also
    # "decodes" as GB18030: keep whichever reading looks most like real text.
    candidates = []
    for encoding in ("gb18030", "utf-16-le", "utf-16-be"):
        if encoding.startswith("utf-16") and len(data) % 2:
            continue
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(decoded), encoding, decoded))
    if candidates:
        score, _, decoded = max(candidates, key=lambda c: c[0])
        if score > 0.9:
            return _checked_text(decoded)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SourceError("The file is binary, not text, a PDF or a Word document.")
    return _checked_text(str(best))


PLAUSIBLE_RE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2010-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _plausibility(text: str) -> float:
    """Share of characters a Chinese or English resolution is made of."""
    sample = text[:5000]
    return len(PLAUSIBLE_RE.findall(sample)) / max(1, len(sample))


def _utf16_without_bom(data: bytes) -> str:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one parity (ASCII digits and spaces in UTF-16)."""
    sample = data[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return ""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.2 and even < half * 0.02:
        return "utf-16-le"
    if even > half * 0.2 and odd < half * 0.02:
        return "utf-16-be"
    return ""


def _checked_text(text: str) -> str:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SourceError("The file is empty.")
    controls = len(CONTROL_RE.findall(text[:20000]))
    if controls > max(2, len(text[:20000]) // 100):
        raise SourceError("The file is binary, not text, a PDF or a Word document.")
    return text


def extract_docx(data: bytes) -> str:
    """Paragraph texts of a Word document, one per line with a blank line between them."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if "word/document.xml" not in package.namelist():
                raise SourceError("The file is a ZIP archive, not a Word (.docx) document.")
    except zipfile.BadZipFile as exc:
        raise SourceError("The Word document is damaged (not a readable ZIP package).") from exc
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types on bad packages
        raise SourceError(f"The Word document is damaged: {exc}") from exc
    lines = [paragraph.text.strip() for paragraph in document.paragraphs]
    # Each Word paragraph starts indented, as a new paragraph does in the PDF extractions the parser reads.
    text = "\n\n".join(" " + line for line in lines if line)
    if not text.strip():
        raise SourceError("The Word document contains no text.")
    return _normalise_cjk(text)


@dataclass
class _Char:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    size: float


def extract_pdf(data: bytes, *, time_limit: float = 30.0) -> str:
    """Text of a PDF, page by page, stopping with SourceError once `time_limit` seconds are spent."""
    import pypdfium2 as pdfium

    deadline = time.monotonic() + time_limit
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise SourceError("The PDF is encrypted (password protected); upload an unprotected copy.") from exc
        raise SourceError(f"The PDF is damaged and cannot be opened ({message}).") from exc
    try:
        pages = []
        for index in range(len(pdf)):
            if time.monotonic() > deadline:
                raise SourceError(
                    f"Reading the PDF took longer than the {time_limit:g} s limit (stopped at page {index + 1})."
                )
            try:
                pages.append(_page_text(pdf[index], deadline))
            except pdfium.PdfiumError as exc:
                raise SourceError(f"The PDF is damaged: page {index + 1} cannot be read ({exc}).") from exc
    finally:
        pdf.close()
    text = "\n\n".join(pages)
    if len(re.sub(r"\s", "", text)) < 10 * len(pages):
        raise SourceError("The PDF is scanned, no text layer; OCR is not attempted.")
    return _normalise_cjk(text)


def _page_text(page, deadline: float) -> str:
    """One page as lines; superscript digits (smaller font, raised) become a marker line of their own."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        full = textpage.get_text_range()
        if len(full) != count:  # pdfium could not map text to glyphs one to one: keep its own text
            return full.replace("\r\n", "\n")
        chars = []
        broken = False
        for index, char in enumerate(full):
            if char in "\r\n":
                broken = True  # pdfium ends its line here; if the next glyph is on the same visual line, a space
                continue
            if broken and chars and not char.isspace() and not chars[-1].text.isspace():
                left, bottom, right, top = textpage.get_charbox(index, loose=True)
                if left - chars[-1].right > (top - bottom) * 0.1:
                    chars.append(_Char(" ", chars[-1].right, chars[-1].bottom, left, chars[-1].bottom, 0.0))
            broken = False
            if not index % 500 and time.monotonic() > deadline:
                raise SourceError("Reading the PDF took longer than the time limit.")
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            # The loose box is the font's em box as placed on the page, so its height is the rendered size
            # even where FPDFText_GetFontSize reports 1.0 (fonts scaled by the text matrix).
            chars.append(_Char(char, left, bottom, right, top, top - bottom))
    finally:
        textpage.close()
    return _layout(_visual_lines(_drop_false_spaces(chars)))


def _drop_false_spaces(chars: list[_Char]) -> list[_Char]:
    """pdfium invents a zero-width space where justified text has a wide letter gap ("inc luding")."""
    kept = []
    for index, char in enumerate(chars):
        if char.text == " " and char.right - char.left < 0.01 and 0 < index < len(chars) - 1:
            before, after = chars[index - 1], chars[index + 1]
            height = (before.top - before.bottom) or 1.0
            same_line = abs(after.bottom - before.bottom) < height * 0.5
            if same_line and 0 <= after.left - before.right < height * 0.2 and before.text.isalpha() and after.text.isalpha():
                continue
        kept.append(char)
    return kept


def _visual_lines(chars: list[_Char]) -> list[list[_Char]]:
    lines: list[list[_Char]] = []
    for char in chars:
        line = lines[-1] if lines else None
        if line is not None and char.text.isspace():
            line.append(char)
            continue
        if line is not None:
            body = [c for c in line if not c.text.isspace()] or line
            bottom = min(c.bottom for c in body)
            top = max(c.top for c in body)
            middle = (char.bottom + char.top) / 2
            last = next((c for c in reversed(line) if not c.text.isspace()), line[-1])
            if bottom <= middle <= top and char.left > last.left - 2:
                line.append(char)
                continue
        lines.append([char])
    return lines


def _layout(lines: list[list[_Char]]) -> str:
    """Lines as text, with a blank line wherever the vertical gap says a new paragraph starts."""
    infos = []
    for line in lines:
        glyphs = [c for c in line if not c.text.isspace()]
        if not glyphs:
            continue
        size = statistics.median(c.size for c in glyphs)
        baseline = statistics.median(c.bottom for c in glyphs if c.size >= size * 0.9)
        infos.append((line, size, baseline))
    steps = [a[2] - b[2] for a, b in zip(infos, infos[1:]) if 0 < a[2] - b[2] < a[1] * 2.5]
    pitch = statistics.median(steps) if steps else 12.0
    out: list[str] = []
    previous = None
    for line, size, baseline in infos:
        if previous is not None:
            step = previous - baseline
            if step <= 0 or step > pitch * 1.3:
                out.append("")
        previous = baseline
        pieces: list[str] = []
        last = None
        glyph = None  # the last non-space character before `char`
        for char in line:
            marker = (
                char.text.isdigit()
                and (
                    last is not None and last[1]
                    or glyph is not None
                    and char.size < glyph.size * 0.8
                    and char.bottom > glyph.bottom + glyph.size * 0.15
                )
                and char.size < size * 0.8
            )
            if not char.text.isspace() and not marker:
                glyph = char
            if marker:
                if pieces and pieces[-1] == "\n" or (last is not None and last[1]):
                    pieces.append(char.text)
                else:
                    pieces.extend(["\n", char.text])
            else:
                if last is not None and last[1]:
                    pieces.append("\n")
                pieces.append(char.text)
            last = (char, marker)
        text = "".join(pieces)
        out.extend(part.strip() for part in text.split("\n") if part.strip())
    return "\n".join(out)


def _normalise_cjk(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = CJK_SPACE_RE.sub("", text)
    text = CJK_HALFWIDTH_PUNCT_RE.sub(lambda m: HALF_TO_FULL[m.group(1)], text)
    return text
