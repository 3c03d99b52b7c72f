"""Series pages: what changed between two texts of a series (and its JSON twin), the series timeline."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import series as series_service
from .comparison import Change, Comparison, Counts
from .models import (
    LANGUAGE_NAMES_ZH,
    Language,
    Paragraph,
    ParagraphChange,
    ParagraphLineage,
    Resolution,
    SeriesLink,
    SeriesMember,
)
from .reading import HTML_LANG, LANGUAGE_ORDER, paragraph_label_en, paragraph_label_zh
from .verb_strength import Direction
from .views import _find, _surroundings

KINDS = ("preambular", "operative", "annex")
KIND_NAMES = {"preambular": ("序言部分", "preambular"), "operative": ("执行部分", "operative"), "annex": ("附件", "annex")}
LINK_NAMES = {
    SeriesLink.CITATION: ("引用前一项且标题相近", "cites it, similar title"),
    SeriesLink.TITLE: ("标题相同", "same title"),
    SeriesLink.CURATOR: ("编辑人员归入", "joined by a curator"),
}
CHANGE_NAMES = {
    Change.UNCHANGED: ("未改动", "unchanged"),
    Change.CHANGED: ("修改", "changed"),
    Change.NEW: ("新增", "new"),
    Change.DROPPED: ("删除", "dropped"),
}


def changes_url(resolution: Resolution, other: Resolution | None = None) -> str:
    url = reverse("series-changes", kwargs={"symbol": resolution.symbol, "language": resolution.language})
    return f"{url}?from={other.symbol}" if other is not None else url


def timeline_url(resolution: Resolution) -> str:
    return reverse("series-timeline", kwargs={"symbol": resolution.symbol, "language": resolution.language})


# --- Summaries ------------------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_en(comparison: Comparison) -> str:
    """"4 new operative paragraphs, 2 dropped, 11 changed, 1 strengthened verb" (what happened, biggest news first)."""
    by_kind, total = comparison.counts_by_kind, comparison.counts
    parts = [
        _plural(by_kind[kind].new, f"new {KIND_NAMES[kind][1]} paragraph")
        for kind in KINDS
        if kind in by_kind and by_kind[kind].new
    ]
    for name in ("dropped", "changed", "moved", "split", "merged"):
        if getattr(total, name):
            parts.append(f"{getattr(total, name)} {name}")
    if total.strengthened:
        parts.append(_plural(total.strengthened, "strengthened verb"))
    if total.softened:
        parts.append(_plural(total.softened, "softened verb"))
    other_verbs = total.verbs_changed - total.strengthened - total.softened
    if other_verbs:
        parts.append(_plural(other_verbs, "other change") + " of verb")
    parts.append(f"{total.unchanged} unchanged")
    return ", ".join(parts)


def summary_zh(comparison: Comparison) -> str:
    """新增执行部分段落 4 段，删除 2 段，修改 11 段，措辞加强 1 处 …"""
    by_kind, total = comparison.counts_by_kind, comparison.counts
    parts = [
        f"新增{KIND_NAMES[kind][0]}段落 {by_kind[kind].new} 段" for kind in KINDS if kind in by_kind and by_kind[kind].new
    ]
    for name, word in (("dropped", "删除"), ("changed", "修改"), ("moved", "移动"), ("split", "拆分"), ("merged", "合并")):
        if getattr(total, name):
            parts.append(f"{word} {getattr(total, name)} 段")
    if total.strengthened:
        parts.append(f"措辞加强 {total.strengthened} 处")
    if total.softened:
        parts.append(f"措辞减弱 {total.softened} 处")
    other_verbs = total.verbs_changed - total.strengthened - total.softened
    if other_verbs:
        parts.append(f"改用其他动词 {other_verbs} 处")
    parts.append(f"未改动 {total.unchanged} 段")
    return "，".join(parts)


def _counts_json(counts: Counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in Counts.__dataclass_fields__}


# --- Which two texts ---------------------------------------------------------------------------------------------


class _NoComparison(Exception):
    def __init__(self, message_zh: str, message_en: str, resolution: Resolution | None = None):
        self.message_zh, self.message_en, self.resolution = message_zh, message_en, resolution


def _pair(resolution: Resolution, from_symbol: str) -> tuple[SeriesMember, Resolution, Resolution]:
    """(member, older text, newer text) the page compares; raises _NoComparison when there is nothing to compare."""
    member = series_service.member_of(resolution.symbol)
    if member is None:
        raise _NoComparison(
            f"{resolution.symbol} 不属于档案中的任何系列。",
            f"{resolution.symbol} is not part of any series the archive holds.",
            resolution,
        )
    if from_symbol:
        other_member = SeriesMember.objects.filter(symbol__iexact=from_symbol.strip(), series=member.series_id).first()
        if other_member is None or other_member.symbol == resolution.symbol:
            raise _NoComparison(
                f"{from_symbol} 不是 {resolution.symbol} 所属系列中的另一项。",
                f"{from_symbol} is not another member of the series of {resolution.symbol}.",
                resolution,
            )
    else:
        other_member = SeriesMember.objects.filter(symbol=member.previous_symbol).first() if member.previous_symbol else None
        if other_member is None:
            raise _NoComparison(
                f"{resolution.symbol} 是本系列的第一项，没有更早的文本可比较。",
                f"{resolution.symbol} is the first of its series: there is no earlier text to compare it with.",
                resolution,
            )
    other = Resolution.objects.filter(symbol=other_member.symbol, language=resolution.language).first()
    if other is None:
        raise _NoComparison(
            f"档案没有 {other_member.symbol} 的{LANGUAGE_NAMES_ZH.get(resolution.language, resolution.language)}本。",
            f"The archive holds no {Language(resolution.language).name.title()} text of {other_member.symbol}.",
            resolution,
        )
    older, newer = (other, resolution) if other_member.position < member.position else (resolution, other)
    return member, older, newer


def _resolve(request: HttpRequest, symbol: str, language: str):
    """The resolution of the address, or the response (404, redirect) to give instead."""
    resolution = _find(request, symbol, language)
    if isinstance(resolution, HttpResponse):
        return resolution
    if (resolution.symbol, resolution.language) != (symbol, language):
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(
            reverse(request.resolver_match.url_name, kwargs={"symbol": resolution.symbol, "language": resolution.language})
            + query,
            permanent=resolution.language == language,
        )
    return resolution


# --- What changed --------------------------------------------------------------------------------------------


def _rows(comparison: Comparison, old_paragraphs: list[Paragraph], new_paragraphs: list[Paragraph]) -> list[dict]:
    """The comparison's rows with what the page and the JSON show of each paragraph."""
    rows = []
    for row in comparison.rows:
        old = old_paragraphs[row.old] if row.old is not None else None
        new = new_paragraphs[row.new] if row.new is not None else None
        rows.append(
            {
                "row": row,
                "change": row.change,
                "change_zh": CHANGE_NAMES[row.change][0],
                "change_en": CHANGE_NAMES[row.change][1],
                "old": old,
                "new": new,
                "renumbered": old is not None and new is not None and old.eid != new.eid,
                "label_zh": paragraph_label_zh(new or old),
                "label_en": paragraph_label_en(new or old),
                "verb_strengthened": row.verb is not None and row.verb.direction == Direction.STRENGTHENED,
                "verb_softened": row.verb is not None and row.verb.direction == Direction.SOFTENED,
            }
        )
    return rows


