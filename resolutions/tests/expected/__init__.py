"""Expected parser output for every test document, frozen as JSON, and the readable form its test diffs.

One file per document: `data/<name>.json` for resolutions/tests/data, `sample_data/<name>.json` for
sample_data/, `corpus/<zh|en>/<name>.json` for the shared corpus (read from ARCHIVE_CORPUS_DIR, by default
`../shared/corpus` next to the repository; without it the English .txt texts are read from the project's copy in
resolutions/tests/corpus/en). `<name>` keeps the source's extension (`A_RES_78_171.pdf.json`
and `A_RES_78_171.txt.json` are the PDF and its text extraction).

    python -m resolutions.tests.expected            # show what differs, exit 1 if anything does
    python -m resolutions.tests.expected --update   # write the files again (a deliberate change: read the diff first)
    python -m resolutions.tests.expected --update corpus/en/A_RES_78_171.txt   # only these

Nothing here imports Django: the parser is pure Python.
"""
from __future__ import annotations

import dataclasses
import difflib
import enum
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from resolutions.parsing import ParseError, parse_resolution
from resolutions.parsing.sources import read_source

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[2]
SUFFIXES = (".txt", ".pdf", ".docx")
PROJECT_CORPUS = REPOSITORY / "resolutions" / "tests" / "corpus"
# The shared corpus's documents that are resolutions to parse (the XML declarations are another reader's).
CORPUS_LANGUAGES = ("zh", "en")


