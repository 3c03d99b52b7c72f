"""Instruments in the reading pages: an annex or declaration laid out by its divisions with a table of contents,
an article's own page, the links of article citations, and the paragraphs that cite an article."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .models import (
    DIVISION_KIND_NAMES_ZH,
    ArticleCitation,
    Division,
    DivisionKind,
    Paragraph,
    Resolution,
    official_document_url,
)
from .parsing.article_citations import instruments
from .templatetags.reading import Link, chinese_number, instrument_of

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
# Divisions listed in a table of contents; a preamble and closing words are listed by their name.
CONTENTS_KINDS = {
    DivisionKind.ANNEX, DivisionKind.PART, DivisionKind.CHAPTER, DivisionKind.SECTION, DivisionKind.PREAMBLE,
    DivisionKind.ARTICLE, DivisionKind.CONCLUSIONS,
}
# A document gets a table of contents when it has at least this many divisions.
CONTENTS_FROM = 4


@dataclass
class Entry:
    """One division in the text and in the contents: its heading and what it holds."""

    division: Division
    depth: int
    children: list[Entry] = field(default_factory=list)

    @property
    def level(self) -> int:
        """Its heading level on the reading page: an annex is h2, a chapter under it h3 … (h6 at most)."""
        return min(6, 2 + self.depth)


def division_names(division: Division) -> tuple[str, str]:
    """(Chinese, English) names of a division: ("第 5 条 保护主权", "Article 5 Protection of sovereignty")."""
    kind = DivisionKind(division.kind)
    if kind == DivisionKind.PREAMBLE:
        return "序言", "Preamble"
    if kind == DivisionKind.CONCLUSIONS:
        return "结尾部分", "Closing words"
    zh_names = {
        DivisionKind.ANNEX: "附件" if division.number <= 1 else f"附件 {division.number}",
        DivisionKind.PART: f"第{chinese_number(division.number)}部分",
        DivisionKind.CHAPTER: f"第{chinese_number(division.number)}章",
        DivisionKind.SECTION: f"第{chinese_number(division.number)}节",
        DivisionKind.ARTICLE: f"第 {division.number} 条",
    }
    en_names = {
        DivisionKind.ANNEX: "Annex" if division.number <= 1 else f"Annex {division.number}",
        DivisionKind.PART: f"Part {division.number}",
        DivisionKind.CHAPTER: f"Chapter {division.number}",
        DivisionKind.SECTION: f"Section {division.number}",
        DivisionKind.ARTICLE: f"Article {division.number}",
    }
    printed = division.num
    zh = printed if printed and not printed.isascii() else zh_names[kind]
    en = printed if printed and printed.isascii() else en_names[kind]
    if kind == DivisionKind.SECTION and not printed:
        zh = en = ""  # 79/243's notes: the heading ("Article 17") is the whole name
    return zh, en


def division_label(division: Division, language: str) -> str:
    """How a division is cited: 第 5 条, 第十九条, article 5, chapter II, annex 2."""
    zh, en = division_names(division)
    if language == "zh":
        return zh or division.heading
    return (en[:1].lower() + en[1:]) if en else division.heading


def division_citation(resolution: Resolution, division: Division, language: str) -> str:
    """《联合国打击网络犯罪公约》第 5 条 / article 5 of the United Nations Convention against Cybercrime, annexed to
    General Assembly resolution 79/243; 《世界人权宣言》第十九条 / article 19 of the Universal Declaration of Human Rights."""
    from .templatetags.reading import citation_en, citation_zh

    label = division_label(division, language)
    instrument, _ = instrument_of(resolution, division.eid)
    if language == "zh":
        if instrument is not None:
            return f"《{instrument.title_zh}》{label}" if division.kind != DivisionKind.ANNEX else f"《{instrument.title_zh}》"
        return f"{citation_zh(resolution)}{label}"
    cited = citation_en(resolution)
    if instrument is None:
        return f"{cited}, {label}"
    if division.kind == DivisionKind.ANNEX:
        return f"{instrument.title_en}, annexed to {cited}"
    placed = f"{label} of the {instrument.title_en}"
    return f"{placed}, annexed to {cited}" if instrument.articles_at else placed


def outline(resolution: Resolution) -> tuple[list[Entry], dict[int, Entry]]:
    """The resolution's divisions as a tree (top entries) and every entry by division pk."""
    entries: dict[int, Entry] = {}
    top: list[Entry] = []
    for division in resolution.divisions.all():
        parent = entries.get(division.parent_id)
        entry = Entry(division, parent.depth + 1 if parent else 0)
        entries[division.pk] = entry
        (parent.children if parent else top).append(entry)
    return top, entries


