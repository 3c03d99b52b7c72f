"""The only code that writes resolutions: the ingest command, the admin and any API call these functions."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import alignment
from .models import Alignment, Footnote, Language, Paragraph, Reference, Resolution, Revision, SourceFile, Work
from .parsing import ParsedReference, ParsedResolution, ParseError, parse_resolution
from .parsing.document import element_id
from .parsing.sources import read_source
from .search.service import schedule_reindex
from .series import refresh_series

logger = logging.getLogger(__name__)

CREATED, REPLACED, UNCHANGED = "created", "replaced", "unchanged"


@dataclass(frozen=True)
class IngestResult:
    resolution: Resolution
    status: str  # CREATED, REPLACED or UNCHANGED
    warnings: tuple[str, ...] = ()

    def describe(self) -> str:
        """One line for a person: 'created A/RES/67/161 (zh): 10 preambular, 41 operative, 10 footnotes'."""
        counts = _paragraph_counts(self.resolution)
        parts = [f"{n} {kind}" for kind, n in counts.items() if n]
        footnotes = self.resolution.footnotes.count()
        parts.append(f"{footnotes} footnote{'s' if footnotes != 1 else ''}")
        return f"{self.status} {self.resolution.symbol} ({self.resolution.language}): {', '.join(parts)}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_source(*, source: bytes, filename: str) -> ParsedResolution:
    """Turn an uploaded file into a parsed resolution without writing anything; raises ParseError."""
    text = read_source(source, filename, time_limit=settings.PDF_TIME_LIMIT_SECONDS)
    return parse_resolution(text, source_name=PurePath(filename).name)


def ingest_resolution(
    *,
    source: bytes,
    filename: str,
    uploaded_by: Any = None,
    parsed: ParsedResolution | None = None,
) -> IngestResult:
    """Parse `source` and store it, replacing any earlier text of the same resolution in place.

    Permanent links survive a replacement: the resolution row and every paragraph whose eid still exists keep
    their identity. The earlier text is kept as a Revision. Raises ParseError when the file cannot be read.
    """
    if parsed is None:
        parsed = parse_source(source=source, filename=filename)
    checksum = sha256_of(source)
    try:
        return _store(parsed, source=source, filename=filename, checksum=checksum, user=uploaded_by)
    except IntegrityError:
        # Another process created the same resolution between our read and our write: replace theirs.
        logger.info("retrying ingest of %s after a concurrent insert", parsed.symbol)
        return _store(parsed, source=source, filename=filename, checksum=checksum, user=uploaded_by)


@transaction.atomic
def _store(parsed: ParsedResolution, *, source: bytes, filename: str, checksum: str, user: Any) -> IngestResult:
    resolution = (
        Resolution.objects.select_for_update().filter(symbol=parsed.symbol, language=parsed.language).first()
    )
    if resolution is not None and resolution.source_sha256 == checksum and snapshot(resolution) == _parsed_snapshot(parsed):
        return IngestResult(resolution, UNCHANGED, parsed.warnings)

    status = CREATED if resolution is None else REPLACED
    if resolution is None:
        resolution = Resolution(symbol=parsed.symbol, language=parsed.language)
    else:
        Revision.objects.create(
            resolution=resolution,
            created_by=user,
            reason=f"replaced by {PurePath(filename).name}",
            snapshot=snapshot(resolution),
        )
    _copy_metadata(parsed, resolution, filename=filename, checksum=checksum)
    resolution.save()
    _replace_text(resolution, parsed)
    link_references(resolution)
    _keep_source(resolution, source=source, filename=filename, checksum=checksum, user=user)
    align_versions(resolution.work)
    refresh_series(resolution.symbol)  # first: the index carries the series lineage ("new this year")
    schedule_reindex(resolution.pk)
    return IngestResult(resolution, status, parsed.warnings)


# Metadata the parser reads that the resolution row keeps under the same name.
PARSED_METADATA = (
    "session", "number", "title", "opening", "adopted_on", "meeting", "meeting_number", "votes_for",
    "votes_against", "votes_abstaining", "agenda_item", "committee_report", "job_number",
)


def _copy_metadata(parsed: ParsedResolution, resolution: Resolution, *, filename: str, checksum: str) -> None:
    for name in PARSED_METADATA:
        setattr(resolution, name, getattr(parsed, name))
    resolution.body = parsed.body.value
    resolution.adoption = parsed.adoption.value
    resolution.source_filename = PurePath(filename).name
    resolution.source_sha256 = checksum
    resolution.parse_warnings = list(parsed.warnings)


def _replace_text(resolution: Resolution, parsed: ParsedResolution) -> None:
    """Make paragraphs, footnotes and outgoing references match `parsed`, keeping paragraphs by eid."""
    Reference.objects.filter(paragraph__resolution=resolution).delete()
    resolution.footnotes.all().delete()

    existing = {p.eid: p for p in resolution.paragraphs.all()}
    wanted = {p.eid for p in parsed.paragraphs}
    resolution.paragraphs.exclude(eid__in=wanted).delete()
    # Move kept paragraphs out of the way so new positions never collide with old ones.
    resolution.paragraphs.update(position=F("position") + 1_000_000)

    paragraph_by_eid: dict[str, Paragraph] = {}
    for position, parsed_paragraph in enumerate(parsed.paragraphs, start=1):
        paragraph = existing.get(parsed_paragraph.eid) or Paragraph(resolution=resolution, eid=parsed_paragraph.eid)
        paragraph.kind = parsed_paragraph.kind.value
        paragraph.position = position
        paragraph.number = parsed_paragraph.number
        paragraph.item = parsed_paragraph.item
        paragraph.text = parsed_paragraph.text
        paragraph.save()
        paragraph_by_eid[paragraph.eid] = paragraph

    footnote_texts = {f.number: f for f in parsed.footnotes}
    footnotes: dict[int, Footnote] = {}
    for parsed_paragraph in parsed.paragraphs:
        paragraph = paragraph_by_eid[parsed_paragraph.eid]
        for ref in parsed_paragraph.references:
            _store_reference(ref, paragraph=paragraph)
        for marker in parsed_paragraph.footnotes:
            parsed_footnote = footnote_texts.get(marker.number)
            if parsed_footnote is None or marker.number in footnotes:
                continue
            footnote = Footnote.objects.create(
                resolution=resolution,
                paragraph=paragraph,
                number=marker.number,
                offset=marker.offset,
                text=parsed_footnote.text,
            )
            footnotes[marker.number] = footnote
            for ref in parsed_footnote.references:
                _store_reference(ref, paragraph=paragraph, footnote=footnote)
    # A footnote no paragraph cites is still part of the text: keep it, unattached.
    for number, parsed_footnote in footnote_texts.items():
        if number not in footnotes:
            Footnote.objects.create(resolution=resolution, number=number, text=parsed_footnote.text)


def _store_reference(ref: ParsedReference, *, paragraph: Paragraph, footnote: Footnote | None = None) -> Reference:
    """Offsets point into the paragraph text, or into the footnote text when the footnote cites."""
    return Reference.objects.create(
        paragraph=paragraph,
        footnote=footnote,
        target_symbol=ref.symbol,
        target_paragraphs=list(ref.paragraphs),
        is_resolution=ref.is_resolution,
        start=ref.start,
        end=ref.end,
    )


def link_references(resolution: Resolution) -> int:
    """Point references to and from `resolution` at the resolutions the archive holds; returns links made.

    A reference prefers the cited resolution in its own language and falls back to any language held.
    """
    linked = 0
    outgoing = Reference.objects.filter(paragraph__resolution=resolution)
    for reference in outgoing.select_related(None):
        target = _best_target(reference.target_symbol, resolution.language)
        if target is not None and target.pk != reference.target_id:
            reference.target = target
            reference.save(update_fields=["target"])
            linked += 1
    # References that waited for this resolution, or that point at another language of it.
    incoming = Reference.objects.filter(target_symbol=resolution.symbol).exclude(paragraph__resolution=resolution)
    linked += incoming.filter(paragraph__resolution__language=resolution.language).exclude(target=resolution).update(
        target=resolution
    )
    linked += incoming.filter(target__isnull=True).update(target=resolution)
    return linked


def _best_target(symbol: str, language: str) -> Resolution | None:
    candidates = list(Resolution.objects.filter(symbol=symbol).only("pk", "language"))
    for candidate in candidates:
        if candidate.language == language:
            return candidate
    return candidates[0] if candidates else None


@transaction.atomic
def align_versions(work: Work | None) -> Work | None:
    """Pair the paragraphs of a work's language versions again, after any version was ingested, edited or deleted.

    Paired paragraphs become each other's `siblings`; what differs is kept on the work (`alignment`,
    `mismatches`, `metadata_differences`, see resolutions.alignment). A work left without versions is deleted.
    """
    if work is None:
        return None
    given = work
    # One alignment of a work at a time: two versions ingested at once each see the other once it is committed.
    work = Work.objects.select_for_update().filter(pk=given.pk).first()
    if work is None:
        return None
    versions = sorted(work.versions.all(), key=lambda version: LANGUAGE_ORDER.get(version.language, 99))
    if not versions:
        work.delete()
        return None
    paragraphs = list(Paragraph.objects.filter(resolution__work=work).order_by("resolution", "position"))
    cited: dict[int, set[str]] = {}
    for paragraph_id, symbol in Reference.objects.filter(
        paragraph__resolution__work=work, footnote=None, is_resolution=True
    ).values_list("paragraph_id", "target_symbol"):
        cited.setdefault(paragraph_id, set()).add(symbol)
    carried: dict[int, set[int]] = {}
    for paragraph_id, number in Footnote.objects.filter(resolution__work=work, paragraph__isnull=False).values_list(
        "paragraph_id", "number"
    ):
        carried.setdefault(paragraph_id, set()).add(number)
    by_version: dict[int, list[Paragraph]] = {}
    for paragraph in paragraphs:
        by_version.setdefault(paragraph.resolution_id, []).append(paragraph)
    units = {
        version.language: [
            alignment.Unit(p.eid, p.kind, frozenset(cited.get(p.pk, ())), frozenset(carried.get(p.pk, ())))
            for p in by_version.get(version.pk, [])
        ]
        for version in versions
    }
    result = alignment.align_versions(units)
    languages_changed = (work.alignment == Alignment.SINGLE) != (result.status == Alignment.SINGLE)

    links = Paragraph.siblings.through
    ids = [p.pk for p in paragraphs]
    links.objects.filter(Q(from_paragraph_id__in=ids) | Q(to_paragraph_id__in=ids)).delete()
    pk_of = {(version.language, p.eid): p.pk for version in versions for p in by_version.get(version.pk, [])}
    rows = []
    for (first, second), eids in result.pairs.items():
        for eid in eids:
            a, b = pk_of[(first, eid)], pk_of[(second, eid)]
            rows += [links(from_paragraph_id=a, to_paragraph_id=b), links(from_paragraph_id=b, to_paragraph_id=a)]
    links.objects.bulk_create(rows)

    work.alignment = result.status
    work.mismatches = list(result.mismatches)
    work.metadata_differences = alignment.metadata_differences(
        {version.language: {name: getattr(version, name) for name in alignment.WORK_FACTS} for version in versions}
    )
    work.aligned_at = timezone.now()
    fields = ["alignment", "mismatches", "metadata_differences", "aligned_at"]
    work.save(update_fields=fields)
    for name in fields:  # the caller's copy (resolution.work) says the same
        setattr(given, name, getattr(work, name))
    if languages_changed:
        # Held in both languages now, or no longer: every version's index documents say so (search "versions").
        for version in versions:
            schedule_reindex(version.pk)
    return work


LANGUAGE_ORDER = {language: index for index, language in enumerate(Language.values)}


def _keep_source(resolution: Resolution, *, source: bytes, filename: str, checksum: str, user: Any) -> SourceFile:
    kept = SourceFile.objects.filter(sha256=checksum).first()
    if kept is None:
        name = PurePath(filename).name or "source"
        kept = SourceFile(filename=name, sha256=checksum, size=len(source), uploaded_by=user)
        kept.file.save(f"{checksum[:16]}-{name}", ContentFile(source), save=False)
    kept.resolution = resolution
    kept.save()
    return kept


@transaction.atomic
def delete_resolution(resolution: Resolution, *, user: Any = None) -> None:
    """Remove a resolution; references to it fall back to the UN document system (or another language held)."""
    symbol, language, pk, work = resolution.symbol, resolution.language, resolution.pk, resolution.work
    citing = list(Reference.objects.filter(target=resolution).values_list("pk", flat=True))
    SourceFile.objects.filter(resolution=resolution).update(resolution=None)
    resolution.delete()
    align_versions(work)
    other = Resolution.objects.filter(symbol=symbol).exclude(language=language).first()
    if other is not None:
        Reference.objects.filter(pk__in=citing).update(target=other)
    schedule_reindex(pk)
    refresh_series(symbol)
    logger.info("deleted %s (%s)%s", symbol, language, f" by {user}" if user else "")


@transaction.atomic
def record_edit(resolution: Resolution, *, user: Any = None, reason: str = "", before: dict | None = None) -> None:
    """After a curator's edit: keep the earlier text as a revision, re-derive eids, relink and reindex."""
    if before is not None and before != snapshot(resolution):
        Revision.objects.create(resolution=resolution, created_by=user, reason=reason or "edited", snapshot=before)
    for paragraph in resolution.paragraphs.all():
        eid = element_id(paragraph.kind, paragraph.number, paragraph.item)
        if eid != paragraph.eid:
            paragraph.eid = eid
            paragraph.save(update_fields=["eid"])
    link_references(resolution)
    align_versions(resolution.work)
    if resolution.moved_from_work_id is not None:  # its symbol was edited: the work it left changed too
        align_versions(Work.objects.filter(pk=resolution.moved_from_work_id).first())
    refresh_series(resolution.symbol)  # first: the index carries the series lineage ("new this year")
    schedule_reindex(resolution.pk)




