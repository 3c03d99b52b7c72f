"""The time limit of a read + parse (issue 18 item 1): services.parse_source gives the parse the deadline that
settings.PDF_TIME_LIMIT_SECONDS sets for the whole read, and a text that takes longer is refused with a clear
ParseError, whatever its format; nothing is stored."""
from __future__ import annotations

import pytest

from resolutions import services
from resolutions.models import Resolution
from resolutions.parsing import Deadline, ParseTimeout, parse_resolution  # (past a deadline: test_parsing_stages)

from .conftest import DATA


def test_the_same_parse_within_its_deadline_is_whole():
    text = (DATA / "A_RES_78_171.txt").read_text(encoding="utf-8")
    parsed = parse_resolution(text, deadline=Deadline.after(30))
    assert parsed.symbol == "A/RES/78/171" and len(parsed.footnotes) == 18


@pytest.mark.django_db
def test_parse_source_gives_a_text_file_the_read_and_parse_time_limit(settings):
    settings.PDF_TIME_LIMIT_SECONDS = 1e-9  # over before the first stage looks at the clock
    source = (DATA / "A_HRC_RES_45_32.txt").read_bytes()
    with pytest.raises(ParseTimeout, match=r"^Parsing took longer than the 1e-09 s limit\.$"):
        services.parse_source(source=source, filename="A_HRC_RES_45_32.txt")
    with pytest.raises(ParseTimeout):
        services.ingest_resolution(source=source, filename="A_HRC_RES_45_32.txt")
    assert not Resolution.objects.exists()
