"""The Universal Declaration as structured XML (the udhr XML of eric-muller/udhr: <udhr>, <preamble>, <article
number="N">, <orderedlist>), turned into text shaped like the printed declaration, so that the declaration parser
reads it exactly as it reads the PDF: the same paragraphs, the same eids, whatever eids that parser gives.

    <udhr xml:lang="en" xmlns="http://efele.net/udhr">          Universal Declaration of Human Rights
      <title>Universal Declaration of Human Rights</title>
      <preamble><para>Whereas …</para> …</preamble>   ->      Preamble
      <article number="11"><orderedlist>                      Whereas …
        <listitem><para>Everyone charged …</para>             Article 11
                                                              1. Everyone charged …

Other XML is refused with a SourceError. Pure Python: xml.etree only, never Django.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from .document import SourceError

UDHR_NS = "{http://efele.net/udhr}"
# The languages whose article headings and preamble heading the declaration parser knows.
LANGUAGES = {"zh": "zh", "cmn": "zh", "en": "en", "eng": "en"}
PREAMBLE_HEADINGS = {"zh": "序言", "en": "Preamble"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHINESE_DIGITS = "零一二三四五六七八九"


def looks_like_xml(data: bytes, filename: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    return filename.lower().endswith(".xml") or head == b"<?xml"


def udhr_text(data: bytes) -> str:
    """The declaration's text, one printed paragraph per line, headings on lines of their own."""
    # No document type, no entities: the udhr files have none, and refusing them rules out entity expansion.
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise SourceError("The XML file declares a document type or entities; the archive reads plain udhr XML only.")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceError(f"The XML file is malformed ({exc}).") from exc
    if root.tag != f"{UDHR_NS}udhr":
        raise SourceError(
            f"This XML file is not the Universal Declaration in udhr XML (its root element is <{_local(root.tag)}>); "
            "the archive reads .txt, .pdf and .docx resolutions, and the declaration as udhr XML."
        )
    code = root.get(XML_LANG) or root.get("iso639-3") or ""
    language = LANGUAGES.get(code.split("-")[0].lower())
    if language is None:
        raise SourceError(
            f"This udhr XML is in {code or 'an unnamed language'}; the declaration is read in Chinese and English only."
        )
    title = _text(root.find(f"{UDHR_NS}title"))
    if not title:
        raise SourceError("The udhr XML has no <title>.")
    lines = [title, ""]
    for note in root.findall(f"{UDHR_NS}note"):  # the Chinese file's adoption line: 联合国大会一九四八年十二月十日…
        lines += [_text(para) for para in note.iter(f"{UDHR_NS}para")] + [""]
    preamble = root.find(f"{UDHR_NS}preamble")
    if preamble is not None:
        lines += [PREAMBLE_HEADINGS[language], ""]
        lines += [_text(para) for para in preamble.findall(f"{UDHR_NS}para")] + [""]
    articles = root.findall(f"{UDHR_NS}article")
    if not articles:
        raise SourceError("The udhr XML has no <article>.")
    for article in articles:
        number = article.get("number", "")
        if not number.isdigit():
            raise SourceError(f"An <article> of the udhr XML has no number (number={number!r}).")
        lines += [_article_heading(int(number), language), ""]
        for child in article:
            # Each paragraph a block of its own (a blank line after it), as an article's paragraphs are printed.
            if child.tag == f"{UDHR_NS}para":
                lines += [_text(child), ""]
            elif child.tag == f"{UDHR_NS}orderedlist":
                # Numbered as the printed declaration numbers them: "1. …", "2. …".
                for n, item in enumerate(child.findall(f"{UDHR_NS}listitem"), 1):
                    lines += [f"{n}. " + " ".join(_text(p) for p in item.iter(f"{UDHR_NS}para")), ""]
    return "\n".join(line for line in lines if line is not None) + "\n"


def _article_heading(number: int, language: str) -> str:
    """'Article 19', '第十九条' (as printed, and as the declaration parser reads them)."""
    if language == "en":
        return f"Article {number}"
    return f"第{_chinese_numeral(number)}条"


def _chinese_numeral(number: int) -> str:
    """1 -> 一, 10 -> 十, 19 -> 十九, 20 -> 二十, 30 -> 三十 (articles run to 30)."""
    tens, units = divmod(number, 10)
    if tens == 0:
        return CHINESE_DIGITS[units]
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[units] if units else "")


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
