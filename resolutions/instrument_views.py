"""Instruments in the reading pages: an annex or declaration laid out by its divisions with a table of contents,
and a division's own page (an article with its paragraphs, where it sits, how to cite it, who cites it). The
links of article citations and the list of paragraphs citing an article are reading logic: resolutions.reading."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import (
    DIVISION_KIND_NAMES_ZH,
    ArticleCitation,
    Division,
    DivisionKind,
    Paragraph,
    Resolution,
)
from .reading import (
    article_cited_by,
    chinese_number,
    citation_en,
    citation_zh,
    instrument_of,
)

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
    cited = division.kind in (DivisionKind.ARTICLE, DivisionKind.ANNEX)  # an annex: the instrument named whole
    others, own = article_cited_by(resolution, division.eid) if cited else ([], [])
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
