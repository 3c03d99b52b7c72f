"""The stages of parsing, in the order they run; each a pure function from one frozen dataclass to the next,
each keeping the one it was given (so a later stage reads an earlier one's result, never changes it):

    decode.decode(text)             -> Decoded      clean lines, page breaks, the language's rules
    blocks.find_blocks(Decoded)     -> Blocks       masthead, title, opening, body, closing lines, annex
    furniture.find_furniture(...)   -> Furniture    page headers and footers, page ends
    footnotes.lift_footnotes(...)   -> Footnotes    footnote blocks and their texts
    lines.running_lines(...)        -> Lines        the running text, line by line, block starts marked
    paragraphs.cut_paragraphs(...)  -> Paragraphs   paragraphs, items, headings, markers at their offsets
    metadata.read_metadata(...)     -> Metadata     agenda, report, job number, date, meeting, votes
    citations.cite(...)             -> ParsedResolution, with the references of each paragraph and footnote

Footnotes are lifted before the running lines are made because a footnote block interrupts them mid-paragraph
(stage `lines` records the break); furniture before footnotes because a page's end closes its footnote block.
"""
