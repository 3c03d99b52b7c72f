"""The only code that writes resolutions: the ingest command, the admin and any API call these functions.

Every change leaves a Revision: the text as the change left it, who made it, when, and from where
(ingest, upload, fetch, edit, restore, import, delete). A curator's edit is never replaced silently:
ingesting a file that would undo one raises CuratorEditsError unless told to replace them.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import alignment, history, originals
from .anchoring import (
    StoredMarker,
    StoredReference,
    carry_markers,
    carry_references,
    locate,
)
from .models import (
    Alignment,
    ArticleCitation,
    Division,
    Footnote,
    FormerEid,
    Language,
    Origin,
    Paragraph,
    Reference,
    Resolution,
    Revision,
    SourceFile,
    Work,
)
from .parsing import Body as ParsedBody
from .parsing import (
    Deadline,
    DivisionKind,
    FootnoteMarker,
    Kind,
    ParsedDivision,
    ParsedFootnote,
    ParsedParagraph,
    ParsedResolution,
    ParseError,
    parse_resolution,
)
from .parsing.article_citations import cite_articles, instruments
from .parsing.document import element_id
from .parsing.instruments import former_addresses
from .parsing.references import find_references
from .parsing.sources import read_source
from .records import (
    METADATA,
    changes_between,
    content,
    describe_changes,
    record_from_parsed,
    record_of,
    same_text,
    successors,
)
from .search.service import schedule_reindex
from .series import refresh_series
from .text_writes import text_write

logger = logging.getLogger(__name__)

CREATED, REPLACED, UNCHANGED = "created", "replaced", "unchanged"
# Kept paragraphs are moved out of the way while a new order is written, so positions never collide.
POSITION_SHIFT = 1_000_000


class CuratorEditsError(Exception):
    """Storing this text would replace curators' edits; nothing was written."""

    def __init__(self, resolution: Resolution, edits: list[history.CuratorEdit]) -> None:
        self.resolution = resolution
        self.edits = edits
        listed = "; ".join(edit.describe() for edit in edits)
        super().__init__(f"{resolution.symbol} ({resolution.language}) has curator edits this file would replace: {listed}")


@dataclass(frozen=True)
class IngestResult:
    resolution: Resolution
    status: str  # CREATED, REPLACED or UNCHANGED
    warnings: tuple[str, ...] = ()
    replaced_edits: tuple[history.CuratorEdit, ...] = field(default=())

    def describe(self) -> str:
        """One line for a person: 'created A/RES/67/161 (zh): 10 preambular, 41 operative, 10 footnotes'."""
        counts = _paragraph_counts(self.resolution)
        parts = [f"{n} {kind}" for kind, n in counts.items() if n]
        footnotes = self.resolution.footnotes.count()
        parts.append(f"{footnotes} footnote{'s' if footnotes != 1 else ''}")
        line = f"{self.status} {self.resolution.symbol} ({self.resolution.language}): {', '.join(parts)}"
        if self.replaced_edits:
            line += "; replaced curator edits: " + "; ".join(edit.describe() for edit in self.replaced_edits)
        return line


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_source(*, source: bytes, filename: str) -> ParsedResolution:
    """Turn an uploaded file into a parsed resolution without writing anything; raises ParseError (ParseTimeout
    when reading and parsing together take longer than settings.PDF_TIME_LIMIT_SECONDS)."""
    deadline = Deadline.after(settings.PDF_TIME_LIMIT_SECONDS)
    text = read_source(source, filename, time_limit=settings.PDF_TIME_LIMIT_SECONDS)
    return parse_resolution(text, source_name=PurePath(filename).name, deadline=deadline)


# --- Ingest ------------------------------------------------------------------------------------------


def ingest_resolution(
    *,
    source: bytes,
    filename: str,
    uploaded_by: Any = None,
    parsed: ParsedResolution | None = None,
    origin: str = Origin.INGEST,
    replace_edits: bool = False,
) -> IngestResult:
    """Parse `source` and store it, replacing any earlier text of the same resolution in place.

    Permanent links survive a replacement: the resolution row and every paragraph whose eid still exists keep
    their identity, and an eid the new text no longer has redirects to the paragraph now holding its words.
    `origin` says where the file came from (ingest, upload, fetch, import). Raises ParseError when the file
    cannot be read, CuratorEditsError when the text would replace curators' edits and not `replace_edits`.
    """
    if parsed is None:
        parsed = parse_source(source=source, filename=filename)
    checksum = sha256_of(source)
    arguments = dict(source=source, filename=filename, checksum=checksum, user=uploaded_by, origin=origin, replace_edits=replace_edits)
    try:
        return _store(parsed, **arguments)
    except IntegrityError:
        # Another process created the same resolution between our read and our write: replace theirs.
        logger.info("retrying ingest of %s after a concurrent insert", parsed.symbol)
        return _store(parsed, **arguments)


