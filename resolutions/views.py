"""Reading pages: home, browsing lists, a resolution, a paragraph, and the redirects that keep links alive."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from . import history_views, instrument_views, series, versions_views
from .converters import PLAIN_EID, STRUCTURAL_EID
from .models import (
    LANGUAGE_NAMES_ZH,
    Body,
    Language,
    Paragraph,
    ParagraphKind,
    Reference,
    Resolution,
    official_document_url,
)
from .reading import (
    HTML_LANG,
    alignment_notice,
    article_cited_by,
    attach_siblings,
    citation_en,
    citation_zh,
    cited_by,
    citing,
    paragraph_neighbourhood,
    paragraph_url,
    prepare_text,
    session_key,
    siblings_of,
    versions_of,
)

PER_PAGE = 50
LANGUAGE_NAMES = dict(Language.choices)
LANGUAGE_CODES = "|".join(Language.values)  # zh|en|fr|es|ru|ar
# /browse/ga/67/: bodies by a short lower-case name in URLs.
BODY_SLUGS = {value.lower(): value for value in Body.values}
SLUG_RE = re.compile(r"^(?P<prefix>pp|op|annex)(?P<number>\d+)(?P<item>[a-z]{0,3})$")
TAIL_RE = re.compile(
    rf"^(?P<symbol>.+?)(?:/(?P<language>{LANGUAGE_CODES}))?(?:/(?P<slug>{PLAIN_EID}|{STRUCTURAL_EID}))?/?$", re.IGNORECASE
)


# --- Home and browsing -------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    resolutions = Resolution.objects.all()
    by_body = _labelled(resolutions.values("body").annotate(n=Count("id")).order_by("-n"), "body", dict(Body.choices))
    by_language = _labelled(
        resolutions.values("language").annotate(n=Count("id")).order_by("-n"), "language", LANGUAGE_NAMES
    )
    sessions = _sessions(resolutions)
    years = _years(resolutions)
    latest = resolutions.order_by("-created_at", "symbol")[:10]
    return render(
        request,
        "resolutions/home.html",
        {
            "total": resolutions.count(),
            "symbols": resolutions.values("symbol").distinct().count(),
            "paragraphs": Paragraph.objects.count(),
            "by_body": by_body,
            "by_language": by_language,
            "sessions": sessions,
            "years": years,
            "latest": latest,
        },
    )


def _labelled(rows, key: str, labels: dict) -> list[dict]:
    return [{**row, "label": labels.get(row[key], row[key]), "slug": str(row[key]).lower()} for row in rows]


def _sessions(resolutions) -> list[dict]:
    """[{body, label, slug, sessions: [{session, n}]}], newest session first, for every body held."""
    rows = resolutions.values("body", "session").annotate(n=Count("id"))
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["body"], []).append({"session": row["session"], "n": row["n"]})
    labels = dict(Body.choices)
    return [
        {
            "body": body,
            "label": labels.get(body, body),
            "slug": body.lower(),
            "sessions": sorted(found, key=lambda row: session_key(row["session"]), reverse=True),
        }
        for body, found in sorted(grouped.items(), key=lambda item: -sum(row["n"] for row in item[1]))
    ]


def _years(resolutions) -> list[dict]:
    """[{year, n}], newest year first."""
    adopted = resolutions.exclude(adopted_on=None).annotate(year=ExtractYear("adopted_on"))
    return list(adopted.values("year").annotate(n=Count("id")).order_by("-year"))


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _listing(queryset):
    return queryset.only(
        "symbol", "language", "body", "session", "number", "title", "adopted_on", "created_at"
    ).order_by("-adopted_on", "symbol", "language")


def browse(request: HttpRequest) -> HttpResponse:
    resolutions = Resolution.objects.all()
    return render(
        request, "resolutions/browse.html", {"sessions": _sessions(resolutions), "years": _years(resolutions)}
    )


def body_list(request: HttpRequest, body: str, session: str = "") -> HttpResponse:
    value = BODY_SLUGS.get(body.lower())
    if value is None:
        raise Http404("no such body")
    if body != value.lower():
        return redirect(request.path.replace(f"/{body}/", f"/{value.lower()}/", 1), permanent=True)
    resolutions = Resolution.objects.by_body(value)
    if session:
        resolutions = resolutions.filter(session=session)
        if not resolutions.exists():
            raise Http404("no resolutions of that session")
    return render(
        request,
        "resolutions/list.html",
        {
            "body": value,
            "body_label": dict(Body.choices)[value],
            "session": session,
            "sessions": _sessions(Resolution.objects.by_body(value)),
            "page": _page(request, _listing(resolutions)),
        },
    )


def year_list(request: HttpRequest, year: int) -> HttpResponse:
    resolutions = Resolution.objects.filter(adopted_on__year=year)
    if not resolutions.exists():
        raise Http404("no resolutions adopted that year")
    return render(request, "resolutions/list.html", {"year": year, "page": _page(request, _listing(resolutions))})


# --- Finding a resolution by whatever link a reader has ------------------------------------------------


def _held(symbol: str, language: str | None = None) -> Resolution | None:
    """The resolution named by `symbol` in any case; the requested language, else Chinese, else English."""
    versions = list(Resolution.objects.by_symbol(symbol))
    for want in (language, "zh", "en"):
        for version in versions:
            if version.language == want:
                return version
    return versions[0] if versions else None


def _slug_to_eid(slug: str) -> str:
    match = SLUG_RE.match(slug)
    if match is None:
        return slug
    return f"{match['prefix']}{match['number']}" + (f"({match['item']})" if match["item"] else "")


def _not_held(request: HttpRequest, symbol: str, language: str | None = None, eid: str | None = None) -> HttpResponse:
    """A 404 that still helps: the symbol on the UN Official Document System, in both languages.

    A resolution the archive held and deleted answers 410 instead: when it was withdrawn, and its last text.
    """
    withdrawn = history_views.withdrawn_page(request, symbol, language, _slug_to_eid(eid) if eid else None)
    if withdrawn is not None:
        return withdrawn
    context = {
        "symbol": symbol,
        "official_url": official_document_url(symbol, "zh"),
        "official_url_en": official_document_url(symbol, "en"),
    }
    return render(request, "404.html", context, status=404)


def resolution_any_language(request: HttpRequest, symbol: str) -> HttpResponse:
    """/A/RES/67/161/ and every near miss of a permanent link (case, stray slash, language or eid in capitals)."""
    resolution = _held(symbol)
    if resolution is not None:
        return redirect(resolution)
    match = TAIL_RE.match(symbol)
    if match and (match["language"] or match["slug"]):
        resolution = _held(match["symbol"], (match["language"] or "").lower() or None)
        if resolution is not None:
            if match["slug"]:
                return redirect(paragraph_url(resolution, match["slug"].lower()), permanent=True)
            return redirect(resolution, permanent=True)
        symbol = match["symbol"]
    return _not_held(request, symbol)


def paragraph_any_language(request: HttpRequest, symbol: str, eid: str) -> HttpResponse:
    """/A/RES/67/161/op7: the paragraph in the language held (Chinese first)."""
    resolution = _held(symbol)
    if resolution is None:
        return _not_held(request, symbol)
    return redirect(paragraph_url(resolution, eid))


def short_form(request: HttpRequest, session: str, number: str, language: str = "", eid: str = "") -> HttpResponse:
    """/67/161 -> /A/RES/67/161/zh/; several bodies with the same numbers get a page to choose from."""
    found = list(Resolution.objects.filter(session=session, number=number).order_by("symbol", "-language"))
    symbols = sorted({r.symbol for r in found})
    if len(symbols) == 1:
        resolution = _held(symbols[0], language.lower() or None)
        return redirect(paragraph_url(resolution, eid.lower()) if eid else resolution.get_absolute_url())
    if not symbols:
        return _not_held(request, f"{session}/{number}")
    choices = [_held(symbol, language.lower() or None) for symbol in symbols]
    return render(request, "resolutions/choose.html", {"cited": f"{session}/{number}", "choices": choices}, status=300)


def _find(request: HttpRequest, symbol: str, language: str, eid: str | None = None) -> Resolution | HttpResponse:
    """The resolution a /<symbol>/<language>/ address names, held under that exact symbol or another spelling.

    When only the other language is held, that one is returned with a notice saying so; a symbol the archive
    does not hold gets the helpful 404.
    """
    resolution = Resolution.objects.filter(symbol=symbol, language=language).first() or _held(symbol, language)
    if resolution is None:
        return _not_held(request, symbol, language, eid)
    if resolution.language != language:
        wanted, held = Language(language), Language(resolution.language)
        messages.info(
            request,
            f"档案没有 {resolution.symbol} 的{LANGUAGE_NAMES_ZH[wanted]}本，以下是{LANGUAGE_NAMES_ZH[held]}本。"
            f" The archive holds no {wanted.name.title()} text of {resolution.symbol};"
            f" here is the {held.name.title()} one.",
        )
    return resolution


# --- A resolution ------------------------------------------------------------------------------------


def _site(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"



def resolution_detail(request: HttpRequest, symbol: str, language: str) -> HttpResponse:
    resolution = _find(request, symbol, language)
    if isinstance(resolution, HttpResponse):
        return resolution
    if (resolution.symbol, resolution.language) != (symbol, language):
        return redirect(resolution, permanent=resolution.language == language)
    if "beside" in request.GET:  # two languages side by side: resolutions/versions_views.py
        surroundings = _surroundings(request, resolution)
        return versions_views.side_by_side(
            request, resolution, request.GET["beside"], surroundings=surroundings, site=_site(request)
        )

    paragraphs = list(resolution.paragraphs.select_related("division"))
    footnotes = list(resolution.footnotes.all())
    references = list(
        Reference.objects.filter(paragraph__resolution=resolution)
        .select_related("target")
        .order_by("paragraph", "start")
    )
    prepare_text(resolution, paragraphs, footnotes, references, site=_site(request))
    citations = cited_by(resolution)
    for paragraph in paragraphs:
        paragraph.cited_by = citing(citations, paragraph)
    surroundings = _surroundings(request, resolution)
    attach_siblings(paragraphs, surroundings["versions"], language=resolution.language, site=_site(request))
    context = {
        "resolution": resolution,
        "preambular": [p for p in paragraphs if p.kind == ParagraphKind.PREAMBULAR],
        "operative": [p for p in paragraphs if p.kind == ParagraphKind.OPERATIVE],
        "annex": [p for p in paragraphs if p.kind == ParagraphKind.ANNEX and p.division_id is None],
        "loose_footnotes": [f for f in footnotes if f.paragraph_id is None],
        "cited_by": citations,
        **surroundings,
        **instrument_views.reading_context(resolution, paragraphs),
    }
    return render(request, "resolutions/resolution_detail.html", context)


def _surroundings(request: HttpRequest, resolution: Resolution, paragraph: Paragraph | None = None) -> dict:
    """What every page about one resolution shows around its text: versions, series, links out, citation.

    On a paragraph's page the language switch leads to the same paragraph in another language: its sibling
    when the versions pair it, else the paragraph of the same address there (the page then says the numbering
    differs), else that version's whole text.
    """
    versions = versions_of(resolution)
    siblings = {s.resolution_id: s for s in siblings_of([paragraph]).get(paragraph.pk, [])} if paragraph else {}
    for version in versions:
        version.switch_url = version.get_absolute_url()
        version.beside_url = f"{resolution.get_absolute_url()}?beside={version.language}"
        if paragraph is not None and version.pk in siblings:
            version.switch_url = siblings[version.pk].get_absolute_url()
        elif paragraph is not None and version.paragraphs.filter(eid=paragraph.eid).exists():
            version.switch_url = paragraph_url(version, paragraph.slug)
    work = resolution.work
    previous, following = _series_neighbours(resolution)
    return {
        "versions": versions,
        "work": work,
        "alignment_notice": alignment_notice(resolution, work),
        "html_lang": HTML_LANG.get(resolution.language, resolution.language),
        "official_url": official_document_url(resolution.symbol, resolution.language),
        "committee_report_url": official_document_url(resolution.committee_report, resolution.language),
        "api_url": reverse("api-resolution", kwargs={"symbol": resolution.symbol}) + f"?lang={resolution.language}",
        "akn_url": reverse("resolution-akn", kwargs={"symbol": resolution.symbol, "language": resolution.language}),
        "permanent_url": request.build_absolute_uri(resolution.get_absolute_url()),
        "citation_zh": citation_zh(resolution),
        "citation_en": citation_en(resolution),
        "series_previous": previous,
        "series_next": following,
    }


def _series_neighbours(resolution: Resolution) -> tuple[Resolution | None, Resolution | None]:
    """The previous and next member of the resolution's series (resolutions.series), in its language where held."""
    return series.neighbours(resolution)