def reading_context(resolution: Resolution, paragraphs: list[Paragraph]) -> dict:
    """What the reading page needs to lay out an instrument: `structure`, the headings and paragraphs of its
    divisions in document order; `contents`, the tree of divisions when the document is long enough."""
    top, entries = outline(resolution)
    if not entries:
        return {"structure": [], "annexed": False, "contents": []}
    cited = dict(
        ArticleCitation.objects.filter(target_symbol=resolution.symbol)
        .exclude(paragraph__resolution__symbol=resolution.symbol)
        .values("target_eid")
        .annotate(n=Count("paragraph", distinct=True))
        .values_list("target_eid", "n")
    )
    for entry in entries.values():
        entry.division.names = division_names(entry.division)
        entry.division.cited_count = cited.get(entry.division.eid, 0)
    structure: list[tuple[str, object]] = []
    opened: set[int] = set()
    for paragraph in paragraphs:
        if paragraph.division_id is None or paragraph.division_id not in entries:
            continue
        chain = []
        entry = entries[paragraph.division_id]
        while entry is not None:
            chain.insert(0, entry)
            entry = entries.get(entry.division.parent_id)
        for entry in chain:
            if entry.division.pk not in opened:
                opened.add(entry.division.pk)
                structure.append(("heading", entry))
        structure.append(("paragraph", paragraph))
    return {
        "structure": structure,
        "annexed": bool(structure) and structure[0][1].division.kind == DivisionKind.ANNEX,
        "contents": top if len(entries) >= CONTENTS_FROM else [],
    }


# --- Article citations in the text ---------------------------------------------------------------------------


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
        ArticleCitation.objects.filter(paragraph__in=[p.pk for p in paragraphs]).order_by("paragraph", "start", "-article")
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


# --- Who cites an article ------------------------------------------------------------------------------------


def cited_by(resolution: Resolution, eid: str, *, paragraph_number: int | None = None) -> tuple[list[dict], list[dict]]:
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


# --- A division's page ---------------------------------------------------------------------------------------


def division_detail(request: HttpRequest, resolution: Resolution, division: Division, *, surroundings: dict,
                    prepare) -> HttpResponse:
    """/A/RES/79/243/en/annex_1/art_5: an article (or chapter, annex …) with its paragraphs, where it sits, how
    to cite it, and the paragraphs that cite it."""
    top, entries = outline(resolution)
    entry = entries[division.pk]
    chain = []
    parent = entries.get(division.parent_id)
    while parent is not None:
        chain.insert(0, parent.division)
        parent = entries.get(parent.division.parent_id)
    inside = list(_below(entry))
    paragraphs = list(
        resolution.paragraphs.filter(division_id__in={e.division.pk for e in inside}).select_related("division")
    )
    prepare(paragraphs)
    article_paragraphs = [p for p in paragraphs if p.division_id == division.pk]
    for e in inside:
        e.division.names = division_names(e.division)
    structure = reading_context(resolution, paragraphs)["structure"] if division.kind != DivisionKind.ARTICLE else []
    others, own = cited_by(resolution, division.eid) if division.kind == DivisionKind.ARTICLE else ([], [])
    division.names = division_names(division)
    for ancestor in chain:
        ancestor.names = division_names(ancestor)
    permanent_url = request.build_absolute_uri(division.get_absolute_url())
    siblings = [e.division for e in (entries[division.parent_id].children if division.parent_id else top)]
    index = siblings.index(division) if division in siblings else -1
    context = {
        **surroundings,
        "resolution": resolution,
        "division": division,
        "kind_zh": DIVISION_KIND_NAMES_ZH.get(DivisionKind(division.kind), ""),
        "ancestors": chain,
        "children": [e for e in entry.children],
        "paragraphs": article_paragraphs if division.kind == DivisionKind.ARTICLE else [],
        "structure": structure,
        "previous_division": siblings[index - 1] if index > 0 else None,
        "next_division": siblings[index + 1] if 0 <= index < len(siblings) - 1 else None,
        "cited_by": others,
        "cited_within": own,
        "permanent_url": permanent_url,
        "citation_zh": division_citation(resolution, division, "zh"),
        "citation_en": division_citation(resolution, division, "en"),
    }
    return render(request, "resolutions/division_detail.html", context)


def _below(entry: Entry):
    yield entry
    for child in entry.children:
        yield from _below(child)