@text_write
def _store(
    parsed: ParsedResolution, *, source: bytes, filename: str, checksum: str, user: Any, origin: str, replace_edits: bool
) -> IngestResult:
    incoming = record_from_parsed(parsed, filename=filename, checksum=checksum)
    resolution = (
        Resolution.objects.select_for_update().filter(symbol=parsed.symbol, language=parsed.language).first()
    )
    before = record_of(resolution) if resolution is not None else None
    replaced: list[history.CuratorEdit] = []
    if resolution is not None:
        if same_text(before, incoming):
            if resolution.source_sha256 != checksum:
                # Another file with the very same text (the official PDF of a text held from a .txt): kept as an
                # original and named as the text's source; the text and its history are untouched.
                _keep_source(resolution, source=source, filename=filename, checksum=checksum, user=user, origin=origin)
                resolution.source_filename, resolution.source_sha256 = PurePath(filename).name[:255], checksum
                resolution.parse_warnings = list(parsed.warnings)
                resolution.save(update_fields=["source_filename", "source_sha256", "parse_warnings"])
            return IngestResult(resolution, UNCHANGED, parsed.warnings)
        replaced = history.edits_replaced(resolution, current=before, incoming=incoming)
        if replaced and not replace_edits:
            raise CuratorEditsError(resolution, replaced)

    status = CREATED if resolution is None else REPLACED
    if resolution is None:
        resolution = Resolution(symbol=parsed.symbol, language=parsed.language)
    _copy_metadata(incoming, resolution)
    resolution.save()
    if status == CREATED:
        _reattach_history(resolution)
    rows = _write_text(resolution, incoming)
    if before is not None:
        moves = {old: rows[new] for old, new in successors(before, incoming).items()}
        # A new reading of an annex renames its blocks (annex1 -> annex_1/art_5/para_2, the Declaration's op5 ->
        # art_5/para_1): the old addresses lead to the words they showed.
        leaving = [(p["eid"], p["text"]) for p in before["paragraphs"] if p["eid"] not in rows]
        for old, new in former_addresses(leaving, parsed.paragraphs).items():
            moves.setdefault(old, rows[new])
        carry_addresses(resolution, moves)
    link_references(resolution)
    kept = _keep_source(resolution, source=source, filename=filename, checksum=checksum, user=user, origin=origin)
    name = PurePath(filename).name
    reason = f"{status} from {name}"
    if replaced:
        reason += "; replaced curator edits: " + ", ".join(edit.part for edit in replaced)
    _add_revision(resolution, origin=origin, user=user, reason=reason, before=before)
    _journal_on_commit(kept, resolution, filename=name, user=user, origin=origin)
    _after_change(resolution)
    return IngestResult(resolution, status, parsed.warnings, tuple(replaced))


def _after_change(resolution: Resolution) -> None:
    """What every change to a resolution's text sets off: its article citations found again and linked, its
    versions paired again, the index, its series."""
    _store_article_citations(resolution, _stored_as_parsed(resolution))
    link_article_citations(resolution)
    align_versions(resolution.work)
    if resolution.moved_from_work_id is not None:  # its symbol was edited: the work it left changed too
        align_versions(Work.objects.filter(pk=resolution.moved_from_work_id).first())
    refresh_series(resolution.symbol)  # first: the index carries the series lineage ("new this year")
    schedule_reindex(resolution.pk)


def _copy_metadata(record: dict, resolution: Resolution) -> None:
    """Metadata from a record onto the row; a field an old revision did not keep is left as it is."""
    for name in METADATA:
        if name not in record:
            continue
        value = record[name]
        if name == "adopted_on" and value:
            value = date.fromisoformat(value)
        elif value is None and name in _TEXT_FIELDS:
            value = ""
        setattr(resolution, name, value)
    source = record.get("source")
    if source:
        resolution.source_filename = source.get("filename", resolution.source_filename)
        resolution.source_sha256 = source.get("sha256", resolution.source_sha256)
        resolution.parse_warnings = list(source.get("warnings", resolution.parse_warnings))


_TEXT_FIELDS = {
    "body", "session", "number", "title", "opening", "meeting", "adoption", "agenda_item", "committee_report", "job_number",
}


def _reattach_history(resolution: Resolution) -> None:
    """A resolution deleted earlier and now stored again continues its own history."""
    Revision.objects.filter(resolution=None, symbol=resolution.symbol, language=resolution.language).update(
        resolution=resolution
    )


def _write_text(resolution: Resolution, record: dict, *, by_id: bool = False) -> dict[str, Paragraph]:
    """Make the resolution's paragraphs, footnotes and references those of `record`; returns eid -> row.

    Rows keep their identity: by the record's ids when `by_id` (a restore), else by eid. A paragraph the
    record has and the resolution lacks is created (with its old id again when restoring and free).
    """
    existing = list(resolution.paragraphs.all())
    by_pk = {p.pk: p for p in existing}
    by_eid = {p.eid: p for p in existing}
    claimed: dict[int, Paragraph] = {}  # index in record -> row
    taken: set[int] = set()
    entries = record["paragraphs"]
    if by_id:
        for index, entry in enumerate(entries):
            row = by_pk.get(entry.get("id"))
            if row is not None and row.pk not in taken:
                claimed[index] = row
                taken.add(row.pk)
    for index, entry in enumerate(entries):
        row = by_eid.get(entry["eid"])
        if index not in claimed and row is not None and row.pk not in taken:
            claimed[index] = row
            taken.add(row.pk)
    resolution.paragraphs.exclude(pk__in=taken).delete()
    if taken:
        resolution.paragraphs.filter(pk__in=taken).update(position=F("position") + POSITION_SHIFT)
        for row in claimed.values():
            row.position += POSITION_SHIFT
        renamed = [row for index, row in claimed.items() if row.eid != entries[index]["eid"]]
        for row in renamed:  # through a free name first: two paragraphs may swap numbers
            Paragraph.objects.filter(pk=row.pk).update(eid=f"~{row.pk}")
    # A revision kept before annexes were read as structures has no divisions: the paragraphs keep theirs.
    structured = "divisions" in record
    divisions = _write_divisions(resolution, record["divisions"]) if structured else {}
    rows: dict[str, Paragraph] = {}
    updated, created = [], []
    for position, (index, entry) in enumerate(enumerate(entries), start=1):
        row = claimed.get(index)
        if row is None:
            row = Paragraph(resolution=resolution)
            wanted = entry.get("id") if by_id else None
            if wanted is not None and not Paragraph.objects.filter(pk=wanted).exists():
                row.pk = wanted  # a restored paragraph gets its id back: the same search document, the same history
            created.append(row)
        else:
            updated.append(row)
        row.eid, row.kind, row.position = entry["eid"], entry["kind"], position
        row.number, row.item, row.text = entry["number"], entry.get("item", ""), entry["text"]
        if structured:
            row.division, row.num = divisions.get(entry.get("division")), entry.get("num", "")
        rows[row.eid] = row
    if updated:
        fields = ["eid", "kind", "position", "number", "item", "text"] + (["division", "num"] if structured else [])
        Paragraph.objects.bulk_update(updated, fields, batch_size=500)
    for row in created:
        row.save(force_insert=True)
    _write_footnotes(resolution, record, rows, by_id=by_id)
    return rows