# --- A paragraph -------------------------------------------------------------------------------------


def paragraph_detail(request: HttpRequest, symbol: str, language: str, eid: str) -> HttpResponse:
    resolution = _find(request, symbol, language, eid)
    if isinstance(resolution, HttpResponse):
        return resolution
    if (resolution.symbol, resolution.language) != (symbol, language):
        return redirect(paragraph_url(resolution, eid), permanent=resolution.language == language)

    paragraphs = list(resolution.paragraphs.select_related("division"))
    index = next((i for i, p in enumerate(paragraphs) if p.eid == _slug_to_eid(eid)), None)
    if index is None:
        division = resolution.divisions.filter(eid=eid).first()
        if division is not None:  # an article, chapter or annex of an instrument: annex_1/art_5
            return _division_page(request, resolution, division)
        renamed = resolution.former_eids.filter(eid=_slug_to_eid(eid)).select_related("paragraph").first()
        if renamed is not None:
            return redirect(renamed.paragraph.get_absolute_url(), permanent=True)
        return _paragraph_gone(request, resolution, eid)
    paragraph = paragraphs[index]
    previous, shown, following = paragraph_neighbourhood(paragraphs, paragraph)
    neighbours = [p for p in (previous, *shown, following) if p is not None]
    footnotes = list(resolution.footnotes.filter(paragraph__in=neighbours))
    references = list(
        Reference.objects.filter(paragraph__in=neighbours).select_related("target").order_by("paragraph", "start")
    )
    prepare_text(resolution, neighbours, footnotes, references, site=_site(request))
    citations = citing(cited_by(resolution), paragraph)
    article = paragraph.division if paragraph.division and paragraph.division.kind == "article" else None
    if article is not None and paragraph.number and not paragraph.item:  # "article 5, paragraph 2"
        citations += article_cited_by(resolution, article.eid, paragraph_number=paragraph.number)[0]
    surroundings = _surroundings(request, resolution, paragraph)
    attach_siblings(neighbours, surroundings["versions"], language=resolution.language, site=_site(request))
    context = {
        "resolution": resolution,
        "paragraph": paragraph,
        "previous": previous if previous not in shown else None,
        "shown": shown,
        "following": following,
        "footnotes": footnotes,
        "cited_by": citations,
        **surroundings,
        "permanent_url": request.build_absolute_uri(paragraph.get_absolute_url()),
        "citation_zh": citation_zh(resolution, paragraph),
        "citation_en": citation_en(resolution, paragraph),
        "article": article,
    }
    return render(request, "resolutions/paragraph_detail.html", context)


