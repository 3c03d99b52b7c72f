"""Every test document parses exactly as its expected file says (resolutions/tests/expected/).

A change shows as a unified diff of the readable form, paragraph by paragraph. When the change is
deliberate, write the files again with `python -m resolutions.tests.expected --update` and commit the diff
with the reason. Corpus documents are read from ARCHIVE_CORPUS_DIR (default ../shared/corpus beside the
repository) and skip, saying so, where it is absent, except the English .txt texts, which the project also keeps
(resolutions/tests/corpus/en); the project's own documents never skip.
"""
from __future__ import annotations

import pytest

from resolutions.tests.expected import Case, corpus_dir, diff, expected_cases, load, snapshot, source_cases

CASES = expected_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_document_parses_as_its_expected_file(case: Case):
    if case.source_path() is None:
        pytest.skip("the shared corpus is absent (set ARCHIVE_CORPUS_DIR to its folder)")
    changes = diff(load(case), snapshot(case), case.name)
    if changes:
        pytest.fail(f"{case.name} parses differently from its expected file:\n{changes}", pytrace=False)


def test_every_test_document_has_an_expected_file():
    missing = [case.name for case in source_cases() if not case.expected_path.exists()]
    assert missing == []


def test_every_expected_file_names_a_document_that_exists():
    present = {case.name for case in source_cases()}
    orphans = [case.name for case in CASES if (not case.in_corpus or corpus_dir() is not None) and case.name not in present]
    assert orphans == []


def test_the_project_documents_are_all_frozen():
    # The corpus may be absent; the project's own documents never are.
    names = {case.name for case in CASES if not case.in_corpus}
    assert {"data/A_RES_67_161.txt", "data/A_HRC_RES_45_32.txt", "data/A_RES_217_A_III.pdf",
            "sample_data/A_RES_78_171.txt"} <= names
    # every text, PDF and Word file of tests/data and sample_data has its expected file (40 with annex's data)
    assert names == {case.name for case in source_cases() if not case.in_corpus} and len(names) == 40