def _write_footnotes(resolution: Resolution, record: dict, rows: dict[str, Paragraph], *, by_id: bool) -> None:
    Reference.objects.filter(paragraph__resolution=resolution).delete()
    existing = {f.number: f for f in resolution.footnotes.all()}
    wanted = {f["number"]: f for f in record.get("footnotes", [])}
    resolution.footnotes.exclude(number__in=list(wanted)).delete()
    notes: dict[int, Footnote] = {}
    for number, entry in wanted.items():
        note = existing.get(number) or Footnote(resolution=resolution, number=number)
        if note.pk is None and by_id and entry.get("id") and not Footnote.objects.filter(pk=entry["id"]).exists():
            note.pk = entry["id"]
        note.text = entry["text"]
        if "paragraph" in entry:  # old revisions did not say where a footnote was cited: leave it where it is
            note.paragraph = rows.get(entry["paragraph"]) if entry["paragraph"] else None
            note.offset = entry.get("offset") if note.paragraph is not None else None
            note.review_note = entry.get("review_note", "")
        elif note.paragraph_id is not None and note.paragraph_id not in {p.pk for p in rows.values()}:
            note.paragraph, note.offset = None, None
        note.save(force_insert=note._state.adding)
        notes[number] = note
    references = record.get("references")
    if references is None:
        references = _references_found_again(resolution, record, notes)
    Reference.objects.bulk_create(
        [
            Reference(
                paragraph=rows[ref["paragraph"]],
                footnote=notes.get(ref["footnote"]) if ref.get("footnote") is not None else None,
                target_symbol=ref["symbol"],
                target_paragraphs=list(ref.get("paragraphs", [])),
                is_resolution=ref.get("is_resolution", True),
                start=ref.get("start", 0),
                end=ref.get("end", 0),
                review_note=ref.get("review_note", ""),
            )
            for ref in references
            if ref["paragraph"] in rows
        ]
    )


def _references_found_again(resolution: Resolution, record: dict, notes: dict[int, Footnote]) -> list[dict]:
    """For a revision kept before references were recorded: the parser's patterns over its texts."""
    body, found = ParsedBody(resolution.body), []
    for entry in record["paragraphs"]:
        for ref in find_references(entry["text"], document_body=body, language=resolution.language):
            found.append({"paragraph": entry["eid"], "footnote": None, "symbol": ref.symbol, "paragraphs": list(ref.paragraphs),
                          "is_resolution": ref.is_resolution, "start": ref.start, "end": ref.end})
    for note in notes.values():
        if note.paragraph is None:
            continue
        for ref in find_references(note.text, document_body=body, language=resolution.language):
            found.append({"paragraph": note.paragraph.eid, "footnote": note.number, "symbol": ref.symbol,
                          "paragraphs": list(ref.paragraphs), "is_resolution": ref.is_resolution, "start": ref.start, "end": ref.end})
    return found


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


def _keep_source(
    resolution: Resolution, *, source: bytes, filename: str, checksum: str, user: Any, origin: str
) -> SourceFile:
    kept = SourceFile.objects.filter(sha256=checksum).first()
    if kept is None:
        uploaded_at = timezone.now()
        kept = SourceFile(
            filename=PurePath(filename).name[:255] or "source", sha256=checksum, size=len(source), uploaded_by=user,
            uploaded_at=uploaded_at, origin=origin,
        )
        kept.file.save(
            originals.stored_name(filename=filename, sha256=checksum, uploaded_at=uploaded_at), ContentFile(source), save=False
        )
    kept.resolution = resolution
    kept.save()
    return kept


def _journal_on_commit(kept: SourceFile, resolution: Resolution, *, filename: str, user: Any, origin: str) -> None:
    entry = {
        "at": timezone.now().isoformat(),
        "file": kept.file.name,
        "sha256": kept.sha256,
        "filename": filename,
        "symbol": resolution.symbol,
        "language": resolution.language,
        "origin": str(origin),
        "user": getattr(user, "username", "") or "",
    }

    def write() -> None:
        try:
            originals.append_journal(entry)
        except OSError:  # the journal helps a recovery; the stored text never depends on it
            logger.exception("could not append to the originals journal")

    transaction.on_commit(write, robust=True)


def _add_revision(
    resolution: Resolution, *, origin: str, user: Any, reason: str, before: dict | None, after: dict | None = None
) -> Revision:
    after = after if after is not None else record_of(resolution)
    return Revision.objects.create(
        resolution=resolution,
        symbol=resolution.symbol,
        language=resolution.language,
        created_by=user if getattr(user, "pk", None) else None,
        origin=origin,
        reason=reason[:255],
        snapshot=after,
        changes=changes_between(before, after),
    )


# --- Addresses ----------------------------------------------------------------------------------------


def carry_addresses(resolution: Resolution, moves: Mapping[str, Paragraph | None]) -> int:
    """Keep old permanent links alive: each old eid in `moves` redirects (301) to its paragraph.

    `moves` maps an eid the resolution had to the paragraph now holding its words (None: the words are
    gone, the address answers 410 with the last text). An eid a paragraph holds now is that paragraph's
    address and gets no redirect. Used by ingest, record_edit, restore, split and merge; other services
    renaming eids call it too. Returns the redirects written.
    """
    live = set(resolution.paragraphs.values_list("eid", flat=True))
    written = 0
    for old, paragraph in moves.items():
        if old in live:
            continue
        if paragraph is None:
            FormerEid.objects.filter(resolution=resolution, eid=old).delete()
            continue
        FormerEid.objects.update_or_create(resolution=resolution, eid=old, defaults={"paragraph": paragraph})
        written += 1
    FormerEid.objects.filter(resolution=resolution, eid__in=live).delete()
    return written


# --- Edits ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placements:
    """Where a curator put footnote markers and cited words by hand: footnote/reference pk -> the words."""

    markers: Mapping[int, str] = field(default_factory=dict)  # the marker follows these words
    references: Mapping[int, str] = field(default_factory=dict)  # these words are the citation
    unlink: Iterable[int] = ()  # references to drop
    add: Iterable[tuple[int, str, str]] = ()  # (paragraph pk, cited symbol, the words citing it): new references


class PlacementError(ValueError):
    """Words a curator named are not in the text."""


