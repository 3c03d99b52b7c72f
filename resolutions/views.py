"""Reading pages: home, a resolution, a paragraph."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .models import Resolution


def home(request: HttpRequest) -> HttpResponse:
    latest = Resolution.objects.order_by("-created_at")[:20]
    return render(request, "resolutions/home.html", {"latest": latest})


def resolution_detail(request: HttpRequest, symbol: str, language: str) -> HttpResponse:
    resolution = get_object_or_404(Resolution, symbol=symbol, language=language)
    paragraphs = resolution.paragraphs.prefetch_related("footnotes", "references")
    return render(request, "resolutions/resolution_detail.html", {"resolution": resolution, "paragraphs": paragraphs})


def resolution_any_language(request: HttpRequest, symbol: str) -> HttpResponse:
    versions = Resolution.objects.by_symbol(symbol).order_by("-language")  # zh before en
    resolution = versions.first()
    if resolution is None:
        return render(request, "404.html", {"symbol": symbol}, status=404)
    return redirect(resolution)


def paragraph_detail(request: HttpRequest, symbol: str, language: str, eid: str) -> HttpResponse:
    resolution = get_object_or_404(Resolution, symbol=symbol, language=language)
    paragraph = next((p for p in resolution.paragraphs.all() if p.slug == eid), None)
    if paragraph is None:
        return render(request, "404.html", {"symbol": symbol}, status=404)
    return render(request, "resolutions/paragraph_detail.html", {"resolution": resolution, "paragraph": paragraph})