def corpus_dir() -> Path | None:
    """The shared corpus: ARCHIVE_CORPUS_DIR, else ../shared/corpus beside the repository (for a git worktree,
    beside its main checkout too); None when it is absent."""
    configured = os.environ.get("ARCHIVE_CORPUS_DIR")
    if configured:
        path = Path(configured)
        return path if path.is_dir() else None
    candidates = [REPOSITORY.parent / "shared" / "corpus"]
    dot_git = REPOSITORY / ".git"
    if dot_git.is_file():  # a worktree: ".git" names <main>/.git/worktrees/<name>
        gitdir = Path(dot_git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        candidates.append(gitdir.parents[2].parent / "shared" / "corpus")
    return next((path for path in candidates if path.is_dir()), None)


@dataclass(frozen=True)
class Case:
    """One test document: `name` ("data/A_RES_67_161.txt", "corpus/en/A_RES_78_171.pdf") and its expected file."""

    name: str

    @property
    def expected_path(self) -> Path:
        return HERE / f"{self.name}.json"

    @property
    def in_corpus(self) -> bool:
        return self.name.startswith("corpus/")

    def source_path(self) -> Path | None:
        """Where the document is read from; None when it lives in a corpus this machine does not have."""
        folder, _, rest = self.name.partition("/")
        if folder == "data":
            return REPOSITORY / "resolutions" / "tests" / "data" / rest
        if folder == "sample_data":
            return REPOSITORY / "sample_data" / rest
        corpus = corpus_dir()
        if corpus is not None:
            return corpus / rest
        copy = PROJECT_CORPUS / rest  # the English .txt texts are also kept in the project (the series tests')
        return copy if copy.is_file() else None


def source_cases() -> list[Case]:
    """Every test document present on this machine."""
    cases = [
        Case(f"{folder}/{path.name}")
        for folder, root in (("data", REPOSITORY / "resolutions" / "tests" / "data"), ("sample_data", REPOSITORY / "sample_data"))
        for path in sorted(root.iterdir())
        if path.suffix in SUFFIXES
    ]
    corpus = corpus_dir()
    if corpus is not None:
        for language in CORPUS_LANGUAGES:
            cases += [Case(f"corpus/{language}/{path.name}") for path in sorted((corpus / language).iterdir())
                      if path.suffix in SUFFIXES]
    return cases


def expected_cases() -> list[Case]:
    """Every document that has an expected file (corpus ones included where the corpus is absent)."""
    return [Case(str(path.relative_to(HERE))[: -len(".json")]) for path in sorted(HERE.rglob("*.json"))]


def parse_case(case: Case):
    """The parse of one document, through the same two steps as services.parse_source."""
    path = case.source_path()
    assert path is not None, f"{case.name}: the corpus is absent"
    text = read_source(path.read_bytes(), path.name)
    return parse_resolution(text, source_name=path.name)


def _plain(value):
    """A parser value as JSON: dataclasses as dicts without the fields left at their default, enums as values."""
    if dataclasses.is_dataclass(value):
        out = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            default = field.default if field.default is not dataclasses.MISSING else dataclasses.MISSING
            if field.default_factory is not dataclasses.MISSING:
                default = field.default_factory()
            if default is not dataclasses.MISSING and item == default and field.name not in ALWAYS.get(type(value).__name__, ()):
                continue
            out[field.name] = _plain(item)
        if hasattr(value, "eid"):
            out = {"eid": value.eid, **out}
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


# Fields shown even at their default: what a reader of the expected file looks for first.
ALWAYS = {"ParsedResolution": {"warnings", "paragraphs", "footnotes"}, "ParsedParagraph": {"item", "footnotes"}}


def snapshot(case: Case) -> dict:
    """What the parser makes of `case`, as JSON: the resolution, or the ParseError it raised."""
    try:
        parsed = parse_case(case)
    except ParseError as exc:
        return {"error": {"type": type(exc).__name__, "message": exc.message, "line": exc.line}}
    return _plain(parsed)


def render(data: dict) -> list[str]:
    """The snapshot as lines a person reads: metadata, warnings, then one block per paragraph and footnote."""
    if "error" in data:
        return [f"error: {json.dumps(data['error'], ensure_ascii=False)}"]
    lines = []
    for key, value in data.items():
        if key not in ("paragraphs", "footnotes", "warnings"):
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines += [f"warning: {warning}" for warning in data.get("warnings", [])]
    for paragraph in data.get("paragraphs", []):
        text = paragraph.get("text", "")
        head = f"== {paragraph['eid']} ({paragraph.get('kind')} {paragraph.get('number')}"
        lines.append(head + (f" item {paragraph['item']})" if paragraph.get("item") else ")"))
        if paragraph.get("heading"):
            lines.append(f"   heading: {paragraph['heading']}")
        lines.append(f"   {text}")
        lines += _rest(paragraph, text, skip={"eid", "kind", "number", "item", "text", "heading"})
    for footnote in data.get("footnotes", []):
        text = footnote.get("text", "")
        lines.append(f"== footnote {footnote['number']}")
        lines.append(f"   {text}")
        lines += _rest(footnote, text, skip={"number", "text"})
    return lines


def _rest(entry: dict, text: str, *, skip: set[str]) -> list[str]:
    lines = []
    for marker in entry.get("footnotes", []):
        offset = marker["offset"]
        lines.append(f"   marker {marker['number']} at {offset}: …{text[max(0, offset - 12) : offset]}|{text[offset : offset + 6]}…")
    for reference in entry.get("references", []):
        start, end = reference.get("start", 0), reference.get("end", 0)
        extras = {k: v for k, v in reference.items() if k not in ("symbol", "start", "end")}
        lines.append(f"   reference {reference['symbol']} [{start}:{end}] {text[start:end]!r}"
                     + (f" {json.dumps(extras, ensure_ascii=False)}" if extras else ""))
    for key, value in entry.items():
        if key not in skip and key not in ("footnotes", "references"):
            lines.append(f"   {key}: {json.dumps(value, ensure_ascii=False)}")
    return lines


def diff(expected: dict, actual: dict, name: str) -> str:
    """A unified diff of the readable forms; "" when they are the same."""
    return "\n".join(
        difflib.unified_diff(render(expected), render(actual), f"expected/{name}", f"parsed/{name}", lineterm="", n=2)
    )


def load(case: Case) -> dict:
    return json.loads(case.expected_path.read_text(encoding="utf-8"))


def write(case: Case, data: dict) -> None:
    case.expected_path.parent.mkdir(parents=True, exist_ok=True)
    case.expected_path.write_text(dumps(data) + "\n", encoding="utf-8")


def dumps(value, indent: str = "") -> str:
    """JSON with one key per line, but a small value (a marker, a reference) kept on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) <= 100 or not isinstance(value, (dict, list)) or not value:
        return flat
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key, ensure_ascii=False)}: {dumps(item, inner)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    return "[\n" + ",\n".join(inner + dumps(item, inner) for item in value) + f"\n{indent}]"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m resolutions.tests.expected", description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the expected files from the parser's output")
    parser.add_argument("names", nargs="*", help="only these documents (data/A_RES_67_161.txt, corpus/en/…)")
    args = parser.parse_args(argv)
    cases = source_cases()
    if corpus_dir() is None:
        print("the corpus is absent (set ARCHIVE_CORPUS_DIR): its documents are left as they are")
    if args.names:
        wanted = {name.removesuffix(".json") for name in args.names}
        cases = [case for case in cases if case.name in wanted]
        missing = wanted - {case.name for case in cases}
        if missing:
            parser.error(f"no such document: {', '.join(sorted(missing))}")
    changed = 0
    for case in cases:
        actual = snapshot(case)
        expected = load(case) if case.expected_path.exists() else None
        if expected == actual:
            continue
        changed += 1
        print(diff(expected or {}, actual, case.name) if expected is not None else f"new: {case.name}")
        if args.update:
            write(case, actual)
    verb = "written" if args.update else "differ"
    print(f"{changed} of {len(cases)} expected files {verb}")
    return 1 if changed and not args.update else 0