@text_write
def record_edit(
    resolution: Resolution,
    *,
    user: Any = None,
    reason: str = "",
    before: dict | None = None,
    origin: str = Origin.EDIT,
    placements: Placements | None = None,
    carried: Iterable[int] = (),
) -> Revision | None:
    """After a curator's edit: eids follow numbers (old links redirect), links and markers follow their words.

    `before` is record_of(resolution) taken before the edit. Keeps the text the edit left as a revision,
    relinks and reindexes. Returns the revision, or None when nothing changed.
    """
    if before is None:
        latest = resolution.revisions.order_by("-created_at", "-pk").first()
        before = latest.snapshot if latest is not None else None
    carry_addresses(resolution, _follow_numbers(resolution, before))
    _reanchor(resolution, before, carried)
    if placements is not None:
        _place(resolution, placements)
    link_references(resolution)
    after = record_of(resolution)
    revision = None
    if before is None or not same_text(before, after):
        changes = changes_between(before, after)
        revision = _add_revision(
            resolution, origin=origin, user=user, reason=reason or "edited: " + describe_changes(changes),
            before=before, after=after,
        )
    _after_change(resolution)
    return revision


def _follow_numbers(resolution: Resolution, before: dict | None) -> dict[str, Paragraph]:
    """Rename the paragraphs whose kind, number or item an edit changed; returns old eid -> paragraph."""
    was = {p["id"]: p for p in (before or {}).get("paragraphs", []) if p.get("id") is not None}
    rows = list(resolution.paragraphs.all())
    places = unnumbered_places(rows)
    changing = []
    for row in rows:
        old = was.get(row.pk)
        numbered = old is None or (old["kind"], old["number"], old.get("item", "")) != (row.kind, row.number, row.item)
        if numbered and paragraph_eid(row, place=places.get(row.pk)) != row.eid:
            changing.append(row)
    for row in changing:
        Paragraph.objects.filter(pk=row.pk).update(eid=f"~{row.pk}")
    moves = {}
    for row in changing:
        old_eid, row.eid = row.eid, paragraph_eid(row, place=places.get(row.pk))
        row.save(update_fields=["eid"])
        moves[old_eid] = row
    return moves


def _reanchor(resolution: Resolution, before: dict | None, carried: Iterable[int] = ()) -> None:
    """Carry references and footnote markers of every paragraph and footnote whose text an edit changed.

    Paragraphs in `carried` (pks) had theirs placed by the caller (a split or merge moves them by offset).
    """
    body, language = ParsedBody(resolution.body), resolution.language
    skip = set(carried)
    old_paragraphs = {p["id"]: p for p in (before or {}).get("paragraphs", []) if p.get("id") is not None}
    old_ids = {p["eid"]: p.get("id") for p in (before or {}).get("paragraphs", [])}
    old_notes = {f["id"]: f for f in (before or {}).get("footnotes", []) if f.get("id") is not None}
    for paragraph in resolution.paragraphs.all():
        old = old_paragraphs.get(paragraph.pk)
        if paragraph.pk in skip or (old is not None and old["text"] == paragraph.text):
            continue
        _carry_paragraph(paragraph, old["text"] if old is not None else "", body, language)
    for note in resolution.footnotes.select_related("paragraph"):
        old = old_notes.get(note.pk)
        if old is None or note.paragraph is None:
            continue
        if "paragraph" in old and old_ids.get(old["paragraph"]) != note.paragraph_id and note.offset is not None:
            # Moved to another paragraph by hand: the archive cannot know after which words.
            note.offset, note.review_note = None, f"moved to {note.paragraph.eid}: say after which words its marker goes"
            note.save(update_fields=["offset", "review_note"])
        if old["text"] != note.text:
            stored = [
                StoredReference(r.pk, r.target_symbol, r.start, r.end, tuple(r.target_paragraphs), r.is_resolution, not r.review_note, r.review_note)
                for r in note.references.all()
            ]
            found = find_references(note.text, document_body=body, language=language)
            _apply_references(note.paragraph, carry_references(old["text"], note.text, stored, found), footnote=note)


def _carry_paragraph(paragraph: Paragraph, old_text: str, body: ParsedBody, language: str) -> None:
    references = list(paragraph.references.filter(footnote=None))
    stored = [
        StoredReference(r.pk, r.target_symbol, r.start, r.end, tuple(r.target_paragraphs), r.is_resolution, not r.review_note, r.review_note)
        for r in references
    ]
    found = find_references(paragraph.text, document_body=body, language=language)
    _apply_references(paragraph, carry_references(old_text, paragraph.text, stored, found))
    notes = [f for f in paragraph.footnotes.all() if not f.review_note]
    for carried in carry_markers(old_text, paragraph.text, [StoredMarker(f.pk, f.number, f.offset) for f in notes]):
        Footnote.objects.filter(pk=carried.key).update(offset=carried.offset, review_note=carried.note[:255])


def _apply_references(paragraph: Paragraph, carried, *, footnote: Footnote | None = None) -> None:
    for ref in carried:
        values = dict(
            target_symbol=ref.symbol, target_paragraphs=list(ref.paragraphs), is_resolution=ref.is_resolution,
            start=ref.start, end=ref.end, review_note=ref.note[:255],
        )
        if ref.key is None:
            Reference.objects.create(paragraph=paragraph, footnote=footnote, **values)
        else:
            Reference.objects.filter(pk=ref.key).update(**values)


