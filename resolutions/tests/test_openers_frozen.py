"""Every paragraph opening of the test documents reads as its frozen file says (resolutions/tests/openers_frozen.py).

A change shows as a diff of the lines that moved; when it is deliberate, run
`python -m resolutions.tests.openers_frozen --update` and commit the files with the reason.
"""
from __future__ import annotations

import pytest

from resolutions.tests.openers_frozen import diff, frozen_files

FILES = frozen_files()


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_openers_and_verb_changes_read_as_frozen(path):
    changes = diff(path, FILES[path])
    if changes:
        pytest.fail(f"{path.name} differs from its frozen file:\n{changes}", pytrace=False)


def test_the_frozen_files_cover_both_languages_and_real_verb_changes():
    lines = {path.name: FILES[path] for path in FILES}
    assert len(lines["paragraphs_en.tsv"]) > 1000 and len(lines["paragraphs_zh.tsv"]) > 150
    assert "encourages → urges\tstrengthened" in lines["verb_changes_en.tsv"]
    assert "敦促 → 鼓励\tsoftened" in lines["verb_changes_zh.tsv"]
