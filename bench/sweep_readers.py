"""Compare how PDFs parse through today's reader and through the reader of another git revision.

    .venv/bin/python bench/sweep_readers.py /work/shared/corpus/en                 # against main's reader
    .venv/bin/python bench/sweep_readers.py resolutions/tests/data --against 57ca36f
    .venv/bin/python bench/sweep_readers.py FOLDER --files A_RES_78_171.pdf --show

The other revision's `resolutions/parsing/sources.py` (and the modules it imports from the parsing
package, taken from the same revision) is loaded beside the working tree's; both texts are then parsed
by the working tree's parser, so only the readers differ. Per file: the paragraphs (eid and text), the
footnote markers of each paragraph and the footnotes that differ, and the sweep checks of
bench/sweep_en.py (furniture leaks, uncited footnotes, numbering gaps) for each side. A difference is
not necessarily a regression: `--show` prints each differing paragraph of both sides to judge by eye.
Exits non-zero when a file parses on the other side and fails on this one, or when any check is worse.
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from bench.sweep_en import leaks, load_index
from resolutions.parsing import Kind, ParseError, parse_resolution
from resolutions.parsing.sources import read_source

PARSING_MODULES = ("document", "text", "sources")


def load_reader(revision: str, workdir: Path):
    """`read_source` of `revision`, as a module in a package of its own (never shadowing this tree's)."""
    package = workdir / "reader_then"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    listing = subprocess.run(["git", "-C", str(REPOSITORY), "ls-tree", "--name-only", revision,
                              "resolutions/parsing/"], check=True, capture_output=True, text=True).stdout.split()
    for path in listing:
        name = Path(path).name
        if name.endswith(".py") and name != "__init__.py":
            source = subprocess.run(["git", "-C", str(REPOSITORY), "show", f"{revision}:{path}"], check=True,
                                    capture_output=True, text=True).stdout
            (package / name).write_text(source, encoding="utf-8")
    sys.path.insert(0, str(workdir))
    spec = importlib.util.spec_from_file_location("reader_then.sources", package / "sources.py",
                                                  submodule_search_locations=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules["reader_then.sources"] = module
    spec.loader.exec_module(module)
    return module.read_source


def checks(parsed, pages: int | None) -> dict[str, int]:
    ops = [p.number for p in parsed.paragraphs_of(Kind.OPERATIVE) if not p.item]
    cited = {m.number for p in parsed.paragraphs for m in p.footnotes}
    return {
        "leaks": sum(len(leaks(p.text, parsed.symbol, pages)) for p in parsed.paragraphs),
        "uncited": sum(1 for f in parsed.footnotes if f.number not in cited),
        "gaps": 0 if ops == list(range(1, len(ops) + 1)) else 1,
    }


def summary(parsed) -> list[str]:
    """One line per paragraph and per footnote: what a reader of the archive sees."""
    rows = [f"{p.eid} [{','.join(str(m.number) for m in p.footnotes)}] {p.text}" for p in parsed.paragraphs]
    rows += [f"footnote {f.number}: {f.text}" for f in parsed.footnotes]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--against", default="main", help="git revision whose reader is compared (default main)")
    parser.add_argument("--files", nargs="*", help="only these file names")
    parser.add_argument("--show", action="store_true", help="print the differing paragraphs")
    args = parser.parse_args()

    files = sorted(args.folder.glob("*.pdf")) if not args.files else [args.folder / f for f in args.files]
    index = load_index(args.folder)
    totals = {"files": 0, "same": 0, "different": 0, "worse": 0, "then_s": 0.0, "now_s": 0.0,
              "paragraphs_then": 0, "paragraphs_now": 0, "paragraphs_changed": 0}
    with tempfile.TemporaryDirectory() as workdir:
        read_then = load_reader(args.against, Path(workdir))
        for path in files:
            totals["files"] += 1
            data = path.read_bytes()
            results = {}
            for side, reader in (("then", read_then), ("now", read_source)):
                started = time.perf_counter()
                try:
                    results[side] = parse_resolution(reader(data, path.name), source_name=path.name)
                except ParseError as exc:
                    results[side] = exc
                totals[f"{side}_s"] += time.perf_counter() - started
            then, now = results["then"], results["now"]
            if isinstance(then, ParseError) or isinstance(now, ParseError):
                if isinstance(now, ParseError) and not isinstance(then, ParseError):
                    totals["worse"] += 1
                print(f"{path.name}: then {'FAILED ' + str(then) if isinstance(then, ParseError) else 'parsed'}; "
                      f"now {'FAILED ' + str(now) if isinstance(now, ParseError) else 'parsed'}")
                continue
            totals["paragraphs_then"] += len(then.paragraphs)
            totals["paragraphs_now"] += len(now.paragraphs)
            row = index.get(now.symbol)
            pages = int(row["pages"]) if row else None
            checks_then, checks_now = checks(then, pages), checks(now, pages)
            worse = [k for k in checks_now if checks_now[k] > checks_then[k]]
            rows_then, rows_now = summary(then), summary(now)
            if rows_then == rows_now and then.title == now.title and then.job_number == now.job_number:
                totals["same"] += 1
                continue
            totals["different"] += 1
            totals["worse"] += bool(worse)
            changed = [line for line in difflib.unified_diff(rows_then, rows_now, lineterm="", n=0)
                       if line[:1] in "+-" and not line.startswith(("+++", "---"))]
            totals["paragraphs_changed"] += sum(1 for line in changed if line.startswith("+"))
            print(f"{path.name}: {len(then.paragraphs)} -> {len(now.paragraphs)} paragraphs, "
                  f"{sum(1 for line in changed if line.startswith('+'))} lines changed; checks then {checks_then} "
                  f"now {checks_now}" + (f"  !! worse: {', '.join(worse)}" if worse else ""))
            if then.title != now.title or then.job_number != now.job_number:
                print(f"    title/job then {then.title!r} {then.job_number!r} now {now.title!r} {now.job_number!r}")
            if args.show:
                for line in changed:
                    print("    " + line[:300])
    print("TOTAL " + " ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in totals.items()))
    return 1 if totals["worse"] else 0


if __name__ == "__main__":
    sys.exit(main())