def _place(resolution: Resolution, placements: Placements) -> None:
    """Put markers and citations where a curator said; raises PlacementError when the words are not there."""
    for pk, words in placements.markers.items():
        note = Footnote.objects.select_related("paragraph").get(pk=pk, resolution=resolution)
        if note.paragraph is None:
            raise PlacementError(f"footnote {note.number} is not cited in a paragraph")
        start = locate(note.paragraph.text, words, note.offset or 0)
        if start is None:
            raise PlacementError(f"«{words}» is not in the text of {note.paragraph.eid}")
        note.offset, note.review_note = start + len(words), ""
        note.save(update_fields=["offset", "review_note"])
    unlink = set(placements.unlink)
    Reference.objects.filter(pk__in=unlink, paragraph__resolution=resolution).delete()
    for pk, words in placements.references.items():
        if pk in unlink:
            continue
        reference = Reference.objects.select_related("paragraph", "footnote").get(pk=pk, paragraph__resolution=resolution)
        text = reference.footnote.text if reference.footnote is not None else reference.paragraph.text
        start = locate(text, words, reference.start)
        if start is None:
            raise PlacementError(f"«{words}» is not in the text of {reference.paragraph.eid}")
        reference.start, reference.end, reference.review_note = start, start + len(words), ""
        reference.save(update_fields=["start", "end", "review_note"])
    for paragraph_pk, symbol, words in placements.add:
        paragraph = resolution.paragraphs.get(pk=paragraph_pk)
        start = locate(paragraph.text, words, 0)
        if start is None:
            raise PlacementError(f"«{words}» is not in the text of {paragraph.eid}")
        Reference.objects.create(
            paragraph=paragraph, target_symbol=symbol, is_resolution="/RES/" in symbol, start=start, end=start + len(words)
        )


# --- Delete and restore ---------------------------------------------------------------------------------


@text_write
def delete_resolution(resolution: Resolution, *, user: Any = None) -> Revision:
    """Withdraw a resolution: its last text stays as a revision (its links answer 410 until it is restored).

    References to it fall back to the UN document system, or to another language held.
    """
    symbol, language, pk, work = resolution.symbol, resolution.language, resolution.pk, resolution.work
    last = record_of(resolution)
    last["source"]["files"] = list(resolution.sources.values_list("sha256", flat=True))
    tombstone = Revision.objects.create(
        resolution=resolution, symbol=symbol, language=language, created_by=user if getattr(user, "pk", None) else None,
        origin=Origin.DELETE, reason="deleted", snapshot=last, changes={"deleted": True},
    )
    citing = list(Reference.objects.filter(target=resolution).values_list("pk", flat=True))
    SourceFile.objects.filter(resolution=resolution).update(resolution=None)
    resolution.delete()  # its revisions stay, detached (resolution = NULL)
    align_versions(work)
    other = Resolution.objects.filter(symbol=symbol).exclude(language=language).first()
    if other is not None:
        Reference.objects.filter(pk__in=citing).update(target=other)
        link_article_citations(other)  # citations of its articles fall back to the other language
    schedule_reindex(pk)
    refresh_series(symbol)
    logger.info("deleted %s (%s)%s", symbol, language, f" by {user}" if user else "")
    tombstone.refresh_from_db()
    return tombstone


class RestoreError(ValueError):
    """A restore that would collide with the current text; nothing was written."""


@text_write
def restore_revision(revision: Revision, *, user: Any = None) -> Resolution:
    """Make the resolution's text the one `revision` kept, as a new revision; brings back a deleted resolution.

    Paragraphs keep their identity (and so their links), paragraphs deleted since come back with their
    addresses, footnotes and references, and eids the restored text no longer has redirect to its words.
    """
    record = revision.snapshot
    resolution = revision.resolution or Resolution.objects.filter(symbol=revision.symbol, language=revision.language).first()
    created = resolution is None
    if created:
        resolution = Resolution(symbol=revision.symbol, language=revision.language)
        before = None
    else:
        resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
        before = record_of(resolution)
    _copy_metadata(record, resolution)
    resolution.save()
    if created:
        _reattach_history(resolution)
        shas = record.get("source", {}).get("files") or [record.get("source", {}).get("sha256")]
        SourceFile.objects.filter(resolution=None, sha256__in=[s for s in shas if s]).update(resolution=resolution)
    rows = _write_text(resolution, record, by_id=True)
    moves = {old: rows.get(eid) for old, eid in record.get("former_eids", {}).items() if eid in rows}
    if before is not None:
        moves.update({old: rows[new] for old, new in successors(before, record).items() if old not in moves})
    carry_addresses(resolution, moves)
    link_references(resolution)
    when = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    what = "the last text before it was deleted" if revision.origin == Origin.DELETE else f"the text of {when}"
    _add_revision(
        resolution, origin=Origin.RESTORE, user=user, reason=f"restored {what} (revision {revision.pk})", before=before
    )
    _after_change(resolution)
    return resolution


@text_write
def restore_paragraph(resolution: Resolution, revision: Revision, eid: str, *, user: Any = None) -> Paragraph:
    """Bring one paragraph back as `revision` kept it: its text, number, footnote markers and references.

    A paragraph deleted since is put back after the paragraph that preceded it then, with its id and its
    former addresses. Raises RestoreError when its eid now belongs to another paragraph.
    """
    record = revision.snapshot
    entry = next((p for p in record["paragraphs"] if p["eid"] == eid), None)
    if entry is None:
        raise RestoreError(f"revision {revision.pk} has no paragraph {eid}")
    before = record_of(resolution)
    row = None
    if entry.get("id") is not None:
        row = resolution.paragraphs.filter(pk=entry["id"]).first()
    if row is None:
        row = resolution.paragraphs.filter(eid=eid).first()
    holder = resolution.paragraphs.filter(eid=eid).exclude(pk=getattr(row, "pk", None)).first()
    if holder is not None:
        raise RestoreError(f"{eid} is now the address of another paragraph; renumber it first or restore the whole text")
    if row is None:
        row = _insert_paragraph(resolution, record, entry)
    else:
        old_eid = row.eid
        row.kind, row.number, row.item, row.text, row.eid = entry["kind"], entry["number"], entry.get("item", ""), entry["text"], eid
        row.save()
        if old_eid != eid:
            carry_addresses(resolution, {old_eid: row})
    carry_addresses(resolution, {old: row for old, new in record.get("former_eids", {}).items() if new == eid})
    _restore_paragraph_links(resolution, row, record, eid)
    link_references(resolution)
    when = timezone.localtime(revision.created_at).strftime("%Y-%m-%d %H:%M")
    _add_revision(
        resolution, origin=Origin.RESTORE, user=user, reason=f"restored {eid} as of {when} (revision {revision.pk})",
        before=before,
    )
    _after_change(resolution)
    return row


