"""The Universal Declaration of Human Rights (A/RES/217(III)): a preamble and thirty articles, not numbered
operative paragraphs. Articles are parsed as operative paragraphs numbered by their article number, so
"第十九条" / "Article 19" is op19, the element a researcher citing the article expects."""
from __future__ import annotations

import re
from datetime import date

from . import text as t
from .document import Body, Kind, ParsedParagraph, ParsedResolution
from .languages import LanguageRules, detect_language
from .languages.zh import chinese_numeral
from .references import find_references

# The declaration's own title line, as printed: "世界人权宣言", "Universal Declaration of Human Rights".
DECLARATION_TITLE_RE = re.compile(r"^\s*(?P<title>世界人权宣言|Universal Declaration of Human Rights)\s*$")
# An article heading: "第一条", "第二十九条", "Article 1".
ARTICLE_RE = re.compile(r"^\s*(?:第(?P<zh>[一二三四五六七八九十百]+)条|Article\s+(?P<en>\d{1,3}))\s*$")
# The preamble heading and the start of each preambular paragraph: 鉴于…, 因此现在…, Whereas…, Now, therefore…
PREAMBLE_HEADING_RE = re.compile(r"^\s*(?:序\s*言|Preamble)\s*$")
PREAMBULAR_START_RE = re.compile(r"^\s*(?:鉴于|因此|Whereas|Now,? therefore)")
# The Assembly proclaimed it on 10 December 1948 (resolution 217 A (III)).
ADOPTED_ON = date(1948, 12, 10)


def looks_like_declaration(lines: list[str]) -> bool:
    head = [line for line in lines[:15] if line.strip()]
    return any(DECLARATION_TITLE_RE.match(line) for line in head) and any(ARTICLE_RE.match(line) for line in lines)


def parse_declaration(lines: list[str], rules: LanguageRules | None = None) -> ParsedResolution:
    """The declaration in `lines` (decoded), in the language of `rules` (told from the text when not given)."""
    rules = rules or detect_language("\n".join(lines))
    language = rules.code
    title = next(DECLARATION_TITLE_RE.match(line)["title"] for line in lines if DECLARATION_TITLE_RE.match(line))
    preamble_at = next((i for i, line in enumerate(lines) if PREAMBLE_HEADING_RE.match(line)), None)
    first_article = next(i for i, line in enumerate(lines) if ARTICLE_RE.match(line))
    start = preamble_at + 1 if preamble_at is not None else first_article
    paragraphs: list[tuple[Kind, int, t.RunningText]] = []
    for line in lines[start:first_article]:
        if not line.strip():
            continue
        if PREAMBULAR_START_RE.match(line) or not paragraphs:
            paragraphs.append((Kind.PREAMBULAR, len(paragraphs) + 1, t.RunningText(line)))
        else:
            paragraphs[-1][2].add(line)
    for line in lines[first_article:]:
        heading = ARTICLE_RE.match(line)
        if heading:
            article = chinese_numeral(heading["zh"]) if heading["zh"] else int(heading["en"])
            paragraphs.append((Kind.OPERATIVE, article, t.RunningText()))
        elif line.strip():
            paragraphs[-1][2].add(line)
    adopted = rules.parse_date("\n".join(lines[: start or 10]))
    if adopted is None and "10 December 1948" in "\n".join(lines):
        adopted = ADOPTED_ON
    texts = [(kind, number, t.squeeze_spaces(text.text)) for kind, number, text in paragraphs]
    return ParsedResolution(
        symbol="A/RES/217(III)",
        language=language,
        body=Body.GENERAL_ASSEMBLY,
        session="3",
        number="217 A (III)",
        title=title,
        opening=rules.opening_formula(Body.GENERAL_ASSEMBLY),
        adopted_on=adopted,
        paragraphs=tuple(
            ParsedParagraph(
                kind=kind,
                number=number,
                text=text,
                references=find_references(text, document_body=Body.GENERAL_ASSEMBLY, language=language),
            )
            for kind, number, text in texts
        ),
        warnings=("parsed as a declaration: articles are operative paragraphs numbered by article",),
    )
