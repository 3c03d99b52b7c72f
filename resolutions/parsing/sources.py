"""Turn an uploaded file (.txt in any usual encoding, .pdf, .docx) into plain text for the parser.

PDF text is rebuilt from pypdfium2's text rectangles so that it reads like the shipped PyMuPDF
extractions: one printed line per line, a blank line between paragraphs, spaces between CJK glyphs
removed, and every superscript footnote marker alone on its own line (the parser's strongest marker
form, so no glued "resolution 77/2285" ambiguity arises from PDFs).
"""
from __future__ import annotations

import re
import time
import unicodedata

from . import udhr_xml
from .document import SourceError
from .docx_reader import read_docx
from .pdf_layout import pages_text, read_pages

__all__ = ["SourceError", "decode_text", "read_source"]

CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A space the PDF put between two CJK glyphs or CJK punctuation: "联 合 国" -> "联合国".
CJK_SPACE_RE = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")
# Half-width comma/semicolon/colon set after a CJK glyph in the UDHR PDF: "承认, 乃是" -> "承认，乃是".
CJK_HALFWIDTH_PUNCT_RE = re.compile(rf"(?<=[{CJK}])[ \t]*([,;:])[ \t]*(?=[{CJK}]|$)", re.MULTILINE)
HALF_TO_FULL = {",": "，", ";": "；", ":": "："}
# Zero-width characters that only steer line breaking (word joiner, zero-width space, BOM as ZWNBSP).
INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff]")
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
    """Paragraph texts of a Word document, one per indented line with a blank line between them; list numbers,
    footnote markers and footnotes as docx_reader describes."""
    return _normalise_cjk(read_docx(data))


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
        pages = read_pages(pdf, deadline, time_limit)
    finally:
        pdf.close()
    text = pages_text(pages)
    if len(re.sub(r"\s", "", text)) < 10 * len(pages):
        raise SourceError("The PDF is scanned, no text layer; OCR is not attempted.")
    return _normalise_cjk(text)


def _normalise_cjk(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = INVISIBLE_RE.sub("", text)
    text = CJK_SPACE_RE.sub("", text)
    text = CJK_HALFWIDTH_PUNCT_RE.sub(lambda m: HALF_TO_FULL[m.group(1)], text)
    return text