def _insert_paragraph(resolution: Resolution, record: dict, entry: dict) -> Paragraph:
    """Create `entry` after the nearest paragraph that preceded it in `record` and still exists."""
    index = record["paragraphs"].index(entry)
    current = {p.eid: p for p in resolution.paragraphs.all()}
    ids = {p.pk: p for p in current.values()}
    after = None
    for earlier in reversed(record["paragraphs"][:index]):
        after = ids.get(earlier.get("id")) or current.get(earlier["eid"])
        if after is not None:
            break
    position = after.position + 1 if after is not None else 1
    following = resolution.paragraphs.filter(position__gte=position)
    following.update(position=F("position") + POSITION_SHIFT)
    resolution.paragraphs.filter(position__gte=POSITION_SHIFT).update(position=F("position") - POSITION_SHIFT + 1)
    row = Paragraph(
        resolution=resolution, eid=entry["eid"], kind=entry["kind"], number=entry["number"], item=entry.get("item", ""),
        text=entry["text"], position=position,
    )
    if entry.get("id") is not None and not Paragraph.objects.filter(pk=entry["id"]).exists():
        row.pk = entry["id"]
    row.save(force_insert=True)
    return row


def _restore_paragraph_links(resolution: Resolution, row: Paragraph, record: dict, eid: str) -> None:
    """The paragraph's references and footnotes as `record` had them."""
    Reference.objects.filter(paragraph=row).delete()
    notes = {}
    for entry in record.get("footnotes", []):
        if entry.get("paragraph") != eid:
            continue
        note = resolution.footnotes.filter(number=entry["number"]).first() or Footnote(resolution=resolution, number=entry["number"])
        note.paragraph, note.offset, note.text = row, entry.get("offset"), entry["text"]
        note.review_note = entry.get("review_note", "")
        note.save()
        notes[note.number] = note
    references = record.get("references")
    if references is None:  # an old revision: find them again
        body = ParsedBody(resolution.body)
        references = [
            {"paragraph": eid, "footnote": None, "symbol": ref.symbol, "paragraphs": list(ref.paragraphs),
             "is_resolution": ref.is_resolution, "start": ref.start, "end": ref.end}
            for ref in find_references(row.text, document_body=body, language=resolution.language)
        ]
    for ref in references:
        if ref["paragraph"] != eid:
            continue
        footnote = notes.get(ref.get("footnote")) if ref.get("footnote") is not None else None
        if ref.get("footnote") is not None and footnote is None:
            continue
        Reference.objects.create(
            paragraph=row, footnote=footnote, target_symbol=ref["symbol"], target_paragraphs=list(ref.get("paragraphs", [])),
            is_resolution=ref.get("is_resolution", True), start=ref.get("start", 0), end=ref.get("end", 0),
            review_note=ref.get("review_note", ""),
        )


# --- Split, merge, reorder ------------------------------------------------------------------------------


class StructureError(ValueError):
    """A split, merge or move that cannot be done as asked; nothing was written."""


@text_write
def split_paragraph(
    paragraph: Paragraph,
    *,
    at: int,
    kind: str,
    number: int,
    item: str = "",
    renumber_following: bool = False,
    user: Any = None,
) -> Paragraph:
    """Cut `paragraph` before character `at`; the rest becomes a new paragraph right after it.

    Its footnote markers and references go with the words they sit on. With `renumber_following`, the
    paragraphs of the same kind after it move up by one (their old addresses redirect).
    """
    resolution = paragraph.resolution
    text = paragraph.text
    head, tail = text[:at].rstrip(), text[at:].lstrip()
    if not head or not tail:
        raise StructureError("Both paragraphs need some text: choose words inside the paragraph.")
    cut = len(text[:at].rstrip())
    skip = at + (len(text[at:]) - len(tail))  # where the tail starts in the old text
    references = list(paragraph.references.filter(footnote=None))
    if any(r.start < at < r.end for r in references if not r.review_note):
        raise StructureError("The split would cut a citation in two: choose words outside it.")
    before = record_of(resolution)
    following = resolution.paragraphs.filter(position__gt=paragraph.position)
    if renumber_following:
        same_kind = following.filter(kind=kind, number__gte=number)
        if paragraph.division_id is not None:  # an article's paragraphs are numbered within the article
            same_kind = same_kind.filter(division_id=paragraph.division_id)
        for row in same_kind.order_by("-number", "-position"):
            row.number += 1
            row.save(update_fields=["number"])
    moves = _follow_numbers(resolution, before)  # frees the new paragraph's eid
    # The second part stays in the first one's article (or annex): its address is the article's, with its number.
    second = Paragraph(
        resolution=resolution, kind=kind, number=number, item=item, text=tail, division=paragraph.division,
        eid=paragraph.eid if paragraph.division_id is not None else "",
    )
    new_eid = paragraph_eid(second)
    if resolution.paragraphs.filter(eid=new_eid).exists():
        raise StructureError(f"{new_eid} already exists; choose another number or renumber the following paragraphs.")
    following.update(position=F("position") + POSITION_SHIFT)
    resolution.paragraphs.filter(position__gte=POSITION_SHIFT).update(position=F("position") - POSITION_SHIFT + 1)
    second.eid, second.position = new_eid, paragraph.position + 1
    second.save()
    carry_addresses(resolution, moves)
    paragraph.text = head
    paragraph.save(update_fields=["text"])
    for reference in references:
        if reference.review_note:
            continue
        if reference.start >= skip:
            reference.paragraph, reference.start, reference.end = second, reference.start - skip, reference.end - skip
            reference.save()
    for note in paragraph.footnotes.all():
        if note.offset is not None and note.offset > cut:
            note.paragraph, note.offset = second, max(0, note.offset - skip)
            note.save(update_fields=["paragraph", "offset"])
            Reference.objects.filter(footnote=note).update(paragraph=second)
    reason = f"split {paragraph.eid} into {paragraph.eid} and {second.eid}"
    record_edit(resolution, user=user, reason=reason, before=before, carried={paragraph.pk, second.pk})
    second.refresh_from_db()
    return second


