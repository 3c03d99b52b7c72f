"""Search page and its JSON twin: the same form, the same search_paragraphs()."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from ..models import BODY_NAMES_ZH, PARAGRAPH_KIND_NAMES_ZH, Body, Language, ParagraphKind, Resolution
from ..reading import paragraph_label
from .forms import SearchForm
from .query import symbol_in
from .results import search_paragraphs

FACET_TITLES = {
    "body": "机构 Body",
    "language": "语言 Language",
    "kind": "段落 Kind",
    "verb": "开头动词 Opening verb",
    "year": "年份 Year",
    "session": "届会 Session",
}


def facet_label(name: str, value: str) -> str:
    """What a reader sees for a facet value: 大会 General Assembly rather than GA."""
    if name == "body" and value in Body.values:
        return f"{BODY_NAMES_ZH[value]} {Body(value).label}"
    if name == "language" and value in Language.values:
        return Language(value).label
    if name == "kind" and value in ParagraphKind.values:
        return f"{PARAGRAPH_KIND_NAMES_ZH[value]} {ParagraphKind(value).label}"
    return value


def resolution_named_by(q: str) -> Resolution | None:
    """The resolution a bare symbol query names (A/RES/67/161, 67/161), Chinese text first."""
    found = symbol_in(q)
    if found is None:
        return None
    kind, value = found
    if kind == "symbol":
        versions = Resolution.objects.by_symbol(value)
    else:
        session, number = value.split("/")
        versions = Resolution.objects.filter(session=session, number=number)
    return versions.order_by("-language", "-adopted_on").first()  # zh before en


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    arguments = form.search_arguments()
    resolution = resolution_named_by(arguments["q"])
    if resolution is not None:
        return redirect(resolution)
    outcome = search_paragraphs(**arguments) if arguments["q"] else None
    facets = []
    if outcome is not None:
        facets = [
            (name, FACET_TITLES[name], [(value, facet_label(name, value), count) for value, count in values])
            for name, values in outcome.facets.items()
            if values
        ]
        for hit in outcome.hits + [h for g in outcome.groups for h in g.hits]:
            hit.label = paragraph_label(hit.paragraph, hit.paragraph.resolution.language)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "query": arguments["q"],
            "arguments": arguments,
            "outcome": outcome,
            "facets": facets,
            "active_filters": active_filters(request, arguments["filters"]),
        },
    )


def active_filters(request: HttpRequest, filters) -> list[tuple[str, str]]:
    """(what the filter is, the address of the same search without it) for each filter in force."""

    def without(*names: str) -> str:
        params = request.GET.copy()
        for name in (*names, "page"):
            params.pop(name, None)
        return "?" + params.urlencode()

    def span(low, high) -> str:
        return str(low) if low == high else f"{'' if low is None else low}–{'' if high is None else high}"

    found = []
    if filters.symbol:
        found.append((f"决议 Resolution {filters.symbol}", without("symbol")))
    for name in ("body", "language", "kind", "verb"):
        value = getattr(filters, name)
        if value:
            found.append((f"{FACET_TITLES[name].split()[0]}：{facet_label(name, value)}", without(name)))
    if filters.session_from is not None or filters.session_to is not None:
        found.append((f"届会 Session {span(filters.session_from, filters.session_to)}", without("session_from", "session_to")))
    if filters.year_from is not None or filters.year_to is not None:
        found.append((f"年份 Year {span(filters.year_from, filters.year_to)}", without("year_from", "year_to")))
    return found


def search_api(request: HttpRequest) -> JsonResponse:
    form = SearchForm(request.GET)
    arguments = form.search_arguments()
    arguments["group"] = False
    outcome = search_paragraphs(**arguments)
    resolution = resolution_named_by(arguments["q"])
    return JsonResponse(
        {
            "query": outcome.query.text,
            "count": outcome.total,
            "page": outcome.page,
            "per_page": outcome.per_page,
            "num_pages": outcome.num_pages,
            "resolution": None if resolution is None else {"symbol": resolution.symbol, "language": resolution.language, "url": resolution.get_absolute_url()},
            "results": [
                {
                    "symbol": hit.resolution.symbol,
                    "language": hit.resolution.language,
                    "title": hit.resolution.title,
                    "body": hit.resolution.body,
                    "adopted_on": hit.resolution.adopted_on.isoformat() if hit.resolution.adopted_on else None,
                    "eid": hit.paragraph.eid,
                    "kind": hit.paragraph.kind,
                    "number": hit.paragraph.number,
                    "item": hit.paragraph.item,
                    "label": paragraph_label(hit.paragraph, hit.paragraph.resolution.language),
                    "url": request.build_absolute_uri(hit.paragraph.get_absolute_url()),
                    "path": hit.paragraph.get_absolute_url(),
                    "snippet": str(hit.snippet),
                    "score": hit.score,
                }
                for hit in outcome.hits
            ],
            "facets": {name: [{"value": v, "count": c} for v, c in values] for name, values in outcome.facets.items()},
        },
        json_dumps_params={"ensure_ascii": False},
    )
