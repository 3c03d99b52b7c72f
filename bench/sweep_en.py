"""Parse every English resolution in a corpus folder and report what the parser found.

    .venv/bin/python bench/sweep_en.py /work/shared/corpus/en          # the .txt extractions
    .venv/bin/python bench/sweep_en.py /work/shared/corpus/en --pdf    # the PDFs through read_source
    .venv/bin/python bench/sweep_en.py FOLDER --files A_RES_217_A_III.pdf   # any files, no INDEX.csv checks

Per file and in total: paragraphs by kind, footnotes, references, operative numbering gaps, title/date
mismatches against INDEX.csv, uncited footnotes, and furniture leaks (a symbol, job number or page
number inside a paragraph text). Exits non-zero when any file fails or any check is off.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from resolutions.parsing import Kind, ParseError, parse_resolution  # noqa: E402
from resolutions.parsing.sources import read_source  # noqa: E402

LEAK_RES = [
    re.compile(r"\b[AES]/(?:[A-Z]+/)*RES/\d+/\d+\s*$"),  # a running header symbol at the end of a text
    re.compile(r"(?<![\d/-])\d{2}-\d{5}(?![\d/])"),  # a job number: 23-25972
    re.compile(r"\*\d{6,8}\*|请回收|Distr\.:"),
]


def leaks(text: str, symbol: str, pages: int | None = None) -> list[str]:
    found = []
    if pages:  # a page number "2/4" of this document's own page count
        for match in re.finditer(rf"(?<![\w/.,-])(\d{{1,3}})/{pages}(?![\w/])", text):
            if int(match.group(1)) <= pages:
                found.append(match.group())
    if symbol and symbol in text:
        found.append(symbol)
    for pattern in LEAK_RES:
        found.extend(m.group() for m in pattern.finditer(text))
    return found


def load_index(folder: Path) -> dict[str, dict]:
    index = folder / "INDEX.csv"
    if not index.exists():
        return {}
    with index.open(encoding="utf-8") as handle:
        return {row["symbol"]: row for row in csv.DictReader(handle)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--pdf", action="store_true", help="read the PDFs through read_source instead of the .txt")
    parser.add_argument("--files", nargs="*", help="only these file names")
    parser.add_argument("--quiet", action="store_true", help="only files with a problem, and the totals")
    args = parser.parse_args()

    index = load_index(args.folder)
    pattern = "*.pdf" if args.pdf else "*.txt"
    files = sorted(args.folder.glob(pattern)) if not args.files else [args.folder / f for f in args.files]
    totals = dict(files=0, failed=0, pp=0, op=0, items=0, annex=0, footnotes=0, references=0, gaps=0,
                  mismatches=0, leaks=0, uncited=0, seconds=0.0)
    for path in files:
        totals["files"] += 1
        started = time.perf_counter()
        try:
            text = read_source(path.read_bytes(), path.name)
            parsed = parse_resolution(text, source_name=path.name)
        except ParseError as exc:
            totals["failed"] += 1
            print(f"{path.name}: FAILED {exc}")
            continue
        finally:
            totals["seconds"] += time.perf_counter() - started
        pp = parsed.paragraphs_of(Kind.PREAMBULAR)
        ops = [p for p in parsed.paragraphs_of(Kind.OPERATIVE) if not p.item]
        items = [p for p in parsed.paragraphs_of(Kind.OPERATIVE) if p.item]
        annex = parsed.paragraphs_of(Kind.ANNEX)
        numbers = [p.number for p in ops]
        gaps = 0 if numbers == list(range(1, len(numbers) + 1)) else 1
        problems = []
        if gaps:
            problems.append(f"operative numbers {numbers}")
        row = index.get(parsed.symbol)
        mismatches = 0
        if index:
            if row is None:
                mismatches += 1
                problems.append(f"symbol {parsed.symbol} not in INDEX.csv")
            else:
                expected_title = re.sub(r"^\d+/\d+\.\s*", "", row["title"]).strip()
                if parsed.title != expected_title:
                    mismatches += 1
                    problems.append(f"title {parsed.title!r} != {expected_title!r}")
                expected_date = datetime.strptime(row["adopted"], "%d %B %Y").date()
                if parsed.adopted_on != expected_date:
                    mismatches += 1
                    problems.append(f"adopted {parsed.adopted_on} != {expected_date}")
        leaked = []
        for p in parsed.paragraphs:
            for leak in leaks(p.text, parsed.symbol, int(row["pages"]) if row else None):
                leaked.append(f"{p.eid}: {leak!r}")
        if leaked:
            problems.append("leaks " + "; ".join(leaked[:5]))
        cited = {m.number for p in parsed.paragraphs for m in p.footnotes}
        uncited = [f.number for f in parsed.footnotes if f.number not in cited]
        if uncited:
            problems.append(f"uncited footnotes {uncited}")
        references = sum(len(p.references) for p in parsed.paragraphs) + sum(len(f.references) for f in parsed.footnotes)
        for key, value in (("pp", len(pp)), ("op", len(ops)), ("items", len(items)), ("annex", len(annex)),
                           ("footnotes", len(parsed.footnotes)), ("references", references), ("gaps", gaps),
                           ("mismatches", mismatches), ("leaks", len(leaked)), ("uncited", len(uncited))):
            totals[key] += value
        if problems or not args.quiet:
            print(f"{path.name}: {parsed.symbol} pp={len(pp)} op={len(ops)} items={len(items)} annex={len(annex)} "
                  f"footnotes={len(parsed.footnotes)} refs={references}" + ("  !! " + " | ".join(problems) if problems else ""))
    print("TOTAL " + " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in totals.items()))
    bad = totals["failed"] + totals["gaps"] + totals["mismatches"] + totals["leaks"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
