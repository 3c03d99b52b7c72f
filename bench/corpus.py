"""A realistic archive-sized corpus from the real texts: paragraphs recombined clause by clause.

Paragraphs come from the project's parser when it can read a file (resolutions.parsing), else from a
rough split; either way new paragraphs keep the real opening words and draw their other clauses from
the pool of real clauses of the same language, so bigram and word frequencies stay those of UN texts.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BOLD_REPEAT_RE = re.compile(r"(.{1,8}?)\1\1\1")
CLAUSE_RE = re.compile(r"(?<=[，；,;])")
ZH_PARAGRAPH_END_RE = re.compile(r"(?<=[，；。])\s*\n\s*(?=\S)")


@dataclass(frozen=True)
class SourceParagraph:
    language: str
    kind: str
    text: str


def read_paragraphs(corpus: Path) -> list[SourceParagraph]:
    """Every paragraph of the .txt resolutions under `corpus` (zh/ and en/)."""
    found: list[SourceParagraph] = []
    for path in sorted(corpus.glob("*/*.txt")):
        language = path.parent.name
        found.extend(_parsed(path, language) or _rough(path, language))
    return found


def _parsed(path: Path, language: str) -> list[SourceParagraph]:
    try:
        from resolutions.parsing import ParseError, parse_resolution
    except ImportError:
        return []
    try:
        parsed = parse_resolution(path.read_text(encoding="utf-8"), source_name=path.name)
    except (ParseError, ValueError):
        return []
    return [SourceParagraph(language, str(getattr(p.kind, "value", p.kind)), p.text) for p in parsed.paragraphs if p.text]


def _rough(path: Path, language: str) -> list[SourceParagraph]:
    text = BOLD_REPEAT_RE.sub(r"\1", path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not re.fullmatch(r"[\d\s/*.A-Z()\-:]+", line) and "___" not in line]
    if language == "zh":
        blocks = re.split(r"(?<=[，；。：])\n", "\n".join(lines))
        texts = [block.replace("\n", "") for block in blocks]
    else:
        blocks = re.split(r"(?<=[,;.:])\n(?=[A-Z0-9])", "\n".join(lines))
        texts = [re.sub(r"\s+", " ", block) for block in blocks]
    result = []
    for raw in texts:
        body = re.sub(r"^\d+\.\s*", "", raw).strip()
        if len(body) >= (12 if language == "zh" else 40):
            kind = "operative" if re.match(r"^\d+\.", raw) else "preambular"
            result.append(SourceParagraph(language, kind, body))
    return result


def recombine(sources: list[SourceParagraph], count: int, *, seed: int = 1) -> Iterator[SourceParagraph]:
    """`count` new paragraphs: a real paragraph's first clause, then clauses drawn from the same language."""
    rng = random.Random(seed)
    pools: dict[str, list[str]] = {}
    by_language: dict[str, list[SourceParagraph]] = {}
    for source in sources:
        pools.setdefault(source.language, []).extend(c for c in CLAUSE_RE.split(source.text)[1:] if c)
        by_language.setdefault(source.language, []).append(source)
    languages = sorted(by_language)
    for n in range(count):
        # As many paragraphs in each language, whatever the number of source texts per language.
        template = rng.choice(by_language[languages[n % len(languages)]])
        clauses = CLAUSE_RE.split(template.text)
        pool = pools.get(template.language) or clauses
        new = [clauses[0]] + [rng.choice(pool) if rng.random() < 0.6 else clause for clause in clauses[1:]]
        yield SourceParagraph(template.language, template.kind, "".join(new))
