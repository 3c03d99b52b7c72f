"""Hostile input, generated: the parser over mutated real texts, search and the API over arbitrary
strings and parameters, the admin upload over damaged files.

Bounded so the suite stays fast (fixed examples: the same inputs every run). For a long random run:
    FUZZ_EXAMPLES=2000 .venv/bin/pytest resolutions/tests/test_fuzz.py
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from resolutions.models import Resolution, SourceFile
from resolutions.parsing import Kind, ParseError, parse_resolution
from resolutions.services import ingest_resolution
from resolutions.uploads import staging_dir

from .conftest import DATA

LONG_RUN = int(os.environ.get("FUZZ_EXAMPLES", "0"))


def bounded(examples: int, deadline_seconds: float) -> settings:
    """Few fixed examples in the suite; FUZZ_EXAMPLES=n for a long random run."""
    return settings(
        max_examples=LONG_RUN or examples,
        deadline=timedelta(seconds=deadline_seconds),
        derandomize=not LONG_RUN,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- The parser over mutated real texts ---

TEXTS = ("A_HRC_RES_45_32.txt", "A_RES_67_161.txt", "A_RES_79_157.txt", "A_RES_78_171.txt", "A_RES_79_160.txt")
# A line that starts with a number: an operative paragraph's number line, a footnote, a page number.
NUMBER_LINE_RE = re.compile(r"^\s*\d")


@dataclass(frozen=True)
class Original:
    name: str
    lines: tuple[str, ...]
    operatives: int  # N: the printed operative numbers run 1..N

    @property
    def free_lines(self) -> list[int]:
        """Lines a mutation may touch without touching any number line."""
        return [i for i, line in enumerate(self.lines) if not NUMBER_LINE_RE.match(line)]


def operative_numbers(parsed) -> list[int]:
    return [p.number for p in parsed.paragraphs if p.kind == Kind.OPERATIVE and not p.item]


def _original(name: str) -> Original:
    text = (DATA / name).read_text(encoding="utf-8")
    parsed = parse_resolution(text, source_name=name)
    numbers = operative_numbers(parsed)
    assert numbers == list(range(1, len(numbers) + 1)) and parsed.warnings == (), name
    return Original(name, tuple(text.splitlines(keepends=True)), len(numbers))


ORIGINALS = {name: _original(name) for name in TEXTS}

# Text a mutation inserts: anything but line breaks and digits (which could start a numbered line).
JUNK = st.text(
    st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Nd"), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85"),
    min_size=1,
    max_size=30,
)


ACTIONS = ["delete", "duplicate", "insert_line", "replace_chars", "insert_chars", "swap"]


@st.composite
def free_line_mutations(draw) -> tuple[str, tuple]:
    """1–4 mutations of a real text, none touching a line that starts with a number: (file, mutations)."""
    original = ORIGINALS[draw(st.sampled_from(TEXTS))]
    free = original.free_lines
    mutations = []
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.sampled_from(free))
        width = len(original.lines[index].rstrip("\n"))
        start = draw(st.integers(0, max(0, width - 1)))
        mutations.append((draw(st.sampled_from(ACTIONS)), index, start, draw(st.integers(0, 10)), draw(JUNK)))
    return original.name, tuple(mutations)


def apply_mutations(original: Original, mutations: tuple) -> str:
    lines = list(original.lines)
    free = set(original.free_lines)
    for action, index, start, length, junk in mutations:
        line = lines[index]
        body = line.rstrip("\n")
        if action == "delete":
            lines[index] = ""
        elif action == "duplicate":
            lines[index] = line + (line if line.endswith("\n") else "\n" + line)
        elif action == "insert_line":
            lines[index] = junk + "\n" + line
        elif action == "replace_chars" and body.strip():
            lines[index] = line[:start] + junk + line[min(len(body), start + length) :]
        elif action == "insert_chars":
            at = start if line[:start].strip() else len(body)  # never in front of a line's first character
            lines[index] = line[:at] + junk + line[at:]
        elif action == "swap" and index + 1 in free:
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
    return "".join(lines)


@st.composite
def mutated_anywhere(draw) -> str:
    """A real text cut, spliced or sprinkled with arbitrary characters, number lines included."""
    text = "".join(ORIGINALS[draw(st.sampled_from(TEXTS))].lines)
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + draw(st.sampled_from([0, 1, 5, 200, 5000])))))
        insert = draw(st.one_of(st.text(max_size=40), st.sampled_from(["\n", "\n1. ", "\n______\n", "\x00", "\ufeff", "1 "])))
        text = text[:start] + insert + text[end:]
    return text


@bounded(examples=120, deadline_seconds=5)
@given(free_line_mutations())
def test_mutations_away_from_number_lines_keep_every_operative_paragraph_or_say_why(case):
    name, mutations = case
    original = ORIGINALS[name]
    for action, index, *_ in mutations:
        note(f"{action} line {index + 1}: {original.lines[index]!r}")
    try:
        parsed = parse_resolution(apply_mutations(original, mutations), source_name=name)
    except ParseError:
        return
    numbers = operative_numbers(parsed)
    if numbers != list(range(1, original.operatives + 1)):
        # Allowed only when the parse says so: a numbering jump is a warning the curator sees.
        assert any("operative numbering" in w for w in parsed.warnings), (numbers, parsed.warnings)


def test_a_footnote_whose_text_was_lost_does_not_swallow_the_operative_paragraphs_after_it():
    # Found by the fuzzer above: 67/161 without the text of footnote 10 (" A/67/279。") used to read
    # "37. 请秘书长 …" and everything after it as that footnote, losing op37–op41 without a warning.
    original = ORIGINALS["A_RES_67_161.txt"]
    assert original.lines[410] == " A/67/279。 \n"
    parsed = parse_resolution(apply_mutations(original, (("delete", 410, 0, 0, ""),)), source_name=original.name)
    assert operative_numbers(parsed) == list(range(1, 42))
    op37 = next(p for p in parsed.paragraphs if p.eid == "op37")
    assert op37.text == "请秘书长继续向所有国家转达大会关于向这些基金捐款的呼吁，并且每年都把这些基金列入由联合国发展活动认捐会议筹款的方案；"
    assert [f.number for f in parsed.footnotes] == list(range(1, 10))


@bounded(examples=120, deadline_seconds=5)
@given(mutated_anywhere())
def test_any_damage_to_a_real_text_ends_in_a_parse_or_a_parse_error(text):
    try:
        parsed = parse_resolution(text, source_name="fuzz.txt")
    except ParseError as exc:
        assert str(exc)  # a message a curator can read
        return
    numbers = operative_numbers(parsed)
    if numbers != list(range(1, len(numbers) + 1)):
        assert any("operative numbering" in w for w in parsed.warnings), (numbers, parsed.warnings)


@bounded(examples=60, deadline_seconds=5)
@given(st.text(max_size=2000))
def test_arbitrary_text_is_a_parse_error_not_a_crash(text):
    try:
        parse_resolution(text)
    except ParseError:
        pass


# --- Search page and API over arbitrary strings and parameters ---

PARAMETERS = ["q", "body", "language", "kind", "verb", "session_from", "session_to", "year_from", "year_to", "sort", "group", "page", "per_page"]
NASTY = st.sampled_from(
    ["", " ", "*", "?", "~", "()", ":", '"', '"人权', "AND", "OR", "NOT", "-", "-人权", "人权 OR", "\x00", "\x1f", "😀", "A/RES/", "67/",
     "0", "-1", "99999999999999999999", "1e9", "NaN", "zh", "en", "GA", "HRC", "operative", "date", "人" * 600, "a" * 5000,
     "title:人权", "id:1", "django_ct:*", "{!}", "[1 TO 2]", "%00", "../..", "<script>"]
)
VALUES = st.one_of(NASTY, st.text(max_size=60), st.integers(-10**12, 10**12).map(str))


@pytest.fixture
def seeded_index(db, search_index):
    for name in ("A_HRC_RES_45_32.txt", "A_RES_67_161.txt"):
        ingest_resolution(source=(DATA / name).read_bytes(), filename=name)
    return search_index


@bounded(examples=80, deadline_seconds=10)
@given(params=st.dictionaries(st.sampled_from(PARAMETERS + ["x", "q[]", ""]), VALUES, max_size=6), repeat_q=st.booleans())
def test_search_page_and_api_never_answer_5xx(client, seeded_index, params, repeat_q):
    query = {**params}
    if repeat_q:
        query = {**query, "q": [params.get("q", ""), "人权"]}  # a parameter given twice
    for url in ("/search/", "/api/search"):
        response = client.get(url, query)
        assert response.status_code in {200, 302}, (url, query, response.status_code)
        if url == "/api/search" and response.status_code == 200:
            body = response.json()
            assert body["count"] >= 0 and len(body["results"]) <= 100


@bounded(examples=40, deadline_seconds=10)
@given(path=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="?#"), max_size=80))
def test_resolution_api_and_pages_over_arbitrary_paths_never_answer_5xx(client, seeded_index, path):
    for url in (f"/api/resolutions/{path}", f"/{path}"):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)


# --- The admin upload over damaged files ---

UPLOADS = {name: (DATA / name).read_bytes() for name in ("A_HRC_RES_45_32.txt", "A_RES_79_163.pdf", "A_RES_78_194.pdf")}


@st.composite
def damaged_files(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(UPLOADS)))
    data = bytearray(UPLOADS[name])
    damage = draw(st.sampled_from(["truncate", "flip", "splice", "zero", "header", "empty_pages"]))
    if damage == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    elif damage == "flip":
        for _ in range(draw(st.integers(1, 50))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    elif damage == "splice":
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=500))
    elif damage == "zero":
        start = draw(st.integers(0, len(data) - 1))
        data[start : start + draw(st.integers(1, 4096))] = bytes(min(4096, len(data) - start))
    elif damage == "header":
        data[:8] = draw(st.sampled_from([b"%PDF-9.9", b"PK\x03\x04\x00\x00\x00\x00", b"\xff\xfe\x00\x00\x00\x00\x00\x00", b"\x00" * 8]))
    else:
        data = data.replace(b"/Type /Page", b"/Type /Xxxx")
    filename = draw(st.sampled_from([name, name.replace(".pdf", ".txt"), name.replace(".txt", ".pdf"), "x.docx", "noext"]))
    return filename, bytes(data)


@bounded(examples=30, deadline_seconds=20)
@given(damaged_files())
def test_upload_of_damaged_files_never_answers_5xx_and_stores_nothing(admin_client, search_index, case):
    filename, data = case
    note(f"{filename}: {len(data)} bytes")
    staged_before = staged_files()
    response = admin_client.post(
        "/admin/resolutions/resolution/upload/",
        {"files": SimpleUploadedFile(filename, data, content_type="application/octet-stream")},
    )
    assert response.status_code == 200
    # The upload only previews: nothing reaches the archive until a curator confirms.
    assert Resolution.objects.count() == 0
    assert SourceFile.objects.count() == 0
    if "confirm_form" not in response.context:  # refused: not even a staged copy is kept
        assert staged_files() == staged_before


def staged_files() -> list[str]:
    return sorted(p.name for p in staging_dir().iterdir()) if staging_dir().is_dir() else []