@text_write
def merge_paragraphs(paragraph: Paragraph, *, renumber_following: bool = False, user: Any = None) -> Paragraph:
    """Join the paragraph after `paragraph` onto it; its address redirects to the merged paragraph."""
    resolution = paragraph.resolution
    nxt = resolution.paragraphs.filter(position__gt=paragraph.position).order_by("position").first()
    if nxt is None:
        raise StructureError(f"{paragraph.eid} is the last paragraph: there is nothing to merge into it.")
    before = record_of(resolution)
    joiner = "" if resolution.language == "zh" else " "
    shift = len(paragraph.text) + len(joiner)
    Reference.objects.filter(paragraph=nxt, footnote=None).update(
        paragraph=paragraph, start=F("start") + shift, end=F("end") + shift
    )
    Reference.objects.filter(paragraph=nxt).update(paragraph=paragraph)
    nxt.footnotes.filter(offset__isnull=False).update(paragraph=paragraph, offset=F("offset") + shift)
    nxt.footnotes.update(paragraph=paragraph)
    paragraph.text = paragraph.text + joiner + nxt.text
    paragraph.save(update_fields=["text"])
    gone_eid, kind, number, division_id = nxt.eid, nxt.kind, nxt.number, nxt.division_id
    FormerEid.objects.filter(paragraph=nxt).update(paragraph=paragraph)
    nxt.delete()
    carry_addresses(resolution, {gone_eid: paragraph})
    same_numbering = resolution.paragraphs.filter(kind=kind)
    if division_id is not None:  # an article's paragraphs are numbered within the article
        same_numbering = same_numbering.filter(division_id=division_id)
    # Only a number no paragraph holds any more is closed up: joining op8(a) onto op8, or op9 onto op8(k) while
    # op9(a) stays, leaves op9 and op10 numbered as they are.
    if renumber_following and not same_numbering.filter(number=number).exists():
        for row in same_numbering.filter(number__gt=number).order_by("number", "position"):
            row.number -= 1
            row.save(update_fields=["number"])
    record_edit(resolution, user=user, reason=f"merged {gone_eid} into {paragraph.eid}", before=before, carried={paragraph.pk})
    paragraph.refresh_from_db()
    return paragraph


@text_write
def move_paragraph(paragraph: Paragraph, *, up: bool, user: Any = None) -> Paragraph:
    """Swap `paragraph` with the one before (up) or after it. Numbers and permanent links stay as they are."""
    resolution = paragraph.resolution
    neighbours = resolution.paragraphs.filter(position__lt=paragraph.position).order_by("-position") if up else (
        resolution.paragraphs.filter(position__gt=paragraph.position).order_by("position")
    )
    other = neighbours.first()
    if other is None:
        raise StructureError(f"{paragraph.eid} is already the {'first' if up else 'last'} paragraph.")
    before = record_of(resolution)
    mine, theirs = paragraph.position, other.position
    Paragraph.objects.filter(pk=paragraph.pk).update(position=mine + POSITION_SHIFT)
    Paragraph.objects.filter(pk=other.pk).update(position=mine)
    Paragraph.objects.filter(pk=paragraph.pk).update(position=theirs)
    record_edit(resolution, user=user, reason=f"moved {paragraph.eid} {'before' if up else 'after'} {other.eid}", before=before)
    paragraph.refresh_from_db()
    return paragraph


# --- Reading helpers kept here for the callers that imported them --------------------------------------


def snapshot(resolution: Resolution) -> dict:
    """The resolution's whole text as a record (see resolutions.records)."""
    return record_of(resolution)


def _paragraph_counts(resolution: Resolution) -> dict[str, int]:
    counts = {"preambular": 0, "operative": 0, "annex": 0, "article": 0}
    for kind in resolution.paragraphs.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return counts


# --- Instruments: their divisions, the articles paragraphs cite, the addresses annex paragraphs had ------------------


def _write_divisions(resolution: Resolution, entries: list[dict]) -> dict[str, Division]:
    """Make the resolution's divisions those of a record, keeping each by its eid; returns them by eid."""
    resolution.divisions.exclude(eid__in=[d["eid"] for d in entries]).delete()
    existing = {d.eid: d for d in resolution.divisions.all()}
    stored: dict[str, Division] = {}
    for position, entry in enumerate(entries, start=1):
        division = existing.get(entry["eid"]) or Division(resolution=resolution, eid=entry["eid"])
        division.kind = entry["kind"]
        division.number = entry["number"]
        division.num = entry["num"][:64]
        division.heading = entry["heading"]
        division.position = position
        division.parent = stored.get(entry["parent"])
        division.save()
        stored[division.eid] = division
    return stored


def _article_citation_target(citation, resolution: Resolution) -> tuple[str, str, str]:
    """(instrument key, target symbol, target eid) of a parsed article citation."""
    if citation.within:
        return "", resolution.symbol, f"{citation.within}art_{citation.article}"
    instrument = instruments()[citation.instrument]
    return instrument.key, instrument.symbol, instrument.article_eid(citation.article)


def _store_article_citations(
    resolution: Resolution,
    parsed: ParsedResolution,
    paragraphs: dict[str, Paragraph] | None = None,
    footnotes: dict[int, Footnote] | None = None,
) -> int:
    """Replace the resolution's outgoing article citations by those `parsed` found; returns how many."""
    ArticleCitation.objects.filter(paragraph__resolution=resolution).delete()
    if paragraphs is None:
        paragraphs = {p.eid: p for p in resolution.paragraphs.all()}
    if footnotes is None:
        footnotes = {f.number: f for f in resolution.footnotes.exclude(paragraph=None)}
    rows = []

    def add(citation, paragraph: Paragraph, footnote: Footnote | None = None) -> None:
        instrument, symbol, eid = _article_citation_target(citation, resolution)
        rows.append(
            ArticleCitation(
                paragraph=paragraph,
                footnote=footnote,
                instrument=instrument,
                target_symbol=symbol,
                target_eid=eid,
                article=citation.article,
                article_paragraph=citation.paragraph,
                item=citation.item,
                start=citation.start,
                end=citation.end,
            )
        )

    for parsed_paragraph in parsed.paragraphs:
        for citation in parsed_paragraph.article_citations:
            if parsed_paragraph.eid in paragraphs:
                add(citation, paragraphs[parsed_paragraph.eid])
    for parsed_footnote in parsed.footnotes:
        footnote = footnotes.get(parsed_footnote.number)
        if footnote is not None and footnote.paragraph_id is not None:
            for citation in parsed_footnote.article_citations:
                add(citation, footnote.paragraph, footnote)
    ArticleCitation.objects.bulk_create(rows)
    return len(rows)


