"""How a resolution's text is shown: links and footnote markers placed by offset, citations, opening words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import BODY_NAMES_ZH, PARAGRAPH_KIND_NAMES_ZH, Body, ParagraphKind

register = template.Library()


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    href: str
    title: str
    external: bool


@dataclass(frozen=True)
class Marker:
    offset: int
    number: int
    anchor: str  # id of the footnote the marker points to


EMPHASIS = "opening"


def place(
    text: str, links: Iterable[Link], markers: Iterable[Marker], emphasis: int = 0
) -> list[tuple[str, Link | Marker | str | None]]:
    """Cut `text` into runs, each plain (None), inside a link, a footnote marker ("" text), or EMPHASIS.

    The first `emphasis` characters (the opening words, bold in the Chinese print, italic in the English)
    are marked EMPHASIS where no link covers them.

    Overlapping or out-of-range links are dropped (the first one wins); a marker that falls inside a link
    moves to its end, so "resolution 77/228⁵" keeps the whole citation as one link.
    """
    size = len(text)
    kept: list[Link] = []
    for link in sorted(links, key=lambda link: (link.start, -link.end)):
        if 0 <= link.start < link.end <= size and (not kept or link.start >= kept[-1].end):
            kept.append(link)
    placed: dict[int, list[Marker]] = {}
    for marker in markers:
        offset = min(max(marker.offset, 0), size)
        for link in kept:
            if link.start < offset < link.end:
                offset = link.end
        placed.setdefault(offset, []).append(marker)

    emphasis = min(max(emphasis, 0), size)
    cuts = sorted({0, size, emphasis, *placed, *(link.start for link in kept), *(link.end for link in kept)})
    runs: list[tuple[str, Link | Marker | str | None]] = []
    for here, there in zip(cuts, cuts[1:] + [None]):
        runs.extend(("", marker) for marker in sorted(placed.get(here, []), key=lambda m: m.number))
        if there is None:
            break
        covering = next((link for link in kept if link.start <= here < link.end), None)
        if here < there:
            runs.append((text[here:there], covering or (EMPHASIS if here < emphasis else None)))
    return runs


def render_runs(runs: list[tuple[str, Link | Marker | str | None]]) -> SafeString:
    """HTML for the runs; every piece of document text is escaped."""
    parts: list[SafeString] = []
    for text, what in runs:
        if isinstance(what, Marker):
            parts.append(
                format_html(
                    '<sup class="fn-marker"><a href="#{}" id="{}-ref" aria-label="脚注 {} footnote">{}</a></sup>',
                    what.anchor,
                    what.anchor,
                    what.number,
                    what.number,
                )
            )
        elif isinstance(what, Link):
            parts.append(
                format_html(
                    '<a class="ref{}" href="{}" title="{}">{}</a>',
                    " ref-external" if what.external else "",
                    what.href,
                    what.title,
                    text,
                )
            )
        elif what == EMPHASIS:
            parts.append(format_html('<span class="opening">{}</span>', text))
        else:
            parts.append(format_html("{}", text))
    return SafeString("".join(parts))


@register.simple_tag
def marked_text(item, language: str = "") -> SafeString:
    """The text of a paragraph or footnote the view prepared (`.text`, `.links`, `.markers`), as HTML.

    With a `language`, the paragraph's opening words are set off as the UN prints them.
    """
    emphasis = len(opening_words(item.text, language, guess=False)) if language else 0
    return render_runs(place(item.text, getattr(item, "links", ()), getattr(item, "markers", ()), emphasis))


# --- Citations -------------------------------------------------------------------------------------

BODY_NAMES_EN = {value: label for value, label in Body.choices}


def cited_number(resolution) -> str:
    """'67/161' for most resolutions; the number alone when it carries its session, as in '217 A (III)'."""
    if "(" in resolution.number or not resolution.session:
        return resolution.number
    return f"{resolution.session}/{resolution.number}"


def paragraph_label_zh(paragraph) -> str:
    """序言部分第 3 段, 执行部分第 7 段, 执行部分第 3 段(a)分段, 附件第 2 段"""
    label = f"{PARAGRAPH_KIND_NAMES_ZH[paragraph.kind]}第 {paragraph.number} 段"
    if paragraph.item:  # operative 3 (a); a preambular paragraph's items too (78/228 pp9 (a))
        label += f"({paragraph.item})分段"
    return label


def paragraph_label_en(paragraph) -> str:
    if paragraph.kind == ParagraphKind.PREAMBULAR:
        return f"preambular paragraph {paragraph.number}" + (f" ({paragraph.item})" if paragraph.item else "")
    if paragraph.kind == ParagraphKind.ANNEX:
        return f"annex, paragraph {paragraph.number}"
    return f"operative paragraph {paragraph.number}" + (f" ({paragraph.item})" if paragraph.item else "")


def citation_zh(resolution, paragraph=None) -> str:
    """大会第 67/161 号决议，执行部分第 7 段"""
    body = BODY_NAMES_ZH.get(resolution.body, "")
    cited = f"{body}第 {cited_number(resolution)} 号决议"
    return f"{cited}，{paragraph_label_zh(paragraph)}" if paragraph is not None else cited


def citation_en(resolution, paragraph=None) -> str:
    """General Assembly resolution 67/161, operative paragraph 7"""
    body = BODY_NAMES_EN.get(resolution.body, "")
    cited = f"{body} resolution {cited_number(resolution)}".strip()
    return f"{cited}, {paragraph_label_en(paragraph)}" if paragraph is not None else cited


register.simple_tag(citation_zh)
register.simple_tag(citation_en)


@register.simple_tag
def paragraph_label(paragraph, language: str) -> str:
    """How a paragraph is named in its own language; the page, the search results and the API say the same."""
    return paragraph_label_zh(paragraph) if language == "zh" else paragraph_label_en(paragraph)


# --- Opening words ---------------------------------------------------------------------------------

# The words a UN paragraph opens with (printed in bold in Chinese, italics in English): how a text cites.
_OPENING_WORDS_ZH = """
    重申 又重申 还重申 回顾 又回顾 还回顾 并回顾 忆及 又忆及 注意到 又注意到 还注意到 满意地注意到 赞赏地注意到
    关切地注意到 欢迎 又欢迎 还欢迎 赞扬 又赞扬 强调 又强调 还强调 深表关切 严重关切 深为关切 关切 表示关切 又表示关切
    认识到 又认识到 还认识到 确认 又确认 还确认 申明 又申明 意识到 又意识到 铭记 又铭记 考虑到 又考虑到 深信 又深信
    决定 又决定 还决定 请 又请 还请 吁请 又吁请 还吁请 促请 敦促 又敦促 鼓励 又鼓励 还鼓励 谴责 强烈谴责 邀请 表示赞赏
    赞赏 感谢 呼吁 承认 又承认 鉴于 提醒 欣见 支持 核可 建议 要求 宣布 指出 表示 认为 又认为 痛惜 深感痛惜 震惊
    深感震惊 着重指出 又着重指出 坚决谴责 再次 重申其 希望 期待 注意 审议了 审议 通过 赞同 授权 提请 指出 又指出