def _first_appearances(paragraphs: list[Paragraph]) -> dict[int, Paragraph]:
    """{paragraph id: the paragraph where it first appeared in its series} (only where that is an earlier text)."""
    lineages = ParagraphLineage.objects.filter(paragraph__in=paragraphs).select_related("first__resolution")
    return {
        lineage.paragraph_id: lineage.first
        for lineage in lineages
        if lineage.first is not None and lineage.first_id != lineage.paragraph_id
    }


@require_safe
def series_changes(request: HttpRequest, symbol: str, language: str) -> HttpResponse:
    resolution = _resolve(request, symbol, language)
    if isinstance(resolution, HttpResponse):
        return resolution
    from_symbol = request.GET.get("from", "")
    try:
        member, older, newer = _pair(resolution, from_symbol)
    except _NoComparison as nothing:
        context = {"resolution": resolution, "message_zh": nothing.message_zh, "message_en": nothing.message_en}
        context.update(_surroundings(request, resolution))
        context["timeline_url"] = timeline_url(resolution) if series_service.member_of(resolution.symbol) else ""
        return render(request, "resolutions/series_no_changes.html", context, status=404)
    if newer.pk != resolution.pk:  # the page of a comparison is the newer text's
        return redirect(changes_url(newer, older))

    comparison, old_paragraphs, new_paragraphs = series_service.compare_resolutions(older, newer)
    rows = _rows(comparison, old_paragraphs, new_paragraphs)
    first = _first_appearances(new_paragraphs)
    for row in rows:
        # Worth saying only when it goes back further than the text compared with.
        earliest = first.get(row["new"].pk) if row["new"] is not None and row["change"] != Change.NEW else None
        row["first"] = earliest if earliest is not None and earliest.resolution_id != older.pk else None
    members = list(member.series.members.order_by("position"))
    context = {
        "resolution": newer,
        "older": older,
        "rows": rows,
        "summary_zh": summary_zh(comparison),
        "summary_en": summary_en(comparison),
        "counts": comparison.counts,
        "members": [m for m in members if m.symbol != newer.symbol],
        "from_symbol": older.symbol,
        "default_pair": not from_symbol,
        "timeline_url": timeline_url(newer),
        "json_url": reverse("api-series-changes", kwargs={"symbol": newer.symbol})
        + f"?lang={newer.language}&from={older.symbol}",
        "series": member.series,
    }
    context.update(_surroundings(request, newer))
    for other_language in context["versions"]:  # the language switch leads to the same comparison
        other_language.switch_url = changes_url(other_language) + (f"?from={older.symbol}" if from_symbol else "")
    return render(request, "resolutions/series_changes.html", context)