def snapshot(resolution: Resolution) -> dict:
    """The resolution's metadata and text as plain data, for revisions and change detection."""
    return _text_snapshot(
        resolution, resolution.paragraphs.order_by("position"), resolution.footnotes.order_by("number")
    )


def _parsed_snapshot(parsed: ParsedResolution) -> dict:
    """The same shape as snapshot(), for a text not stored yet."""
    return _text_snapshot(parsed, parsed.paragraphs, sorted(parsed.footnotes, key=lambda f: f.number))


def _text_snapshot(source, paragraphs, footnotes) -> dict:
    # `source` is a Resolution or a ParsedResolution: both name these fields alike (kinds compare as strings).
    return {
        "symbol": source.symbol,
        "language": source.language,
        "title": source.title,
        "adopted_on": source.adopted_on.isoformat() if source.adopted_on else None,
        "meeting": source.meeting,
        "paragraphs": [
            {"eid": p.eid, "kind": str(p.kind), "number": p.number, "item": p.item, "text": p.text}
            for p in paragraphs
        ],
        "footnotes": [{"number": f.number, "text": f.text} for f in footnotes],
    }


def _paragraph_counts(resolution: Resolution) -> dict[str, int]:
    counts = {"preambular": 0, "operative": 0, "annex": 0}
    for kind in resolution.paragraphs.values_list("kind", flat=True):
        counts[kind] += 1
    return counts


__all__ = [
    "CREATED",
    "REPLACED",
    "UNCHANGED",
    "IngestResult",
    "ParseError",
    "align_versions",
    "delete_resolution",
    "ingest_resolution",
    "link_references",
    "parse_source",
    "record_edit",
    "snapshot",
]
