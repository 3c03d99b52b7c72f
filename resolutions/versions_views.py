"""A resolution in two languages side by side, paragraph beside paragraph: /A/RES/217(III)/zh/?beside=en.

The page of the first language stays the permanent link (the canonical URL); `beside` only adds the second
column. Pairs come from the alignment (Paragraph.siblings); an unpaired paragraph stands beside nothing.
"""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .models import LANGUAGE_NAMES_ZH, Language, Reference, Resolution
from .reading import attach_siblings, cited_by, citing, parallel_rows, prepare_text, sections


def side_by_side(
    request: HttpRequest, resolution: Resolution, beside: str, *, surroundings: dict, site: str
) -> HttpResponse:
    """`surroundings`: what the reading page shows around the text (header, versions, citation, links out)."""
    other = Resolution.objects.filter(work_id=resolution.work_id, language=beside).first()
    if other is None or other.pk == resolution.pk:
        if beside in Language.values and beside != resolution.language:
            messages.info(
                request,
                f"档案没有 {resolution.symbol} 的{LANGUAGE_NAMES_ZH[beside]}本，无法并排阅读。"
                f" The archive holds no {Language(beside).name.title()} text of {resolution.symbol} to show beside it.",
            )
        return redirect(resolution)

    columns = []
    for version, prefix in ((resolution, ""), (other, f"{other.language}-")):
        paragraphs = list(version.paragraphs.select_related("division"))  # an article paragraph's name needs it
        footnotes = list(version.footnotes.all())
        references = list(
            Reference.objects.filter(paragraph__resolution=version).select_related("target").order_by("paragraph", "start")
        )
        prepare_text(version, paragraphs, footnotes, references, site=site, anchor_prefix=prefix)
        citations = cited_by(version)
        for paragraph in paragraphs:
            paragraph.cited_by = citing(citations, paragraph)
        columns.append((version, paragraphs, footnotes))
    (_, first, first_notes), (_, second, second_notes) = columns
    siblings = attach_siblings(first, surroundings["versions"], language=resolution.language, site=site)
    for version in surroundings["versions"]:
        # From here, another language leads to its own side-by-side page, with this one beside it.
        if version.language != resolution.language:
            version.switch_url = f"{version.get_absolute_url()}?beside={resolution.language}"
    context = {
        "resolution": resolution,
        "other": other,
        "sections": sections(parallel_rows(first, second, siblings)),
        "loose_footnotes": [f for f in first_notes if f.paragraph_id is None],
        "other_loose_footnotes": [f for f in second_notes if f.paragraph_id is None],
        **surroundings,
    }
    return render(request, "resolutions/side_by_side.html", context)