def _stored_as_parsed(resolution: Resolution) -> ParsedResolution:
    """The stored text in the parser's shape, its article citations found again (after a curator's edit)."""
    divisions = {
        d.pk: ParsedDivision(kind=DivisionKind(d.kind), eid=d.eid, number=d.number, num=d.num, heading=d.heading)
        for d in resolution.divisions.all()
    }
    parents = dict(resolution.divisions.values_list("pk", "parent_id"))

    def chain(pk: int | None) -> tuple[ParsedDivision, ...]:
        found: list[ParsedDivision] = []
        while pk is not None:
            found.insert(0, divisions[pk])
            pk = parents.get(pk)
        return tuple(found)

    markers: dict[int, list] = {}
    for footnote in resolution.footnotes.exclude(paragraph=None):
        markers.setdefault(footnote.paragraph_id, []).append(footnote.number)
    paragraphs = tuple(
        ParsedParagraph(
            kind=Kind(p.kind),
            number=p.number,
            text=p.text,
            item=p.item,
            footnotes=tuple(FootnoteMarker(number=n, offset=0) for n in markers.get(p.pk, ())),
            address=p.eid if p.division_id else "",
            divisions=chain(p.division_id),
        )
        for p in resolution.paragraphs.order_by("position")
    )
    footnotes = tuple(ParsedFootnote(number=f.number, text=f.text) for f in resolution.footnotes.all())
    return cite_articles(
        ParsedResolution(
            symbol=resolution.symbol,
            language=resolution.language,
            body=resolution.body,
            session=resolution.session,
            number=resolution.number,
            title=resolution.title,
            paragraphs=paragraphs,
            footnotes=footnotes,
        )
    )


def link_article_citations(resolution: Resolution) -> int:
    """Point citations of articles to and from `resolution` at the articles the archive holds; returns links made.

    A citation prefers the article in its own language and falls back to any language held, as references do.
    """
    linked = 0
    outgoing = ArticleCitation.objects.filter(paragraph__resolution=resolution).exclude(target_symbol="")
    wanted = {(c.target_symbol, c.target_eid) for c in outgoing.only("target_symbol", "target_eid")}
    held: dict[tuple[str, str], Division] = {}
    for division in Division.objects.filter(
        resolution__symbol__in={symbol for symbol, _ in wanted}, eid__in={eid for _, eid in wanted}
    ).select_related("resolution"):
        key = (division.resolution.symbol, division.eid)
        if key not in held or division.resolution.language == resolution.language:
            held[key] = division
    for citation in outgoing:
        target = held.get((citation.target_symbol, citation.target_eid))
        if (target.pk if target else None) != citation.target_id:
            citation.target = target
            citation.save(update_fields=["target"])
            linked += 1
    # Citations that waited for this resolution, or that point at another language of it.
    incoming = ArticleCitation.objects.filter(target_symbol=resolution.symbol).exclude(paragraph__resolution=resolution)
    cited = resolution.divisions.filter(kind__in=(DivisionKind.ARTICLE, DivisionKind.ANNEX))  # an annex: named whole
    for eid, pk in cited.values_list("eid", "pk"):
        waiting = incoming.filter(target_eid=eid)
        linked += waiting.filter(paragraph__resolution__language=resolution.language).exclude(target_id=pk).update(target=pk)
        linked += waiting.filter(target__isnull=True).update(target=pk)
    return linked


def unnumbered_places(paragraphs: list[Paragraph]) -> dict[int, int]:
    """Paragraph pk -> place of each paragraph of an instrument printed without a number (number 0, no item),
    counted within its division in document order: what its address says (art_2/para_2)."""
    places: dict[int, int] = {}
    counts: dict[int, int] = {}
    for paragraph in sorted(paragraphs, key=lambda p: p.position):
        if paragraph.division_id is not None and not paragraph.number and not paragraph.item and "/para_" in paragraph.eid:
            counts[paragraph.division_id] = counts.get(paragraph.division_id, 0) + 1
            places[paragraph.pk] = counts[paragraph.division_id]
    return places


def paragraph_eid(paragraph: Paragraph, *, place: int | None = None) -> str:
    """The eid a paragraph's kind, number and item give it (op3(a)); in an instrument, its structural address
    with the number and item a curator may have corrected (annex_1/art_5/para_2, …/para_1/subpara_e/point_ii).
    A paragraph printed without a number (number 0) is addressed by its `place` (see unnumbered_places)."""
    if paragraph.division_id is None or "/" not in paragraph.eid:
        return element_id(paragraph.kind, paragraph.number, paragraph.item)
    steps = paragraph.eid.split("/")
    at = next((i for i, step in enumerate(steps) if step.startswith(("para_", "intro", "formula_"))), len(steps))
    own = steps[at] if at < len(steps) else f"para_{paragraph.number}"
    if own.startswith("para_") and (paragraph.number or place):
        own = f"para_{paragraph.number or place}"
    letter, _, point = paragraph.item.partition("(")  # "e(ii)": subparagraph (e), its point (ii)
    tail = ([f"subpara_{letter}"] if letter else []) + ([f"point_{point.rstrip(')')}"] if point else [])
    return "/".join(steps[:at] + [own] + tail)


__all__ = [
    "CREATED",
    "REPLACED",
    "UNCHANGED",
    "CuratorEditsError",
    "IngestResult",
    "ParseError",
    "PlacementError",
    "Placements",
    "RestoreError",
    "StructureError",
    "align_versions",
    "carry_addresses",
    "content",
    "delete_resolution",
    "ingest_resolution",
    "link_article_citations",
    "link_references",
    "merge_paragraphs",
    "move_paragraph",
    "paragraph_eid",
    "parse_source",
    "record_edit",
    "restore_paragraph",
    "restore_revision",
    "snapshot",
    "split_paragraph",
]
