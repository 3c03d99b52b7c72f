"""Search page and its JSON twin: the same form, the same seam (service.search_paragraphs), whichever engine."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render

from .. import openers
from ..models import BODY_NAMES_ZH, PARAGRAPH_KIND_NAMES_ZH, Body, Language, Paragraph, ParagraphKind, Resolution, official_document_url
from ..reading import instrument_facet_label, paragraph_label, search_place, siblings_of
from .forms import MULTI_VALUED
from .service import SEARCH_RETRY_AFTER_SECONDS, QueryError, SearchUnavailable, did_you_mean, search_arguments, search_paragraphs, symbol_in

FACET_TITLES = {
    "body": "机构 Body",
    "language": "语言 Language",
    "kind": "段落 Kind",
    "verb": "开头用语 Opener",
    "change": "系列中 In its series",
    "versions": "语言版本 Versions",
    "instrument": "文书 Instrument",
    "year": "年份 Year",
    "session": "届会 Session",
}
CHANGE_LABELS = {"new": "今年新增 new this year", "changed": "有改动 changed", "unchanged": "未改动 unchanged"}
VERSIONS_LABELS = {"both": "中英文均有 held in both languages", "one": "仅一种语言 one language only"}
RANGE_PARAMETERS = {"year": ("year_from", "year_to"), "session": ("session_from", "session_to")}
FACET_VALUES_SHOWN = 15
CITING_SHOWN = 200  # citing paragraphs listed for a symbol the archive does not hold


def facet_label(name: str, value: str) -> str:
    """What a reader sees for a facet value: 大会 General Assembly rather than GA."""
    if name == "body" and value in Body.values:
        return f"{BODY_NAMES_ZH[value]} {Body(value).label}"
    if name == "language" and value in Language.values:
        return Language(value).label
    if name == "kind" and value in ParagraphKind.values:
        return f"{PARAGRAPH_KIND_NAMES_ZH[value]} {ParagraphKind(value).label}"
    if name == "change" and value in CHANGE_LABELS:
        return CHANGE_LABELS[value]
    if name == "versions" and value in VERSIONS_LABELS:
        return VERSIONS_LABELS[value]
    if name == "verb":
        return openers.label(value)  # 敦促 urges: readable in the other language too
    if name == "instrument":
        return instrument_facet_label(value)  # 《禁止酷刑公约》 Convention against Torture
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


def unheld_symbol(q: str) -> dict | None:
    """For a bare symbol the archive does not hold: the symbol, the UN document system's address for it, and the
    held paragraphs that cite it (a paragraph citing it twice, or in a footnote, counts once).

    A short number (60/251) names every symbol ending in it: A/RES/60/251, A/HRC/RES/60/251 …
    """
    found = symbol_in(q)
    if found is None:
        return None
    kind, value = found
    from ..models import Reference

    references = Reference.objects.filter(target_symbol=value) if kind == "symbol" else Reference.objects.filter(target_symbol__endswith="/" + value)
    ids = set(references.values_list("paragraph_id", flat=True))
    paragraphs = list(
        Paragraph.objects.filter(pk__in=ids).select_related("resolution").order_by("-resolution__adopted_on", "resolution__symbol", "-resolution__language", "position")[:CITING_SHOWN]
    )
    for paragraph in paragraphs:
        paragraph.label = paragraph_label(paragraph, paragraph.resolution.language)
    symbols = sorted(set(references.values_list("target_symbol", flat=True))) or ([value] if kind == "symbol" else [])
    return {
        "symbol": value,
        "official": [(symbol, official_document_url(symbol, "zh"), official_document_url(symbol, "en")) for symbol in symbols],
        "count": len(ids),
        "paragraphs": paragraphs,
    }


def search_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: the engine could not answer (never an empty result that looks like one)."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": "search_unavailable", "detail": "Search is briefly unavailable.", "retry_after": SEARCH_RETRY_AFTER_SECONDS},
            status=503,
        )
    else:
        response = render(request, "search/unavailable.html", {"query": request.GET.get("q", "")}, status=503)
    response["Retry-After"] = str(SEARCH_RETRY_AFTER_SECONDS)
    return response


def search_page(request: HttpRequest) -> HttpResponse:
    arguments = search_arguments(request.GET)
    resolution = resolution_named_by(arguments["q"])
    if resolution is not None:
        return redirect(resolution)
    outcome, refused, suggestion = None, "", None
    unheld = unheld_symbol(arguments["q"])
    if arguments["q"]:
        try:
            outcome = search_paragraphs(**arguments)
            if not outcome.total and unheld is None:
                suggestion = did_you_mean(arguments["q"], filters=arguments["filters"])
        except QueryError as error:
            refused = str(error)
        except SearchUnavailable:
            return search_unavailable(request)
    facets = []
    if outcome is not None:
        facets = [
            (name, FACET_TITLES[name], *shown_and_more(facet_links(request.GET, arguments["filters"], name, values)), len(values))
            for name, values in outcome.facets.items()
            if values
        ]
        hits = outcome.hits + [h for g in outcome.groups for h in g.hits]
        siblings = siblings_of([hit.paragraph for hit in hits])
        for hit in hits:
            # In an instrument: named with it, and the article's own link where the hit is the article itself.
            hit.label, hit.url = search_place(hit.paragraph, hit.paragraph.resolution.language)
            # The per-hit language switch: the same paragraph in the work's other versions, as aligned.
            hit.siblings = siblings.get(hit.paragraph.pk, [])
    return render(
        request,
        "search/search.html",
        {
            "query": arguments["q"],
            "arguments": arguments,
            "outcome": outcome,
            "refused": refused,
            "suggestion": suggestion,
            "unheld": unheld,
            "facets": facets,
            "active_filters": active_filters(request.GET, arguments["filters"]),
            "hidden_filters": hidden_filters(arguments["filters"]),
        },
    )


def _address(params: QueryDict) -> str:
    params = params.copy()
    params.pop("page", None)
    return "?" + params.urlencode()


def facet_links(params: QueryDict, filters, name: str, values: list[tuple[str, int]]) -> list[tuple[str, str, int, str, bool]]:
    """(value, label, count, address, selected) for each value: the address adds the value, or removes it if selected.

    Body, language, kind and verb take several values (either of them); a year or session is one, and choosing
    another replaces it.
    """
    links = []
    for value, count in values:
        toggled = params.copy()
        if name in RANGE_PARAMETERS:
            low, high = RANGE_PARAMETERS[name]
            selected = value.isdigit() and getattr(filters, low) == getattr(filters, high) == int(value)
            if selected:
                toggled.pop(low, None)
                toggled.pop(high, None)
            else:
                toggled.setlist(low, [value])
                toggled.setlist(high, [value])
        else:
            chosen = list(getattr(filters, name))
            selected = value in chosen
            toggled.setlist(name, [v for v in chosen if v != value] if selected else chosen + [value])
        links.append((value, facet_label(name, value), count, _address(toggled), selected))
    return links


def shown_and_more(links: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """The top FACET_VALUES_SHOWN values (and any chosen one further down), and the rest behind "show all"."""
    shown = [link for i, link in enumerate(links) if i < FACET_VALUES_SHOWN or link[4]]
    return shown, [link for i, link in enumerate(links) if i >= FACET_VALUES_SHOWN and not link[4]]


def active_filters(params: QueryDict, filters) -> list[tuple[str, str]]:
    """(what the filter is, the address of the same search without it) for each filter (each value) in force."""

    def without(*names: str, value: str | None = None) -> str:
        kept = params.copy()
        for name in names:
            if value is None:
                kept.pop(name, None)
            else:
                kept.setlist(name, [v for v in getattr(filters, name) if v != value])
        return _address(kept)

    def span(low, high) -> str:
        return str(low) if low == high else f"{'' if low is None else low}–{'' if high is None else high}"

    found = []
    if filters.symbol:
        found.append((f"决议 Resolution {filters.symbol}", without("symbol")))
    for name in MULTI_VALUED:
        for value in getattr(filters, name):
            found.append((f"{FACET_TITLES[name].split()[0]}：{facet_label(name, value)}", without(name, value=value)))
    if filters.session_from is not None or filters.session_to is not None:
        found.append((f"届会 Session {span(filters.session_from, filters.session_to)}", without("session_from", "session_to")))
    if filters.year_from is not None or filters.year_to is not None:
        found.append((f"年份 Year {span(filters.year_from, filters.year_to)}", without("year_from", "year_to")))
    return found


def hidden_filters(filters) -> list[tuple[str, object]]:
    """(name, value) of each filter in force, for hidden inputs: a new query keeps them."""
    found: list[tuple[str, object]] = [(name, value) for name in MULTI_VALUED for value in getattr(filters, name)]
    if filters.symbol:
        found.append(("symbol", filters.symbol))
    for name in ("session_from", "session_to", "year_from", "year_to"):
        if getattr(filters, name) is not None:
            found.append((name, getattr(filters, name)))
    return found


def cross_language_counts(outcome) -> dict:
    """The API's `beside`, or `show_in`, `matched_in` and `aligned_count` (the matches with an aligned paragraph)."""
    if outcome.show_in:
        return {"show_in": outcome.show_in, "matched_in": outcome.matched_in, "aligned_count": outcome.aligned_total}
    return {"beside": outcome.beside} if outcome.beside else {}


