"""The reading logic below the views: which paragraphs a page shows, their links, footnote markers and
citations, who cites a resolution, and how a paragraph or resolution is named and cited.

The views, the API, the exports and the template tags all call this module; it imports only the models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from .models import (
    BODY_NAMES_ZH,
    HTML_LANGUAGE_TAGS,
    LANGUAGE_NAMES_ZH,
    PARAGRAPH_KIND_NAMES_ZH,
    Alignment,
    ArticleCitation,
    Body,
    Division,
    DivisionKind,
    Footnote,
    Language,
    Paragraph,
    ParagraphKind,
    Reference,
    Resolution,
    Work,
    official_document_url,
)
from .parsing.article_citations import instrument_named, instruments

HTML_LANG = HTML_LANGUAGE_TAGS
LANGUAGE_ORDER = {language: index for index, language in enumerate(Language.values)}


def session_key(session: str) -> tuple[int, str]:
    return (int(session), "") if session.isdigit() else (0, session)


def series_key(resolution: Resolution) -> tuple:
    return (resolution.adopted_on or date.min, session_key(resolution.session), resolution.number, resolution.symbol)


# --- Text laid out by offsets ------------------------------------------------------------------------


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


# --- Names and citations ----------------------------------------------------------------------------

BODY_NAMES_EN = {value: label for value, label in Body.choices}


def cited_number(resolution) -> str:
    """'67/161' for most resolutions; the number alone when it carries its session, as in '217 A (III)'."""
    if "(" in resolution.number or not resolution.session:
        return resolution.number
    return f"{resolution.session}/{resolution.number}"


def paragraph_label_zh(paragraph) -> str:
    """序言部分第 3 段, 执行部分第 7 段, 执行部分第 3 段(a)分段, 附件第 2 段; in an instrument 第 5 条第 2 款,
    第 2 条(e)项(ii)目, 第十九条, 序言部分第 3 段"""
    if "/" in getattr(paragraph, "eid", ""):
        return structural_label(paragraph, "zh")
    label = f"{PARAGRAPH_KIND_NAMES_ZH[paragraph.kind]}第 {paragraph.number} 段"
    if paragraph.item:  # operative 3 (a); a preambular paragraph's items too (78/228 pp9 (a))
        label += f"({paragraph.item})分段"
    return label


def paragraph_label_en(paragraph) -> str:
    """preambular paragraph 3, operative paragraph 3 (a); in an instrument article 5 (2), article 2 (e) (ii),
    article 19, preambular paragraph 3"""
    if "/" in getattr(paragraph, "eid", ""):
        return structural_label(paragraph, "en")
    if paragraph.kind == ParagraphKind.PREAMBULAR:
        return f"preambular paragraph {paragraph.number}" + (f" ({paragraph.item})" if paragraph.item else "")
    if paragraph.kind == ParagraphKind.ANNEX:
        return f"annex, paragraph {paragraph.number}"
    return f"operative paragraph {paragraph.number}" + (f" ({paragraph.item})" if paragraph.item else "")


def citation_zh(resolution, paragraph=None) -> str:
    """大会第 67/161 号决议，执行部分第 7 段; 《联合国打击网络犯罪公约》第 5 条第 2 款; 《世界人权宣言》第十九条"""
    body = BODY_NAMES_ZH.get(resolution.body, "")
    cited = f"{body}第 {cited_number(resolution)} 号决议"
    if paragraph is not None and "/" in getattr(paragraph, "eid", ""):
        return _in_instrument_zh(resolution, paragraph.eid, structural_label(paragraph, "zh"), cited)
    return f"{cited}，{paragraph_label_zh(paragraph)}" if paragraph is not None else cited


def citation_en(resolution, paragraph=None) -> str:
    """General Assembly resolution 67/161, operative paragraph 7; article 5 (2) of the United Nations Convention
    against Cybercrime, annexed to General Assembly resolution 79/243; article 19 of the Universal Declaration
    of Human Rights"""
    body = BODY_NAMES_EN.get(resolution.body, "")
    cited = f"{body} resolution {cited_number(resolution)}".strip()
    if paragraph is not None and "/" in getattr(paragraph, "eid", ""):
        return _in_instrument_en(resolution, paragraph.eid, structural_label(paragraph, "en"), cited)
    return f"{cited}, {paragraph_label_en(paragraph)}" if paragraph is not None else cited


# --- Places in an instrument: article 5 (2), 第 5 条第 2 款 ------------------------------------------------

ORDINALS_EN = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_NUMERAL_RE = re.compile(r"[一二三四五六七八九十百]")
# The kind of text an annex heading names, for citing an instrument the table does not know:
# "Principles … annexed to resolution 67/161".
INSTRUMENT_WORD_EN_RE = re.compile(r"\b(Convention|Covenant|Declaration|Protocol|Principles|Guidelines|Rules|Charter|Statute|Code)\b")


def chinese_number(number: int) -> str:
    """19 -> 十九, 29 -> 二十九, 10 -> 十, 105 -> 一百零五 (as the Chinese Declaration numbers its articles)."""
    if number < 10:
        return CHINESE_DIGITS[number]
    if number < 20:
        return "十" + (CHINESE_DIGITS[number % 10] if number % 10 else "")
    if number < 100:
        return CHINESE_DIGITS[number // 10] + "十" + (CHINESE_DIGITS[number % 10] if number % 10 else "")
    rest = number % 100
    tail = "" if not rest else ("零" + chinese_number(rest) if rest < 10 else chinese_number(rest).replace("十", "一十", 1) if rest < 20 else chinese_number(rest))
    return CHINESE_DIGITS[number // 100] + "百" + tail


def _steps(eid: str) -> dict[str, str]:
    """annex_1/art_2/para_1/subpara_e/point_ii -> {"annex": "1", "art": "2", "para": "1", "subpara": "e", "point": "ii"};
    preamble, conclusions, intro and formula_1 stand for themselves."""
    steps: dict[str, str] = {}
    for step in eid.split("/"):
        name, _, value = step.partition("_")
        steps[name] = value
    return steps


def _article_num(paragraph) -> str:
    """The article's number as printed, when the paragraph's division is at hand ("第十九条", "第 5 条")."""
    division = getattr(paragraph, "division", None)
    if division is not None and division.kind == DivisionKind.ARTICLE:
        return division.num
    return ""


def structural_label(paragraph, language: str) -> str:
    """The name of a paragraph of an instrument, in `language`, from its address and printed number.

    `number` is 0 when the paragraph is not numbered in print (the Declaration's article 19, the intro of
    article 2 of 79/243's Convention): then the first paragraph of an article is the article itself and a later
    one is named by its place (第二条第二款, "article 2, second paragraph")."""
    steps = _steps(paragraph.eid)
    place = int(steps["para"]) if steps.get("para", "").isdigit() else 0
    item_zh, item_en = _item_names(steps, paragraph.num)
    if "art" in steps:
        printed = _article_num(paragraph)
        chinese = bool(CHINESE_NUMERAL_RE.search(printed))
        if language == "zh":
            label = printed if chinese else f"第 {steps['art']} 条"
            if paragraph.number:
                label += f"第{chinese_number(paragraph.number)}款" if chinese else f"第 {paragraph.number} 款"
            elif place > 1:
                label += f"第{chinese_number(place)}款"
            elif "intro" in steps:
                label += "导言"
            return label + item_zh
        label = f"article {steps['art']}"
        if paragraph.number:
            label += f" ({paragraph.number})"
        elif place > 1:
            label += f", {_ordinal(place)} paragraph"
        elif "intro" in steps:
            label += ", introduction"
        return label + item_en
    annex = steps.get("annex", "")
    annex_zh = "附件" if annex in ("", "1") else f"附件 {annex} "
    annex_en = "annex" if annex in ("", "1") else f"annex {annex}"
    place = paragraph.number or place
    if "preamble" in steps:
        if "formula" in steps:
            return "序言部分套语" if language == "zh" else "preamble, formula"
        return f"序言部分第 {place} 段" if language == "zh" else f"preambular paragraph {place}"
    if "conclusions" in steps:
        return f"{annex_zh.strip()}结尾部分" if language == "zh" else f"{annex_en}, closing words"
    if language == "zh":
        return f"{annex_zh}第 {place} 段" + item_zh
    return f"{annex_en}, paragraph {place}" + item_en


def _item_names(steps: dict[str, str], num: str) -> tuple[str, str]:
    """"(e)项(ii)目" and " (e) (ii)" for subparagraph (e), point (ii); a point printed ㈡ stays ㈡ in Chinese."""
    zh = en = ""
    if "subpara" in steps:
        zh += f"({steps['subpara']})项"
        en += f" ({steps['subpara']})"
    if "point" in steps:
        zh += f"{num if num and not num.startswith('(') else '(' + steps['point'] + ')'}目"
        en += f" ({steps['point']})"
    return zh, en


def _ordinal(number: int) -> str:
    return ORDINALS_EN[number - 1] if 0 < number <= len(ORDINALS_EN) else f"{number}th"


def instrument_of(resolution, eid: str):
    """(instrument, annex heading) for a place in a resolution: the instrument of the table an annex heading
    names (79/243's annex_1: the Convention against Cybercrime), or the resolution itself (the Universal
    Declaration's art_19); None when the table knows none. Annex headings are read once per resolution object."""
    annex = _steps(eid).get("annex")
    if annex is None:
        own = next((i for i in instruments().values() if i.symbol == resolution.symbol and i.articles_at == ""), None)
        return own, ""
    headings = getattr(resolution, "_annex_headings", None)
    if headings is None:
        headings = dict(resolution.divisions.filter(kind=DivisionKind.ANNEX).values_list("eid", "heading"))
        resolution._annex_headings = headings
    heading = headings.get(f"annex_{annex}", "")
    return (instrument_named(heading, resolution.language) if heading else None), heading


def _in_instrument_zh(resolution, eid: str, label: str, cited: str) -> str:
    instrument, _ = instrument_of(resolution, eid)
    if instrument is not None:
        return f"《{instrument.title_zh}》{label}"
    if label.startswith("附件"):
        return f"{cited}{label}"
    return f"{cited}附件{label}"


def _in_instrument_en(resolution, eid: str, label: str, cited: str) -> str:
    instrument, heading = instrument_of(resolution, eid)
    annexed = "annex" in _steps(eid)
    if instrument is not None:
        placed = f"{label} of the {instrument.title_en}"
        return f"{placed}, annexed to {cited}" if annexed and instrument.articles_at else placed
    if label.startswith("annex"):
        return f"{cited}, {label}"
    word = INSTRUMENT_WORD_EN_RE.search(heading or "")
    return f"{label} of the {word.group(1) if word else 'text'} annexed to {cited}"


def search_place(paragraph, language: str) -> tuple[str, str]:
    """(label, address) of a search result: a paragraph of an instrument the table knows is named with it
    (《世界人权宣言》第十九条, "Universal Declaration of Human Rights, article 19") and, where it is the article
    itself (its first paragraph, printed without a number), leads to the article's permanent link (…/art_19);
    any other paragraph as the reading page names it, at its own link."""
    label, url = paragraph_label(paragraph, language), paragraph.get_absolute_url()
    instrument, _ = instrument_of(paragraph.resolution, paragraph.eid)
    if instrument is None:
        return label, url
    steps = _steps(paragraph.eid)
    division = paragraph.division
    para = steps.get("para", "1")
    whole_article = "art" in steps and not paragraph.number and para.isdigit() and int(para) <= 1 and not {"intro", "subpara", "point"} & steps.keys()
    if whole_article and division is not None and division.kind == DivisionKind.ARTICLE:
        division.resolution = paragraph.resolution  # no query for its address
        url = division.get_absolute_url()
    if language == "zh":
        return f"《{instrument.title_zh}》{label}", url
    return f"{instrument.title_en}, {label}", url


def instrument_short_title(instrument, language: str) -> str:
    """Its title, or where the title is long the table's first shorter name: Convention against Torture, 禁止酷刑公约."""
    title, names, limit = (instrument.title_zh, instrument.names_zh, 15) if language == "zh" else (instrument.title_en, instrument.names_en, 40)
    if len(title) > limit:
        return next((name for name in names if len(name) < len(title)), title)
    return title


def instrument_facet_label(key: str) -> str:
    """An instrument as the search facet names it, in both languages: 《禁止酷刑公约》 Convention against Torture."""
    instrument = instruments().get(key)
    if instrument is None:
        return key
    return f"《{instrument_short_title(instrument, 'zh')}》 {instrument_short_title(instrument, 'en')}"


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


# --- Addresses, links and citations of a page ---------------------------------------------------------


def paragraph_url(resolution: Resolution, slug: str) -> str:
    return reverse(
        "paragraph-detail", kwargs={"symbol": resolution.symbol, "language": resolution.language, "eid": slug}
    )


def paragraph_neighbourhood(
    paragraphs: list[Paragraph], paragraph: Paragraph
) -> tuple[Paragraph | None, list[Paragraph], Paragraph | None]:
    """What a paragraph's page shows: the paragraph with its own lettered items when it has them (op3 shows
    (a), (b) …), and the paragraphs just before and after them. `paragraphs` in document order."""
    family = [p for p in paragraphs if p.kind == paragraph.kind and p.number == paragraph.number]
    if "/" in paragraph.eid:  # in an instrument: the paragraph and its subparagraphs and points
        family = [p for p in paragraphs if p.eid == paragraph.eid or p.eid.startswith(paragraph.eid + "/")]
    shown = family if not paragraph.item else [paragraph]
    first = paragraphs.index(shown[0])
    after = paragraphs.index(shown[-1]) + 1
    previous = paragraphs[first - 1] if first > 0 else None
    following = paragraphs[after] if after < len(paragraphs) else None
    return previous, shown, following


def reference_urls(references: list[Reference], language: str) -> dict[int, str]:
    """Where each reference of a page links, in two more queries at most.

    A cross-reference lands in the reader's language (`language`) when the archive holds the cited resolution in
    it, else in the version it is linked to; "第 18/18 号决议第 3 段" lands on that paragraph.
    """
    targets = {r.target_id: r.target for r in references if r.target_id}
    elsewhere = {t.work_id for t in targets.values() if t.language != language}
    in_language = {}
    if elsewhere:
        held = Resolution.objects.filter(work_id__in=elsewhere, language=language).only("symbol", "language", "work_id")
        in_language = {version.work_id: version for version in held}
    chosen = {pk: in_language.get(target.work_id, target) for pk, target in targets.items()}
    wanted = {(chosen[r.target_id].pk, r.target_paragraphs[0]) for r in references if r.target_id and r.target_paragraphs}
    slugs: dict[tuple[int, int], str] = {}
    if wanted:
        rows = Paragraph.objects.filter(
            resolution_id__in={target for target, _ in wanted},
            number__in={number for _, number in wanted},
            kind=ParagraphKind.OPERATIVE,
            item="",
        ).values_list("resolution_id", "number", "eid")
        slugs = {(target, number): eid for target, number, eid in rows}
    urls = {}
    for reference in references:
        if reference.target_id is None:
            urls[reference.pk] = official_document_url(reference.target_symbol, language)
            continue
        target = chosen[reference.target_id]
        slug = slugs.get((target.pk, reference.target_paragraphs[0])) if reference.target_paragraphs else None
        urls[reference.pk] = paragraph_url(target, slug) if slug else target.get_absolute_url()
    return urls


def prepare_text(
    resolution: Resolution,
    paragraphs: list[Paragraph],
    footnotes: list[Footnote],
    references: list[Reference],
    *,
    site: str,
    anchor_prefix: str = "",
) -> None:
    """Give each paragraph and footnote the links and markers the template places into its text.

    Each paragraph also gets what its controls show (address, full address, names, citations), worked out
    here once instead of by template tags for every paragraph of a long resolution. `anchor_prefix` keeps the
    element ids of a second language on the same page apart ("en-op7", "en-fn3").
    """
    urls = reference_urls(references, resolution.language)

    def link(reference: Reference) -> Link:
        held = reference.target_id is not None
        title = (
            reference.target_symbol
            if held
            else f"{reference.target_symbol} · 联合国正式文件系统 UN Official Document System"
        )
        return Link(reference.start, reference.end, urls[reference.pk], title, external=not held)

    for footnote in footnotes:
        footnote.anchor = f"{anchor_prefix}fn{footnote.number}"
    for paragraph in paragraphs:
        paragraph.anchor = anchor_prefix + paragraph.slug
        paragraph.links = [link(r) for r in references if r.paragraph_id == paragraph.pk and r.footnote_id is None]
        paragraph.footnote_list = [f for f in footnotes if f.paragraph_id == paragraph.pk]
        paragraph.markers = [
            Marker(f.offset, f.number, f.anchor) for f in paragraph.footnote_list if f.offset is not None
        ]
        paragraph.url = paragraph.get_absolute_url()
        paragraph.full_url = site + paragraph.url
        paragraph.label_zh, paragraph.label_en = paragraph_label_zh(paragraph), paragraph_label_en(paragraph)
        paragraph.citation_zh, paragraph.citation_en = citation_zh(resolution, paragraph), citation_en(resolution, paragraph)
    for footnote in footnotes:
        footnote.links = [link(r) for r in references if r.footnote_id == footnote.pk]
        footnote.markers = []
        footnote.cited_in = next((p for p in paragraphs if p.pk == footnote.paragraph_id), None)
    add_article_citation_links(paragraphs, footnotes, resolution.language)


# --- Article citations in a page's text, and who cites an article -------------------------------------------


def article_citation_urls(citations: list[ArticleCitation], language: str) -> dict[int, str]:
    """Where each citation leads: the article (or its paragraph) when held, else the UN document system, else
    the instrument's own page (the Charter). Two more queries for a whole page."""
    held = {c.target_id for c in citations if c.target_id}
    targets = {d.pk: d for d in Division.objects.filter(pk__in=held).select_related("resolution")}
    wanted = {(c.target_id, f"{targets[c.target_id].eid}/para_{c.article_paragraph}") for c in citations
              if c.target_id in targets and c.article_paragraph}
    existing = set()
    if wanted:
        existing = set(
            Paragraph.objects.filter(
                resolution_id__in={targets[t].resolution_id for t, _ in wanted}, eid__in={eid for _, eid in wanted}
            ).values_list("resolution_id", "eid")
        )
    table = instruments()
    urls = {}
    for citation in citations:
        target = targets.get(citation.target_id)
        if target is not None:
            eid = f"{target.eid}/para_{citation.article_paragraph}"
            if citation.article_paragraph and (target.resolution_id, eid) in existing:
                urls[citation.pk] = reverse(
                    "paragraph-detail",
                    kwargs={"symbol": target.resolution.symbol, "language": target.resolution.language, "eid": eid},
                )
            else:
                urls[citation.pk] = target.get_absolute_url()
        elif citation.target_symbol:
            urls[citation.pk] = official_document_url(citation.target_symbol, language)
        else:
            instrument = table.get(citation.instrument)
            urls[citation.pk] = (instrument.url_zh if language == "zh" else instrument.url_en) if instrument else ""
    return urls


def citation_title(citation: ArticleCitation) -> str:
    """The tooltip of a citation's link: 《世界人权宣言》第 19 条 · Universal Declaration of Human Rights, article 19."""
    instrument = instruments().get(citation.instrument)
    where = f"第 {citation.article} 条"
    if citation.article_paragraph:
        where += f"第 {citation.article_paragraph} 款"
    there = f"article {citation.article}" + (f" ({citation.article_paragraph})" if citation.article_paragraph else "")
    if instrument is None:
        return f"{where} · {there}"
    held = "" if citation.target_id else " · 联合国正式文件系统 UN Official Document System"
    return f"《{instrument.title_zh}》{where} · {instrument.title_en}, {there}{held}"


def add_article_citation_links(paragraphs: list[Paragraph], footnotes: list, language: str) -> None:
    """Put a link on the words of every article citation, beside the paragraph's other links.

    The articles of a range ("articles 19 to 22") share the words of its last number: those words lead to the
    last article."""
    citations = list(
        ArticleCitation.objects.filter(paragraph__in=[p.pk for p in paragraphs], article__gt=0)
        .order_by("paragraph", "start", "-article")
    )
    if not citations:
        return
    urls = article_citation_urls(citations, language)
    by_span: dict[tuple, ArticleCitation] = {}
    for citation in citations:
        key = (citation.paragraph_id, citation.footnote_id, citation.start, citation.end)
        if key not in by_span:
            by_span[key] = citation
    footnote_by_pk = {f.pk: f for f in footnotes}
    paragraph_by_pk = {p.pk: p for p in paragraphs}
    for (paragraph_pk, footnote_pk, start, end), citation in by_span.items():
        link = Link(start, end, urls[citation.pk], citation_title(citation), external=citation.target_id is None)
        holder = footnote_by_pk.get(footnote_pk) if footnote_pk else paragraph_by_pk.get(paragraph_pk)
        if holder is not None and urls[citation.pk]:
            holder.links = [*getattr(holder, "links", []), link]


def article_cited_by(
    resolution: Resolution, eid: str, *, paragraph_number: int | None = None
) -> tuple[list[dict], list[dict]]:
    """Paragraphs citing the article `eid` of `resolution` (any language version of it): (from other resolutions,
    from its own text), one per citing paragraph, the citing resolution in the page's language when held in
    several. With `paragraph_number`, only citations naming that paragraph of the article."""
    citing = (
        ArticleCitation.objects.filter(target_symbol=resolution.symbol, target_eid=eid)
        .select_related("paragraph__resolution", "footnote")
        .order_by("paragraph__resolution__adopted_on", "paragraph__resolution__symbol", "paragraph__position", "start")
    )
    if paragraph_number is not None:
        citing = citing.filter(article_paragraph=paragraph_number)
    chosen: dict[tuple[str, str], dict] = {}
    for citation in citing:
        paragraph = citation.paragraph
        citer = paragraph.resolution
        key = (citer.symbol, paragraph.eid)
        entry = chosen.get(key)
        if entry is not None and (entry["resolution"].pk == citer.pk or entry["resolution"].language == resolution.language
                                  or citer.language != resolution.language):
            continue
        in_footnote = citation.footnote is not None
        chosen[key] = {
            "resolution": citer,
            "paragraph": paragraph,
            "html_lang": HTML_LANG.get(citer.language, citer.language),
            "opening_text": paragraph.text,
            "context_text": citation.footnote.text if in_footnote else paragraph.text,
            "start": citation.start,
            "end": citation.end,
            "in_footnote": in_footnote,
        }
    others = [c for c in chosen.values() if c["resolution"].symbol != resolution.symbol]
    own = [c for c in chosen.values() if c["resolution"].symbol == resolution.symbol]
    others.sort(key=lambda c: (c["resolution"].adopted_on is not None, c["resolution"].adopted_on, c["resolution"].symbol), reverse=True)
    own.sort(key=lambda c: c["paragraph"].position)
    return others, own


def cited_by(resolution: Resolution) -> list[dict]:
    """Paragraphs of other resolutions citing this one (any of its language versions), one per citing paragraph.

    When a citing resolution is held in several languages, the version in this page's language is shown.
    """
    citing = (
        Reference.objects.filter(Q(target__symbol=resolution.symbol) | Q(target_symbol=resolution.symbol))
        .exclude(paragraph__resolution__symbol=resolution.symbol)
        .select_related("paragraph__resolution", "footnote")
        .order_by("paragraph__resolution__adopted_on", "paragraph__resolution__symbol", "paragraph__position", "start")
    )
    chosen: dict[tuple[str, str], dict] = {}
    for reference in citing:
        paragraph = reference.paragraph
        citer = paragraph.resolution
        key = (citer.symbol, paragraph.eid)
        entry = chosen.get(key)
        if entry is not None:
            if entry["resolution"].pk == citer.pk:  # the same paragraph citing again ("第 3 和第 4 段", a footnote)
                entry["paragraph_numbers"].update(reference.target_paragraphs)
                continue
            if entry["resolution"].language == resolution.language or citer.language != resolution.language:
                continue
        in_footnote = reference.footnote is not None
        chosen[key] = {
            "resolution": citer,
            "paragraph": paragraph,
            "html_lang": HTML_LANG.get(citer.language, citer.language),
            "opening_text": paragraph.text,
            "context_text": reference.footnote.text if in_footnote else paragraph.text,
            "start": reference.start,
            "end": reference.end,
            "in_footnote": in_footnote,
            "paragraph_numbers": set(reference.target_paragraphs),
        }
    # Newest citing resolution first; within one, in the order of its paragraphs.
    ordered = sorted(chosen.values(), key=lambda c: c["paragraph"].position)
    return sorted(ordered, key=lambda c: series_key(c["resolution"]), reverse=True)


def citing(cited_by: list[dict], paragraph: Paragraph) -> list[dict]:
    """The citations that name this operative paragraph by number ("第 18/18 号决议第 3 段")."""
    if paragraph.kind != ParagraphKind.OPERATIVE or paragraph.item:
        return []
    return [c for c in cited_by if paragraph.number in c["paragraph_numbers"]]


# --- Language versions: which are held, which paragraphs pair, what differs --------------------------------


def versions_of(resolution: Resolution) -> list[Resolution]:
    """Every language version of the resolution's work, in the UN's order of languages (zh, en, fr, es, ru, ar)."""
    versions = Resolution.objects.filter(work_id=resolution.work_id).only("symbol", "language", "title", "work_id")
    return sorted(versions, key=lambda version: LANGUAGE_ORDER.get(version.language, 99))


def siblings_of(paragraphs: list[Paragraph]) -> dict[int, list[Paragraph]]:
    """For each paragraph id, the same paragraph in the work's other versions as aligned (one query)."""
    links = (
        Paragraph.siblings.through.objects.filter(from_paragraph_id__in=[p.pk for p in paragraphs])
        .select_related("to_paragraph__resolution")
        .order_by("to_paragraph__resolution__language")
    )
    found: dict[int, list[Paragraph]] = {}
    for link in links:
        found.setdefault(link.from_paragraph_id, []).append(link.to_paragraph)
    for siblings in found.values():
        siblings.sort(key=lambda p: LANGUAGE_ORDER.get(p.resolution.language, 99))
    return found


def aligned_in(paragraphs: list[Paragraph], language: str) -> dict[int, tuple[str, Paragraph | None]]:
    """For each paragraph not itself in `language`: ("paired", its aligned paragraph there), ("unaligned", None)
    when the work holds that language but the checked alignment paired nothing with it, or ("not_held", None)."""
    siblings = siblings_of([p for p in paragraphs if p.resolution.language != language])
    held = set(
        Resolution.objects.filter(work_id__in={p.resolution.work_id for p in paragraphs}, language=language)
        .values_list("work_id", flat=True)
    )
    found: dict[int, tuple[str, Paragraph | None]] = {}
    for paragraph in paragraphs:
        if paragraph.resolution.language == language:
            continue
        sibling = next((s for s in siblings.get(paragraph.pk, []) if s.resolution.language == language), None)
        if sibling is not None:
            found[paragraph.pk] = ("paired", sibling)
        else:
            found[paragraph.pk] = ("unaligned" if paragraph.resolution.work_id in held else "not_held", None)
    return found


def partly_paired_versions(language: str, other: str) -> list[tuple[str, int]]:
    """(symbol, paragraph count) of each version in `language`, of a work held in more than one language, having
    a paragraph without an aligned paragraph in `other`: the only versions whose search hits can lack one."""
    unpaired = Paragraph.objects.filter(resolution=OuterRef("pk")).exclude(siblings__resolution__language=other)
    return list(
        Resolution.objects.filter(language=language)
        .exclude(work__alignment=Alignment.SINGLE)
        .filter(Exists(unpaired))
        .annotate(paragraph_count=Count("paragraphs"))
        .order_by("symbol")
        .values_list("symbol", "paragraph_count")
    )


def paired_in(paragraph_ids: Iterable[int], language: str) -> set[int]:
    """The paragraphs among `paragraph_ids` that have an aligned paragraph in `language`."""
    return set(
        Paragraph.siblings.through.objects.filter(
            from_paragraph_id__in=list(paragraph_ids), to_paragraph__resolution__language=language
        ).values_list("from_paragraph_id", flat=True)
    )


def language_names(language: str) -> tuple[str, str]:
    """('英文', 'English') for "en": how a language is named in Chinese running text and in English."""
    return LANGUAGE_NAMES_ZH.get(language, language), _english_name(language)


def attach_siblings(
    paragraphs: list[Paragraph], versions: list[Resolution], *, language: str, site: str
) -> dict[int, list[Paragraph]]:
    """Give each paragraph `.siblings_held` (its paired paragraphs, text ready to show, each with its own
    permanent link) and `.unpaired_in` (languages held in which it has no pair); returns the siblings found."""
    found = siblings_of(paragraphs)
    by_version: dict[int, list[Paragraph]] = {}
    for siblings in found.values():
        for sibling in siblings:
            by_version.setdefault(sibling.resolution_id, []).append(sibling)
    for version_id, siblings in by_version.items():
        version = siblings[0].resolution
        references = list(
            Reference.objects.filter(paragraph__in=siblings, footnote=None).select_related("target").order_by("start")
        )
        # Footnote markers stay with the sibling's own page: its text is shown here without them.
        prepare_text(version, siblings, [], references, site=site, anchor_prefix=f"{version.language}-")
        for sibling in siblings:
            sibling.html_lang = version.html_lang
            sibling.language_name = Language(version.language).label if version.language in Language.values else version.language
    others = [v.language for v in versions if v.language != language]
    for paragraph in paragraphs:
        paragraph.siblings_held = found.get(paragraph.pk, [])
        paired = {s.resolution.language for s in paragraph.siblings_held}
        paragraph.unpaired_in = [
            {"language": other, "name_zh": LANGUAGE_NAMES_ZH.get(other, other), "name_en": _english_name(other)}
            for other in others
            if other not in paired
        ]
    return found


def parallel_rows(first: list[Paragraph], second: list[Paragraph], siblings: dict[int, list[Paragraph]]) -> list[dict]:
    """Rows of a side-by-side page: each paragraph beside its sibling; an unpaired one beside nothing.

    Paragraphs of both versions keep their own order (pairs never cross: resolutions.alignment pairs only the
    common beginning and end of each kind), so an unpaired paragraph of the second version sits where it falls.
    """
    second_ids = {p.pk: p for p in second}
    partner: dict[int, Paragraph] = {}
    for paragraph in first:
        match = next((s for s in siblings.get(paragraph.pk, []) if s.pk in second_ids), None)
        if match is not None:
            partner[paragraph.pk] = second_ids[match.pk]
    paired_second = {p.pk for p in partner.values()}
    rows: list[dict] = []
    waiting = iter(second)
    pending = next(waiting, None)
    for paragraph in first:
        other = partner.get(paragraph.pk)
        if other is not None:
            while pending is not None and pending.pk != other.pk:
                if pending.pk not in paired_second:
                    rows.append({"kind": pending.kind, "first": None, "second": pending})
                pending = next(waiting, None)
            pending = next(waiting, None)
        rows.append({"kind": paragraph.kind, "first": paragraph, "second": other})
    while pending is not None:
        if pending.pk not in paired_second:
            rows.append({"kind": pending.kind, "first": None, "second": pending})
        pending = next(waiting, None)
    return rows


def sections(rows: list[dict]) -> list[dict]:
    """Consecutive rows of one kind as a section: preamble, operative part, annex."""
    grouped: list[dict] = []
    for row in rows:
        if not grouped or grouped[-1]["kind"] != row["kind"]:
            grouped.append({"kind": row["kind"], "name_zh": _kind_zh(row["kind"]), "name_en": _kind_en(row["kind"]), "rows": []})
        grouped[-1]["rows"].append(row)
    return grouped


def alignment_notice(resolution: Resolution, work: Work) -> dict | None:
    """What a page of a version says when the versions are not all paired, or None.

    {"problems": [(zh, en) …], "unpaired": [{"name_zh", "name_en", "eids"} …]}: the differences found and,
    for each other language, this version's paragraphs without a pair there.
    """
    if work.alignment != Alignment.MISMATCHED:
        return None
    language = resolution.language
    concerning = [m for m in work.mismatches if language in m.get("languages", ())]
    if not concerning:
        return None
    problems = [describe_mismatch(m) for m in concerning if m["problem"] != "unpaired"]
    unpaired = []
    for mismatch in concerning:
        if mismatch["problem"] != "unpaired" or not mismatch["eids"].get(language):
            continue
        other = next(code for code in mismatch["languages"] if code != language)
        entry = next((u for u in unpaired if u["language"] == other), None)
        if entry is None:
            entry = {"language": other, "name_zh": LANGUAGE_NAMES_ZH.get(other, other), "name_en": _english_name(other), "eids": []}
            unpaired.append(entry)
        entry["eids"] += mismatch["eids"][language]
    return {"problems": problems, "unpaired": unpaired}


def describe_mismatch(mismatch: dict) -> tuple[str, str]:
    """A mismatch as a sentence in Chinese and in English, for the reading pages and the admin."""
    first, second = mismatch["languages"]
    zh_a, zh_b = LANGUAGE_NAMES_ZH.get(first, first), LANGUAGE_NAMES_ZH.get(second, second)
    en_a, en_b = _english_name(first), _english_name(second)
    kind_zh, kind_en = _kind_zh(mismatch.get("kind", "")), _kind_en(mismatch.get("kind", ""))
    problem = mismatch["problem"]
    if problem == "count":
        counts = mismatch["counts"]
        return (
            f"{kind_zh}：{zh_a}本 {counts[first]} 段，{zh_b}本 {counts[second]} 段（按位置编号，均不配对）",
            f"{kind_en}: {counts[first]} in the {en_a} text, {counts[second]} in the {en_b} (numbered by position:"
            " none paired)",
        )
    if problem == "only_in":
        eids = mismatch["eids"]
        zh_parts = [f"只见于{name}本：{', '.join(eids[code])}" for code, name in ((first, zh_a), (second, zh_b)) if eids[code]]
        en_parts = [f"only in the {name} text: {', '.join(eids[code])}" for code, name in ((first, en_a), (second, en_b)) if eids[code]]
        return f"{kind_zh}：" + "；".join(zh_parts), f"{kind_en}: " + "; ".join(en_parts)
    if problem == "order":
        return f"{kind_zh}：段落顺序不同", f"{kind_en}: the paragraphs come in another order"
    if problem == "anchors":
        values = mismatch["values"]
        shown_a = ", ".join(map(str, values[first]))
        shown_b = ", ".join(map(str, values[second]))
        if mismatch["what"] == "references":
            return (
                f"{mismatch['eid']}：所引决议不同（{zh_a}本 {shown_a}；{zh_b}本 {shown_b}）",
                f"{mismatch['eid']}: cites other resolutions ({en_a} {shown_a}; {en_b} {shown_b})",
            )
        return (
            f"{mismatch['eid']}：所附脚注不同（{zh_a}本 {shown_a}；{zh_b}本 {shown_b}）",
            f"{mismatch['eid']}: carries other footnotes ({en_a} {shown_a}; {en_b} {shown_b})",
        )
    if problem == "unpaired":
        eids = mismatch["eids"]
        return (
            f"{kind_zh}未配对：{zh_a}本 {len(eids[first])} 段，{zh_b}本 {len(eids[second])} 段",
            f"{kind_en} not paired: {len(eids[first])} in the {en_a} text, {len(eids[second])} in the {en_b}",
        )
    return problem, problem


def _english_name(language: str) -> str:
    return Language(language).name.title() if language in Language.values else language


def _kind_zh(kind: str) -> str:
    return PARAGRAPH_KIND_NAMES_ZH.get(kind, kind)


def _kind_en(kind: str) -> str:
    labels = dict(ParagraphKind.choices)
    return f"{labels[kind]} paragraphs" if kind in labels else kind
