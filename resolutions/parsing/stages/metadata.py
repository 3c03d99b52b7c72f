"""Stage 7, metadata: what the masthead and the closing lines say: agenda item, committee report, job number,
adoption date, meeting, and how the resolution was adopted (without a vote, or the recorded vote)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .. import text as t
from ..document import Adoption
from .paragraphs import Paragraphs

# "23-25972 (E)": the job number with its language letter, on the masthead.
JOB_LINE_RE = re.compile(r"\b(?P<job>\d{2}-\d{5})\s*\([A-Z]\)")
# The barcode carries the job number without its dash: *1248825* -> 12-48825.
BARCODE_JOB_RE = re.compile(r"\*(\d{2})(\d{5})\*")


@dataclass(frozen=True)
class Metadata:
    paragraphs: Paragraphs
    adopted_on: date | None = None
    meeting: str = ""
    meeting_number: int | None = None
    adoption: Adoption = Adoption.UNKNOWN
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstaining: int | None = None
    agenda_item: str = ""
    committee_report: str = ""
    job_number: str = ""


def read_metadata(paragraphs: Paragraphs) -> Metadata:
    blocks = paragraphs.lines.footnotes.furniture.blocks
    rules = blocks.decoded.rules
    masthead = blocks.masthead
    joined = " ".join(masthead)
    found: dict = {}
    for index, line in enumerate(masthead):
        match = rules.agenda_re.match(line)
        if match:
            following = []
            for after in masthead[index + 1 :]:
                if rules.agenda_title_end_re.search(after) or len(following) >= rules.agenda_title_lines:
                    break
                following.append(after)
            title = ""
            for piece in following:
                title = t.join(title, piece)
            found["agenda_item"] = t.squeeze_spaces(f"{match['item'].strip()} {title}")
    match = rules.committee_report_re.search(joined)
    if match:
        found["committee_report"] = match["report"]
    match = JOB_LINE_RE.search(joined)
    barcode = BARCODE_JOB_RE.search(joined)
    if match:
        found["job_number"] = match["job"]
    elif barcode:
        found["job_number"] = f"{barcode[1]}-{barcode[2]}"
    match = rules.adopted_re.search(joined)
    adopted = rules.parse_date(match["date"]) if match else None
    closing = blocks.closing
    for line in closing:
        match = rules.meeting_re.match(line)
        if match:
            found["meeting"] = t.squeeze_spaces(match["meeting"])
            found["meeting_number"] = int(match["number"])
        elif rules.parse_date(line) and "closing_date" not in found:
            found["closing_date"] = rules.parse_date(line)
    closing_text = " ".join(closing)
    if rules.without_vote_re.search(closing_text):
        found["adoption"] = Adoption.WITHOUT_VOTE
    vote = rules.recorded_vote_re.search(closing_text)
    if vote:
        found["adoption"] = Adoption.RECORDED_VOTE
        found["votes_for"] = int(vote["yes"])
        found["votes_against"] = int(vote["no"])
        found["votes_abstaining"] = int(vote["abstain"]) if vote["abstain"] else None
    # The date on the closing lines, else the one the masthead prints.
    found["adopted_on"] = found.pop("closing_date", None) or adopted
    return Metadata(paragraphs=paragraphs, **found)
