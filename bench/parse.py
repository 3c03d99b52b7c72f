"""How parse time grows with the size of the text: it must double, not quadruple, when the text doubles.

    .venv/bin/python bench/parse.py                          # every shape, 1,000 to 256,000 lines
    .venv/bin/python bench/parse.py --shapes numbered --max-lines 16000

Shapes (each a whole resolution: masthead, title, opening, body, closing lines):
  numbered    N lines "k. Decides to act on item k;" (the audit's text: past 999 the numbers are no longer
              paragraph numbers, so one paragraph grows line by line)
  prose       one operative paragraph of N unnumbered lines
  real        the body of tests/data/A_RES_78_171.txt (page furniture, footnote blocks, glued markers) repeated
  chinese     the body of tests/data/A_RES_67_161.txt (four-fold bold, markers on lines of their own) repeated
  long-line   one paragraph on a single line of N words, with 200 footnotes to look for in it

For each size: lines, megabytes, seconds, and the ratio to the previous size (2.0 is linear, 4.0 quadratic).
A shape stops once one parse takes longer than --stop seconds. The last line sums up the worst ratio seen.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resolutions.parsing import ParseError, parse_resolution  # noqa: E402

DATA = ROOT / "resolutions" / "tests" / "data"
HEAD_EN = "78/999. A resolution of many lines\n\nThe General Assembly,\n\nRecalling its resolutions,\n\n"
TAIL_EN = "\n\n50th plenary meeting\n19 December 2023\n"


def _body(name: str, opening: str, closing: str) -> tuple[str, list[str], str]:
    """A real text cut into what comes before its body, the body's lines, and its closing lines."""
    text = (DATA / name).read_text(encoding="utf-8")
    start = text.index(opening) + len(opening)
    end = text.index(closing)
    return text[:start], text[start:end].splitlines(keepends=True), text[end:]


def shape(name: str, lines: int) -> str:
    if name == "numbered":
        return HEAD_EN + "".join(f"{k}. Decides to act on item {k};\n" for k in range(1, lines + 1)) + TAIL_EN
    if name == "prose":
        return HEAD_EN + "1. Decides\n" + "".join(f"that word {k} goes on and on,\n" for k in range(lines)) + TAIL_EN
    if name == "long-line":
        words = " ".join(f"item {k} of the list" for k in range(1, lines + 1))
        notes = "".join(f"{k} See A/78/{k}.\n" for k in range(1, 201))
        return HEAD_EN + f"1. Decides {words};\n_______________\n{notes}" + TAIL_EN
    if name in ("real", "chinese"):
        head, body, tail = (
            _body("A_RES_78_171.txt", "The General Assembly,", "50th plenary meeting")
            if name == "real"
            else _body("A_RES_67_161.txt", "大会大会大会大会， \n", "2012 年 12 月 20 日")
        )
        repeated = (body * (lines // len(body) + 1))[:lines]
        return head + "".join(repeated) + tail
    raise ValueError(name)


SHAPES = ("numbered", "prose", "real", "chinese", "long-line")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    parser.add_argument("--min-lines", type=int, default=1000)
    parser.add_argument("--max-lines", type=int, default=256_000)
    parser.add_argument("--stop", type=float, default=60.0, help="stop a shape after a parse slower than this")
    args = parser.parse_args()
    worst = 0.0
    for name in args.shapes.split(","):
        previous = None
        lines = args.min_lines
        while lines <= args.max_lines:
            text = shape(name, lines)
            started = time.process_time()
            try:
                parsed = parse_resolution(text, source_name="bench.txt")
                outcome = f"{len(parsed.paragraphs)} paragraphs"
            except ParseError as exc:
                outcome = f"ParseError: {re.sub(r'[(].*', '', exc.message)[:60]}"
            seconds = time.process_time() - started
            ratio = seconds / previous if previous and previous > 0.05 else None
            if ratio is not None:
                worst = max(worst, ratio)
            print(
                f"{name:9} lines={lines:>7,} mb={len(text.encode()) / 1e6:6.2f} seconds={seconds:7.2f}"
                + (f" ratio={ratio:4.1f}" if ratio is not None else "          ")
                + f"  {outcome}",
                flush=True,
            )
            if seconds > args.stop:
                print(f"{name:9} stopped: one parse took more than {args.stop:g} s")
                break
            previous = seconds
            lines *= 2
    print(f"parse worst_ratio={worst:.1f} (2.0 is linear growth, 4.0 quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
