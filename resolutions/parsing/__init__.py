"""Pure-Python parsing of PDF-extracted UN resolutions. Never imports Django."""
from .document import (
    Adoption,
    Body,
    FootnoteMarker,
    Kind,
    ParsedFootnote,
    ParsedParagraph,
    ParsedReference,
    ParsedResolution,
    ParseError,
)

__all__ = [
    "Adoption",
    "Body",
    "FootnoteMarker",
    "Kind",
    "ParsedFootnote",
    "ParsedParagraph",
    "ParsedReference",
    "ParsedResolution",
    "ParseError",
]
