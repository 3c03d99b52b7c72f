"""Citations in a paragraph or footnote: the document symbols written out (symbols.py) and the resolutions
cited in the words of the text's language (each rule set's find_resolution_citations, its patterns named
with the forms they match)."""
from __future__ import annotations

from .document import Body, ParsedReference
from .languages import rules_for
from .symbols import ascii_forms, document_symbols, resolution_symbol

__all__ = ["find_references", "resolution_symbol"]


def find_references(text: str, *, document_body: Body, language: str) -> tuple[ParsedReference, ...]:
    """Every citation in `text`, in order, with offsets into `text`; full-width digits and slashes are read as
    their ASCII forms (第６７／１６１号决议 cites A/RES/67/161)."""
    text = ascii_forms(text)
    found = [
        ParsedReference(symbol=symbol, start=start, end=end, is_resolution="/RES/" in symbol)
        for symbol, start, end in document_symbols(text)
    ]
    taken = [(r.start, r.end) for r in found]
    found += rules_for(language).find_resolution_citations(text, document_body=document_body, taken=taken)
    return tuple(sorted(found, key=lambda r: r.start))
