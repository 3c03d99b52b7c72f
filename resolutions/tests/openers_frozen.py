"""How every paragraph of the test documents opens, frozen: the facet's opener, the verb series comparison
weighs, and the direction of every verb change between those verbs (all read by resolutions.openers).

The paragraphs are those of the parser's expected files (resolutions/tests/expected/), so the corpus need not be
present. One line per distinct paragraph opening (its first 200 characters, which is all any reader looks at).

    python -m resolutions.tests.openers_frozen            # show what differs, exit 1 if anything does
    python -m resolutions.tests.openers_frozen --update   # write the files again (a deliberate change)

Nothing here imports Django.
"""
from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from resolutions.openers import opener
from resolutions.openers import opening
from resolutions.verb_strength import compare_verbs

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
FROZEN = HERE / "data" / "openers_frozen"
HEAD = 200  # characters of a paragraph any opener reader looks at
LANGUAGES = ("en", "zh")


def openings(language: str) -> list[str]:
    """The distinct openings (first HEAD characters) of the paragraphs of every expected file in `language`."""
    found: set[str] = set()
    for path in sorted(EXPECTED.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("language") != language:
            continue
        found.update(paragraph["text"][:HEAD] for paragraph in data.get("paragraphs", []))
    return sorted(found)


def _cell(text: str) -> str:
    return " ".join(text.split())[:70]


def paragraph_lines(language: str) -> list[str]:
    """facet opener | the verb series comparison weighs | the paragraph's first words."""
    return [
        f"{opener(text, language)}\t{opening(text, language).verb or '-'}\t{_cell(text)}"
        for text in openings(language)
    ]


def change_lines(language: str) -> list[str]:
    """Every change between two verbs the comparison names in the documents, before → after, that is not a plain
    change of verb (those are the rest): strengthened, softened, or no change (two forms of one step)."""
    exemplars: dict[str, str] = {}
    for text in openings(language):
        verb = opening(text, language).verb
        if verb:
            exemplars.setdefault(verb, text)
    lines = []
    for before_verb, before in sorted(exemplars.items()):
        for after_verb, after in sorted(exemplars.items()):
            if before_verb == after_verb:
                continue
            change = compare_verbs(before, after, language)
            if change is None or change.direction.value:
                lines.append(f"{before_verb} → {after_verb}\t" + ("no change" if change is None else change.direction.value))
    return lines


def frozen_files() -> dict[Path, list[str]]:
    files = {}
    for language in LANGUAGES:
        files[FROZEN / f"paragraphs_{language}.tsv"] = paragraph_lines(language)
        files[FROZEN / f"verb_changes_{language}.tsv"] = change_lines(language)
    return files


def diff(path: Path, actual: list[str]) -> str:
    expected = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return "\n".join(difflib.unified_diff(expected, actual, str(path.name), "now", lineterm="", n=0))


def main(argv: list[str]) -> int:
    changed = 0
    for path, lines in frozen_files().items():
        shown = diff(path, lines)
        if shown:
            changed += 1
            print(shown)
            if "--update" in argv:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{changed} frozen files {'written' if '--update' in argv else 'differ'}")
    return 1 if changed and "--update" not in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