"""
OPENING_WORDS_ZH = sorted(_OPENING_WORDS_ZH.split(), key=len, reverse=True)  # longest first: 又回顾 before 回顾
OPENING_WORDS_EN_RE = re.compile(
    r"""^(?:(?:also|further|once\s+again|again|deeply|gravely|strongly|seriously|firmly|further|most)\s+)*
        [A-Z][a-z-]+                                   # Recalling, Urges, Concerned
        (?:\s+(?:with\s+(?:deep\s+|grave\s+|great\s+|serious\s+)?(?:concern|appreciation|satisfaction|interest)
             |in\s+mind|note|concerned|alarmed|convinced|disturbed|also|further))?""",
    re.VERBOSE | re.IGNORECASE,
)


def opening_words(text: str, language: str, guess: bool = True) -> str:
    """'回顾' from '回顾其第 …', 'Recalling' from 'Recalling its resolution …', 'Deeply concerned' …

    When no known opening matches, the first few characters (Chinese) or words (English) stand in,
    unless `guess` is false.
    """
    if language == "zh":
        found = next((word for word in OPENING_WORDS_ZH if text.startswith(word)), "")
        return found or (text[:6] if guess else "")
    match = OPENING_WORDS_EN_RE.match(text)
    if match:
        return match.group(0)
    return " ".join(text.split()[:2]) if guess else ""


register.filter("opening_words", opening_words)


@register.simple_tag
def excerpt_around(text: str, start: int, end: int, language: str = "", width: int = 40) -> SafeString:
    """The cited words in context, marked, after the paragraph's opening words in bold.

    '<strong>回顾</strong>…其<mark>第 67/161 号决议</mark>以及…'; the opening is not repeated when the
    excerpt begins with it.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    opening = opening_words(text, language) if language else ""
    if end <= start:
        start = end = min(len(text), width * 2)
    begin = max(0, start - width)
    if begin < len(opening):
        begin = min(len(opening), start)
        lead = format_html('<strong class="opening">{}</strong>', opening) if opening else ""
    else:
        lead = format_html('<strong class="opening">{}</strong>…', opening) if opening else "…"
    if 0 < begin < start and text[begin - 1].isascii() and text[begin - 1].isalnum():
        space = text.find(" ", begin, start)  # English: start the excerpt on a whole word
        begin = space + 1 if space != -1 else begin
    after = text[end : end + width]
    if end + width < len(text) and " " in after and text[end + width].isascii() and text[end + width].isalnum():
        after = after[: after.rfind(" ")]
    return format_html(
        "{}{}<mark>{}</mark>{}{}",
        lead,
        text[begin:start],
        text[start:end],
        after,
        "…" if end + width < len(text) else "",
    )
