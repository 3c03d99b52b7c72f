"""The Universal Declaration of Human Rights (A/RES/217(III)): a preamble and thirty articles, not numbered
operative paragraphs. Articles are parsed as operative paragraphs numbered by their article number, so
"第十九条" / "Article 19" is op19, the element a researcher citing the article expects."""
from __future__ import annotations

import re
from datetime import date

from . import text as t
from .document import Body, Kind, ParsedParagraph, ParsedResolution
from .references import find_references

# The declaration's own title line, as printed: "世界人权宣言", "Universal Declaration of Human Rights".
DECLARATION_TITLE_RE = re.compile(r"^\s*(?P<title>世界人权宣言|Universal Declaration of Human Rights)\s*$")
# An article heading: "第一条", "第二十九条", "Article 1".
ARTICLE_RE = re.compile(r"^\s*(?:第(?P<zh>[一二三四五六七八九十百]+)条|Article\s+(?P<en>\d{1,3}))\s*$")
# The preamble heading and the start of each preambular paragraph: 鉴于…, 因此现在…, Whereas…, Now, therefore…
PREAMBLE_HEADING_RE = re.compile(r"^\s*(?:序\s*言|Preamble)\s*$")
PREAMBULAR_START_RE = re.compile(r"^\s*(?:鉴于|因此|Whereas|Now,? therefore)")


def looks_like_declaration(lines: list[str]) -> bool:
    head = [line for line in lines[:15] if line.strip()]
    return any(DECLARATION_TITLE_RE.match(line) for line in head) and any(ARTICLE_RE.match(line) for line in lines)


def parse_declaration(lines: list[str]) -> ParsedResolution:
    from .structure import DATE_ZH_RE, chinese_numeral

    language = "zh" if t.cjk_share("".join(lines)) > 0.2 else "en"
    title = next(DECLARATION_TITLE_RE.match(line)["title"] for line in lines if DECLARATION_TITLE_RE.match(line))
    preamble_at = next((i for i, line in enumerate(lines) if PREAMBLE_HEADING_RE.match(line)), None)
    first_article = next(i for i, line in enumerate(lines) if ARTICLE_RE.match(line))
    start = preamble_at + 1 if preamble_at is not None else first_article
    paragraphs: list[tuple[Kind, int, str]] = []
    for line in lines[start:first_article]:
        if not line.strip():
            continue
        if PREAMBULAR_START_RE.match(line) or not paragraphs:
            paragraphs.append((Kind.PREAMBULAR, len(paragraphs) + 1, line.strip()))
        else:
            kind, number, text = paragraphs[-1]
            paragraphs[-1] = (kind, number, t.join(text, line))
    article = 0
    for line in lines[first_article:]:
        heading = ARTICLE_RE.match(line)
        if heading:
            article = chinese_numeral(heading["zh"]) if heading["zh"] else int(heading["en"])
            paragraphs.append((Kind.OPERATIVE, article, ""))
        elif line.strip():
            kind, number, text = paragraphs[-1]
            paragraphs[-1] = (kind, number, t.join(text, line))
    adopted = None
    match = DATE_ZH_RE.search("\n".join(lines[: start or 10]))
    if match:
        adopted = date(int(match["year"]), int(match["month"]), int(match["day"]))
    elif "10 December 1948" in "\n".join(lines):
        adopted = date(1948, 12, 10)
    return ParsedResolution(
        symbol="A/RES/217(III)",
        language=language,
        body=Body.GENERAL_ASSEMBLY,
        session="3",
        number="217 A (III)",
        title=title,
        opening="大会，" if language == "zh" else "The General Assembly,",
        adopted_on=adopted,
        paragraphs=tuple(
            ParsedParagraph(
                kind=kind,
                number=number,
                text=t.squeeze_spaces(text),
                references=find_references(t.squeeze_spaces(text), document_body=Body.GENERAL_ASSEMBLY, language=language),
            )
            for kind, number, text in paragraphs
        ),
        warnings=("parsed as a declaration: articles are operative paragraphs numbered by article",),
    )
