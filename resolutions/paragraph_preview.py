"""How a paragraph will read once a curator's edit is saved: its links and footnote markers carried to the
new words (as services.record_edit will carry them), its name as readers see it. Reading only."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.safestring import SafeString

from .anchoring import StoredMarker, StoredReference, carry_markers, carry_references
from .models import Paragraph, Resolution, official_document_url
from .parsing import Body as ParsedBody
from .parsing.document import element_id
from .parsing.references import find_references
from .reading import Link, Marker, opening_words, paragraph_label_en, paragraph_label_zh, place, reference_urls
from .templatetags.reading import render_runs


@dataclass(frozen=True)
class Preview:
    html: SafeString  # the text with its links and markers, as the reading page will show it
    label_zh: str
    label_en: str
    eid: str
    printed: str  # "3." / "(a)" / "pp4": the number in the margin
    flagged: list[str]  # links and markers the archive could not carry, with the reason
    references: list[dict]  # [{symbol, words, url}] as they will be linked

    def as_json(self) -> dict:
        return {
            "html": str(self.html), "label_zh": self.label_zh, "label_en": self.label_en, "eid": self.eid,
            "printed": self.printed, "flagged": self.flagged, "references": self.references,
        }


def printed_number(kind: str, number: int, item: str) -> str:
    if kind == "operative":
        return f"({item})" if item else f"{number}."
    if kind == "annex":
        return str(number)
    return element_id(kind, number, item)


def preview(paragraph: Paragraph, *, text: str, kind: str, number: int, item: str) -> Preview:
    """`paragraph` as it would read with `text`, `kind`, `number` and `item` (nothing is saved)."""
    resolution: Resolution = paragraph.resolution
    references = list(paragraph.references.filter(footnote=None).select_related("target"))
    notes = list(paragraph.footnotes.all())
    urls = reference_urls(references, resolution.language)
    stored = [
        StoredReference(r.pk, r.target_symbol, r.start, r.end, tuple(r.target_paragraphs), r.is_resolution, not r.review_note, r.review_note)
        for r in references
    ]
    found = find_references(text, document_body=ParsedBody(resolution.body), language=resolution.language)
    carried = carry_references(paragraph.text, text, stored, found)
    held = dict(Resolution.objects.filter(symbol__in={c.symbol for c in carried if c.key is None}).values_list("symbol", "pk"))
    links, listed, flagged = [], [], []
    for ref in carried:
        if not ref.anchored:
            flagged.append(f"{ref.symbol}: {ref.note}")
            continue
        if ref.key is not None:
            url, external = urls[ref.key], next(r for r in references if r.pk == ref.key).target_id is None
        elif ref.symbol in held:
            url, external = Resolution.objects.get(pk=held[ref.symbol]).get_absolute_url(), False
        else:
            url, external = official_document_url(ref.symbol, resolution.language), True
        links.append(Link(ref.start, ref.end, url, ref.symbol, external=external))
        listed.append({"symbol": ref.symbol, "words": text[ref.start : ref.end], "url": url, "new": ref.key is None})
    markers = []
    for marker in carry_markers(paragraph.text, text, [StoredMarker(f.pk, f.number, f.offset) for f in notes if not f.review_note]):
        if marker.offset is None:
            if marker.note:
                flagged.append(f"footnote {marker.number}: {marker.note}")
            continue
        markers.append(Marker(marker.offset, marker.number, f"fn{marker.number}"))
    flagged += [f"footnote {f.number}: {f.review_note}" for f in notes if f.review_note]
    emphasis = len(opening_words(text, resolution.language, guess=False))
    shown = SimpleNamespace(kind=kind, number=number, item=item)
    return Preview(
        html=render_runs(place(text, links, markers, emphasis)),
        label_zh=paragraph_label_zh(shown),
        label_en=paragraph_label_en(shown),
        eid=element_id(kind, number, item),
        printed=printed_number(kind, number, item),
        flagged=flagged,
        references=listed,
    )
