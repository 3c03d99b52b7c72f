"""JSON views: a resolution with its paragraphs, footnotes and references, and how its language versions align."""
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from . import history
from .models import ArticleCitation, Language, Resolution
from .reading import article_citation_urls, describe_mismatch, siblings_of, versions_of
from .series_views import paragraph_lineage_json, series_json


def resolution_as_json(resolution: Resolution, request: HttpRequest) -> dict:
    paragraphs = list(
        resolution.paragraphs.prefetch_related("footnotes", "references__target")
        .select_related("division", "lineage__first__resolution")
        .order_by("position")
    )
    siblings = siblings_of(paragraphs)
    work = resolution.work
    versions = versions_of(resolution)
    divisions = list(resolution.divisions.select_related("parent"))
    citations = list(ArticleCitation.objects.filter(paragraph__resolution=resolution).order_by("paragraph", "start", "end", "article", "article_paragraph", "item"))
    citation_urls = article_citation_urls(citations, resolution.language)
    cited: dict[int, list[dict]] = {}
    for c in citations:
        cited.setdefault(c.paragraph_id, []).append(
            {
                "instrument": c.instrument,
                "article": c.article,
                "paragraph": c.article_paragraph,
                "item": c.item,
                "symbol": c.target_symbol,
                "eid": c.target_eid,
                "url": request.build_absolute_uri(citation_urls[c.pk]) if citation_urls[c.pk] else "",
                "in_archive": c.target_id is not None,
                "in_footnote": c.footnote_id is not None,
            }
        )
    return {
        "symbol": resolution.symbol,
        "language": resolution.language,
        "languages": sorted(version.language for version in versions),
        "work": {
            "symbol": work.symbol,
            "url": request.build_absolute_uri(work.get_absolute_url()),
            "versions": {
                version.language: request.build_absolute_uri(version.get_absolute_url()) for version in versions
            },
            # aligned: every paragraph paired; mismatched: see mismatches; single: one language held.
            "alignment": work.alignment,
            "mismatches": [
                {**mismatch, "description": dict(zip(("zh", "en"), describe_mismatch(mismatch)))}
                for mismatch in work.mismatches
            ],
        },
        "body": resolution.body,
        "body_name": resolution.get_body_display(),
        "session": resolution.session,
        "number": resolution.number,
        "title": resolution.title,
        "opening": resolution.opening,
        "adopted_on": resolution.adopted_on.isoformat() if resolution.adopted_on else None,
        "meeting": resolution.meeting,
        "adoption": resolution.adoption,
        "votes": {
            "for": resolution.votes_for,
            "against": resolution.votes_against,
            "abstaining": resolution.votes_abstaining,
        }
        if resolution.votes_for is not None
        else None,
        "agenda_item": resolution.agenda_item,
        "committee_report": resolution.committee_report,
        "job_number": resolution.job_number,
        "url": request.build_absolute_uri(resolution.get_absolute_url()),
        # An instrument's structure (annexes, chapters, articles …), parents before children.
        "divisions": [
            {
                "eid": d.eid,
                "kind": d.kind,
                "number": d.number,
                "num": d.num,
                "heading": d.heading,
                "parent": d.parent.eid if d.parent else None,
                "url": request.build_absolute_uri(d.get_absolute_url()),
            }
            for d in divisions
        ],
        "series": series_json(resolution, request),
        "paragraphs": [
            {
                "eid": p.eid,
                "kind": p.kind,
                "number": p.number,
                "item": p.item,
                "num": p.num,
                "division": p.division.eid if p.division else None,
                "article": p.division.eid if p.division and p.division.kind == "article" else None,
                "text": p.text,
                "url": request.build_absolute_uri(p.get_absolute_url()),
                # The same paragraph in the other language versions, as aligned: {"en": {"eid", "url"}}.
                "siblings": {
                    s.resolution.language: {"eid": s.eid, "url": request.build_absolute_uri(s.get_absolute_url())}
                    for s in siblings.get(p.pk, [])
                },
                "footnotes": [{"number": f.number, "text": f.text} for f in p.footnotes.all()],
                "references": [
                    {
                        "symbol": r.target_symbol,
                        "paragraphs": r.target_paragraphs,
                        "url": request.build_absolute_uri(r.get_absolute_url()),
                        "in_archive": r.target_id is not None,
                        "in_footnote": r.footnote_id is not None,
                    }
                    for r in p.references.all()
                ],
                "article_citations": cited.get(p.pk, []),
                **paragraph_lineage_json(p, request),
            }
            for p in paragraphs
        ],
    }


@require_safe
def resolution_detail(request: HttpRequest, symbol: str) -> JsonResponse:
    symbol = symbol.strip("/")
    language = request.GET.get("lang", "")
    if language and language not in Language.values:
        return JsonResponse(
            {"error": f"unknown language {language!r}; use one of {', '.join(Language.values)}"}, status=400
        )
    versions = Resolution.objects.by_symbol(symbol)
    if language:
        versions = versions.filter(language=language)
    held = sorted(versions, key=lambda v: Language.values.index(v.language) if v.language in Language.values else 99)
    resolution = held[0] if held else None  # zh before en … when no language is asked for
    if resolution is None:
        withdrawn = history.withdrawn(symbol, language or None)
        if withdrawn is not None:  # held once, deleted by a curator: say so and when (410), not "never held"
            return JsonResponse(
                {
                    "error": f"{withdrawn.symbol} ({withdrawn.language}) was withdrawn from the archive",
                    "symbol": withdrawn.symbol,
                    "language": withdrawn.language,
                    "withdrawn_at": withdrawn.created_at.isoformat(),
                    "title": withdrawn.snapshot.get("title", ""),
                },
                status=410,
                json_dumps_params={"ensure_ascii": False},
            )
        return JsonResponse({"error": f"no resolution {symbol!r} in the archive", "symbol": symbol}, status=404)
    return JsonResponse(resolution_as_json(resolution, request), json_dumps_params={"ensure_ascii": False})