def _division_page(request: HttpRequest, resolution: Resolution, division) -> HttpResponse:
    def prepare(paragraphs: list[Paragraph]) -> None:
        footnotes = list(resolution.footnotes.filter(paragraph__in=paragraphs))
        references = list(
            Reference.objects.filter(paragraph__in=paragraphs).select_related("target").order_by("paragraph", "start")
        )
        prepare_text(resolution, paragraphs, footnotes, references, site=_site(request))

    surroundings = _surroundings(request, resolution)
    for version in surroundings["versions"]:  # the same article in the other language, when held
        if version.divisions.filter(eid=division.eid).exists():
            version.switch_url = paragraph_url(version, division.eid)
    return instrument_views.division_detail(request, resolution, division, surroundings=surroundings, prepare=prepare)


def _paragraph_gone(request: HttpRequest, resolution: Resolution, slug: str) -> HttpResponse:
    """410 with the last known text and when it was withdrawn; 404 with the resolution when it never existed."""
    eid = _slug_to_eid(slug)
    last = history_views.last_seen(resolution, eid)
    context = {
        "resolution": resolution,
        "eid": eid,
        "last": last,
        "resolution_url": resolution.get_absolute_url(),
        **_surroundings(request, resolution),
    }
    return render(request, "resolutions/paragraph_gone.html", context, status=410 if last else 404)
