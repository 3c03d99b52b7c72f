"""Pure-Python parsing of UN resolutions as text extraction gives them. Never imports Django.

parse_resolution runs the stages of parsing/stages/ in turn, each a pure function from one frozen dataclass
to the next (see parsing/stages/__init__.py), with the rule set of the text's language (parsing/languages/).
"""
from . import instruments
from .article_citations import cite_articles
from .deadline import NO_DEADLINE, Deadline
from .declaration import looks_like_declaration, parse_declaration
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
    ParseTimeout,
    SourceError,
    UnsupportedLanguage,
)
from .stages import (
    blocks,
    citations,
    decode,
    footnotes,
    furniture,
    lines,
    metadata,
    paragraphs,
)


def parse_resolution(text: str, *, source_name: str = "", deadline: Deadline = NO_DEADLINE) -> ParsedResolution:
    """Parse the text of one resolution; raise ParseError if it is not one (with the line it stopped at),
    UnsupportedLanguage if it is in a language without rules, ParseTimeout once `deadline` has passed."""
    decoded = decode.decode(text, source_name=source_name, deadline=deadline)
    if blocks.find_title(decoded) is None and looks_like_declaration(list(decoded.lines)):
        declaration = list(decoded.lines)
        return cite_articles(instruments.structure_declaration(declaration, parse_declaration(declaration, decoded.rules)))
    framed = blocks.find_blocks(decoded)
    lifted = footnotes.lift_footnotes(furniture.find_furniture(framed))
    cut = paragraphs.cut_paragraphs(lines.running_lines(lifted))
    return cite_articles(citations.cite(metadata.read_metadata(cut)))


__all__ = [
    "Adoption",
    "Body",
    "Deadline",
    "DivisionKind",
    "FootnoteMarker",
    "Kind",
    "ParseError",
    "ParseTimeout",
    "ParsedArticleCitation",
    "ParsedDivision",
    "ParsedFootnote",
    "ParsedParagraph",
    "ParsedReference",
    "ParsedResolution",
    "SourceError",
    "UnsupportedLanguage",
    "parse_resolution",
]
