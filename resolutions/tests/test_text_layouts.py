"""Real English resolutions laid out again as text extractions give other layouts (tests/text_layouts.py): Geneva
furniture at the top of each page, either order (issue 12 class 3), operative numbers on a line of their own,
footnote markers on lines of their own; each parses to the original's paragraphs, markers, footnotes and
references."""
from __future__ import annotations

import pytest

from resolutions.parsing import parse_resolution

from .conftest import DATA
from .layouts.truth import METADATA, diff, rows
from .text_layouts import Layout, source_of, typeset

LAYOUTS = {
    "geneva-symbol-page-job": Layout(furniture="geneva"),
    "geneva-job-symbol-page": Layout(furniture="geneva", geneva_job_first=True),
    "numbers-alone": Layout(number_alone=True),
    "geneva-short-pages": Layout(furniture="geneva", page_lines=25),
}
CASES = [(name, layout) for name in ("A_RES_78_171.txt", "A_RES_79_155.txt") for layout in LAYOUTS]
CASES.append(("A_RES_78_171.txt", "markers-alone"))
LAYOUTS["markers-alone"] = Layout(markers_alone=True)
# The job number the layouts print is not the original's.
COMPARED = tuple(name for name in METADATA if name != "job_number")


@pytest.mark.parametrize(("name", "layout"), CASES, ids=[f"{n}-{l}" for n, l in CASES])
def test_a_real_text_laid_out_again_parses_to_the_same_resolution(name, layout):
    text = (DATA / name).read_text(encoding="utf-8")
    original = parse_resolution(text, source_name=name)
    laid = typeset(source_of(text, original), LAYOUTS[layout])
    if layout.startswith("geneva"):
        assert "GE.20-13056(C)" in laid and laid.count("GE.20-13056(C)") >= 2  # the furniture is there to drop
    again = parse_resolution(laid, source_name=name)
    changes = diff(rows(original, metadata=COMPARED), rows(again, metadata=COMPARED), f"{name} {layout}")
    assert not changes, changes