def aligned_result(request: HttpRequest, outcome, hit) -> dict:
    """A result's `aligned` paragraph (with `beside` or `show_in`): its state and, when paired, its text."""
    if not (outcome.beside or outcome.show_in) or not hit.aligned_state:
        return {}
    aligned = {"language": outcome.show_in or outcome.beside, "state": hit.aligned_state}
    if hit.aligned is not None:
        aligned.update(
            eid=hit.aligned.eid, label=hit.aligned_label, text=hit.aligned.text, path=hit.aligned.get_absolute_url(),
            url=request.build_absolute_uri(hit.aligned.get_absolute_url()),
        )
    return {"aligned": aligned}


def search_api(request: HttpRequest) -> JsonResponse:
    arguments = search_arguments(request.GET)
    arguments["group"] = False
    try:
        outcome = search_paragraphs(**arguments)
        suggestion = did_you_mean(arguments["q"], filters=arguments["filters"]) if arguments["q"] and not outcome.total else None
    except QueryError as error:
        return JsonResponse({"error": "bad_query", "detail": str(error), "query": arguments["q"]}, status=400, json_dumps_params={"ensure_ascii": False})
    except SearchUnavailable:
        return search_unavailable(request)
    resolution = resolution_named_by(arguments["q"])
    siblings = siblings_of([hit.paragraph for hit in outcome.hits])
    return JsonResponse(
        {
            "query": outcome.query.text,
            "count": outcome.total,
            "did_you_mean": None if suggestion is None else {"query": suggestion.query, "count": suggestion.total},
            "page": outcome.page,
            "per_page": outcome.per_page,
            "num_pages": outcome.num_pages,
            "resolution": None if resolution is None else {"symbol": resolution.symbol, "language": resolution.language, "url": resolution.get_absolute_url()},
            **cross_language_counts(outcome),
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
                    "spans": [list(span) for span in hit.spans],
                    "score": hit.score,
                    "siblings": [
                        {"language": s.resolution.language, "path": s.get_absolute_url(),
                         "url": request.build_absolute_uri(s.get_absolute_url())}
                        for s in siblings.get(hit.paragraph.pk, [])
                    ],
                    **aligned_result(request, outcome, hit),
                }
                for hit in outcome.hits
            ],
            "facets": {name: [{"value": v, "count": c} for v, c in values] for name, values in outcome.facets.items()},
        },
        json_dumps_params={"ensure_ascii": False},
    )