@require_safe
def series_changes_api(request: HttpRequest, symbol: str) -> JsonResponse:
    """/api/resolutions/<symbol>/changes[?lang=zh|en&from=<symbol>]: the comparison as data."""
    language = request.GET.get("lang", "")
    if language and language not in Language.values:
        return JsonResponse({"error": f"unknown language {language!r}; use one of {', '.join(Language.values)}"}, status=400)
    versions = Resolution.objects.by_symbol(symbol.strip("/"))
    if language:
        versions = versions.filter(language=language)
    # Chinese first, then the UN's order of languages, when none is asked for.
    resolution = min(versions, key=lambda v: LANGUAGE_ORDER.get(v.language, 99), default=None)
    if resolution is None:
        return JsonResponse({"error": f"no resolution {symbol!r} in the archive", "symbol": symbol}, status=404)
    try:
        _, older, newer = _pair(resolution, request.GET.get("from", ""))
    except _NoComparison as nothing:
        return JsonResponse({"error": nothing.message_en, "symbol": resolution.symbol}, status=404)
    comparison, old_paragraphs, new_paragraphs = series_service.compare_resolutions(older, newer)

    def text_json(text: Resolution) -> dict:
        return {
            "symbol": text.symbol,
            "language": text.language,
            "title": text.title,
            "adopted_on": text.adopted_on.isoformat() if text.adopted_on else None,
            "url": request.build_absolute_uri(text.get_absolute_url()),
        }

    def paragraph_url(paragraph: Paragraph | None) -> str | None:
        return request.build_absolute_uri(paragraph.get_absolute_url()) if paragraph is not None else None

    rows = []
    for entry in _rows(comparison, old_paragraphs, new_paragraphs):
        row = entry["row"]
        rows.append(
            {
                "change": str(row.change),
                "old": entry["old"].eid if entry["old"] else None,
                "new": entry["new"].eid if entry["new"] else None,
                "old_url": paragraph_url(entry["old"]),
                "new_url": paragraph_url(entry["new"]),
                "moved": row.moved,
                "split": row.split,
                "merged": row.merged,
                "similarity": row.similarity,
                "verb": {"before": row.verb.before, "after": row.verb.after, "direction": str(row.verb.direction) or None}
                if row.verb
                else None,
                "diff": [{"op": str(segment.op), "text": segment.text} for segment in row.diff]
                if row.change == Change.CHANGED
                else [],
            }
        )
    body = {
        "old": text_json(older),
        "new": text_json(newer),
        "summary": {"en": summary_en(comparison), "zh": summary_zh(comparison)},
        "counts": _counts_json(comparison.counts),
        "counts_by_kind": {kind: _counts_json(c) for kind, c in comparison.counts_by_kind.items()},
        "rows": rows,
        "url": request.build_absolute_uri(changes_url(newer, older)),
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


# --- The timeline ----------------------------------------------------------------------------------------------


@require_safe
def series_timeline(request: HttpRequest, symbol: str, language: str) -> HttpResponse:
    resolution = _resolve(request, symbol, language)
    if isinstance(resolution, HttpResponse):
        return resolution
    member = series_service.member_of(resolution.symbol)
    if member is None:
        context = {
            "resolution": resolution,
            "message_zh": f"{resolution.symbol} 不属于档案中的任何系列。",
            "message_en": f"{resolution.symbol} is not part of any series the archive holds.",
            "timeline_url": "",
        }
        context.update(_surroundings(request, resolution))
        return render(request, "resolutions/series_no_changes.html", context, status=404)
    members = list(member.series.members.order_by("position"))
    held: dict[str, dict[str, Resolution]] = {}
    for version in Resolution.objects.filter(symbol__in=[m.symbol for m in members]):
        held.setdefault(version.symbol, {})[version.language] = version
    entries = []
    for m in members:
        versions = held.get(m.symbol, {})
        shown = versions.get(language) or next(iter(versions.values()), None)
        changes = m.changes.get(language) if language in versions else None
        entries.append(
            {
                "member": m,
                "resolution": shown,
                "in_language": language in versions,
                "changes": changes if changes and changes.get("previous") else None,
                "link_zh": LINK_NAMES.get(m.link, ("", ""))[0],
                "link_en": LINK_NAMES.get(m.link, ("", ""))[1],
                "changes_url": changes_url(shown) if shown and m.previous_symbol and language in versions else "",
                "current": m.symbol == resolution.symbol,
            }
        )
    paragraphs = list(resolution.paragraphs.order_by("position"))
    lineages = {
        lineage.paragraph_id: lineage
        for lineage in ParagraphLineage.objects.filter(paragraph__in=paragraphs).select_related("first__resolution")
    }
    appearances = []
    for p in paragraphs:
        lineage = lineages.get(p.pk)
        first = lineage.first if lineage is not None else None
        if first is not None and first.pk != p.pk:
            status = "earlier"  # first appeared in an earlier text of the series
        elif lineage is not None and lineage.change == ParagraphChange.NEW:
            status = "new"
        elif not member.previous_symbol:
            status = "first_text"
        else:
            status = "unknown"  # no previous text held in this language
        appearances.append(
            {"paragraph": p, "label_zh": paragraph_label_zh(p), "label_en": paragraph_label_en(p), "first": first, "status": status}
        )
    context = {
        "resolution": resolution,
        "series": member.series,
        "entries": entries,
        "appearances": appearances,
        "item_lang": HTML_LANG.get(language, language),
    }
    context.update(_surroundings(request, resolution))
    for other_language in context["versions"]:
        other_language.switch_url = timeline_url(other_language)
    return render(request, "resolutions/series_timeline.html", context)


# --- For the resolution's JSON view ----------------------------------------------------------------------------


def series_json(resolution: Resolution, request: HttpRequest) -> dict:
    """`series` in /api/resolutions/<symbol>: previous and next (symbols or null), and the members in order."""
    member = series_service.member_of(resolution.symbol)
    if member is None:
        return {"previous": None, "next": None, "title": None, "members": []}
    previous, following = series_service.chain(member)
    return {
        "previous": previous or None,
        "next": following or None,
        "title": member.series.title,
        "position": member.position,
        "members": list(member.series.members.order_by("position").values_list("symbol", flat=True)),
        "timeline_url": request.build_absolute_uri(timeline_url(resolution)),
        "changes_url": request.build_absolute_uri(changes_url(resolution)) if previous else None,
    }


def paragraph_lineage_json(paragraph: Paragraph, request: HttpRequest) -> dict:
    """`new_in_series` (true, false, or null with no previous text held) and `first_appeared` of one paragraph."""
    try:
        lineage = paragraph.lineage
    except ParagraphLineage.DoesNotExist:
        return {"new_in_series": None, "first_appeared": None}
    first = lineage.first
    return {
        "new_in_series": lineage.is_new_in_series,
        "first_appeared": {
            "symbol": first.resolution.symbol,
            "eid": first.eid,
            "url": request.build_absolute_uri(first.get_absolute_url()),
        }
        if first is not None
        else None,
    }
