"""Stage 1, decode: the text as given (by sources.read_source or a test) -> its clean lines and its language.

Conventions the readers write their text in, and what this stage makes of them:
- line ends: "\\n", "\\r\\n" or "\\r"; a blank line ends a paragraph (Chinese extractions put a blank line after
  every line: there the indentation of a line says where a paragraph starts, stage `lines`);
- a form feed "\\f" ends a page: read as a line end (a reader writes "\\n\\f" when the page's last paragraph
  ends there, "\\f" alone when the sentence goes on), and recorded, so that the footnotes printed on a page
  and the page breaks are known even where no page furniture was printed;
- page furniture (symbol, page number, job number, barcode, running title) stays in the text: stage
  `furniture` finds it; footnotes follow a `_______________` rule line, numbered "1 Text" (stage `footnotes`);
- footnote markers as the extractions give them: alone on a line of their own, or glued to the word before;
- U+FFFE, which pdfium gives for a hyphen at a line end, is that hyphen; every other character XML 1.0 forbids
  (C0 controls but tab and line ends, U+FFFE/U+FFFF, lone surrogates) is dropped, so nothing the archive
  stores from a file carries one (text.xml_safe, which forms call too);
- words set in bold as four overprinted copies (大会大会大会大会) are collapsed, spaces between CJK glyphs
  dropped, tabs and no-break spaces made spaces, soft hyphens removed (text.clean_line);
- lines longer than text.MAX_LINE are cut where running text joins back (bounded work per line).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .. import text as t
from ..deadline import NO_DEADLINE, Deadline
from ..document import ParseError
from ..languages import LanguageRules, detect_language


@dataclass(frozen=True)
class Decoded:
    lines: tuple[str, ...]
    rules: LanguageRules
    page_starts: tuple[int, ...] = ()  # the first line of each page after the first (from form feeds)
    source_name: str = ""
    deadline: Deadline = NO_DEADLINE


def decode(text: str, *, source_name: str = "", deadline: Deadline = NO_DEADLINE) -> Decoded:
    """Clean lines of `text`, its page breaks and its language's rules; ParseError when it is empty,
    UnsupportedLanguage when it is in a language without rules."""
    text = unicodedata.normalize("NFC", text).lstrip("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe\n", "-\n")
    lines: list[str] = []
    page_starts: list[int] = []
    for number, page in enumerate(text.split("\f")):
        deadline.check()
        if number:
            page_starts.append(len(lines))
        lines += t.wrap_long_lines([t.clean_line(t.xml_safe(line)) for line in page.split("\n")])
    if not any(line.strip() for line in lines):
        raise ParseError("The text is empty.", line=1, excerpt="")
    return Decoded(tuple(lines), detect_language(text), tuple(page_starts), source_name, deadline)
