"""Pure-Python parsing of PDF-extracted UN resolutions. Never imports Django."""
from .article_citations import cite_articles
from .document import (
    Adoption,
    Body,
    DivisionKind,
    FootnoteMarker,
    Kind,
    ParsedArticleCitation,
    ParsedDivision,
    ParsedFootnote,
    ParsedParagraph,
    ParsedReference,
    ParsedResolution,
    ParseError,
    SourceError,
)
from .structure import parse_lines


def parse_resolution(text: str, *, source_name: str = "") -> ParsedResolution:
    """Parse the text of one resolution (as PDF extraction gives it); raise ParseError if it is not one."""
    try:
        return cite_articles(parse_lines(text, source_name=source_name))
    except ParseError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ParseError(f"The text could not be parsed: {exc}", line=None) from exc


__all__ = [
    "Adoption",
    "Body",
    "DivisionKind",
    "FootnoteMarker",
    "Kind",
    "ParsedArticleCitation",
    "ParsedDivision",
    "ParsedFootnote",
    "ParsedParagraph",
    "ParsedReference",
    "ParsedResolution",
    "ParseError",
    "SourceError",
    "parse_resolution",
]
