"""Stage 8, citations: the references each paragraph and footnote makes, and the ParsedResolution itself."""
from __future__ import annotations

from ..document import ParsedFootnote, ParsedParagraph, ParsedResolution
from ..references import find_references
from .metadata import Metadata


def cite(metadata: Metadata) -> ParsedResolution:
    paragraphs = metadata.paragraphs
    lines = paragraphs.lines
    blocks = lines.footnotes.furniture.blocks
    decoded = blocks.decoded
    language = decoded.rules.code

    def references(text: str):
        decoded.deadline.check()
        return find_references(text, document_body=blocks.body, language=language)

    return ParsedResolution(
        symbol=blocks.symbol,
        language=language,
        body=blocks.body,
        session=blocks.session,
        number=blocks.number,
        title=blocks.title,
        opening=blocks.opening,
        adopted_on=metadata.adopted_on,
        meeting=metadata.meeting,
        meeting_number=metadata.meeting_number,
        adoption=metadata.adoption,
        votes_for=metadata.votes_for,
        votes_against=metadata.votes_against,
        votes_abstaining=metadata.votes_abstaining,
        agenda_item=metadata.agenda_item,
        committee_report=metadata.committee_report,
        job_number=metadata.job_number,
        paragraphs=tuple(
            ParsedParagraph(
                kind=p.kind,
                number=p.number,
                text=p.text,
                item=p.item,
                footnotes=p.markers,
                references=references(p.text),
                heading=p.heading,
                address=p.address,
                divisions=p.divisions,
                num=p.num,
            )
            for p in paragraphs.paragraphs
        ),
        footnotes=tuple(
            ParsedFootnote(number=note.number, text=note.text, references=references(note.text))
            for note in lines.footnotes.notes
        ),
        warnings=paragraphs.warnings + blocks.warnings,
    )
