"""Reading the revisions: what curators changed since the last official file, what a file would change,
the history of a paragraph, and what a withdrawn address last said. Reading only; the services write.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .models import FILE_ORIGINS, Origin, Resolution, Revision
from .records import FIELD_LABELS, METADATA, field_values, footnote_parts, paragraph_parts, record_of, visible
from .textdiff import diff_runs

HISTORY_FIELDS = ("pk", "created_at", "created_by", "origin", "reason", "changes", "symbol", "language", "resolution_id")


def _revisions(resolution: Resolution):
    return Revision.objects.filter(resolution=resolution).select_related("created_by")


def last_file_revision(resolution: Resolution) -> Revision | None:
    """The newest revision that stored an official file's text (ingest, upload or fetch)."""
    return _revisions(resolution).filter(origin__in=FILE_ORIGINS).order_by("-created_at", "-pk").first()


@dataclass(frozen=True)
class CuratorEdit:
    """A part of the text curators changed since the last official file."""

    part: str  # "op3", "title", "footnote 2"
    kind: str  # "paragraph", "field", "footnote"
    what: str  # "edited", "deleted", "added", "renumbered to op15"
    by: str = ""
    at: datetime | None = None
    revision_id: int | None = None
    key: object = None  # eid, field name or footnote number

    def describe(self) -> str:
        who = f" by {self.by}" if self.by else ""
        when = f" on {self.at:%Y-%m-%d %H:%M}" if self.at else ""
        return f"{self.part} {self.what}{who}{when}"


def curator_edits(resolution: Resolution, current: dict | None = None) -> list[CuratorEdit]:
    """Every part of the current text that differs from the text of the last official file, and who changed it."""
    base_revision = last_file_revision(resolution)
    if base_revision is None:
        return []
    base = base_revision.snapshot
    current = current if current is not None else record_of(resolution)
    later = list(
        _revisions(resolution)
        .filter(created_at__gte=base_revision.created_at)
        .exclude(pk=base_revision.pk)
        .only(*HISTORY_FIELDS)
        .order_by("-created_at", "-pk")
    )
    later = [r for r in later if (r.created_at, r.pk) > (base_revision.created_at, base_revision.pk)]

    def attributed(part: str, kind: str, what: str, key, test) -> CuratorEdit:
        revision = next((r for r in later if test(r.changes or {})), None)
        return CuratorEdit(
            part, kind, what,
            by=str(revision.created_by) if revision is not None and revision.created_by else "",
            at=revision.created_at if revision is not None else None,
            revision_id=revision.pk if revision is not None else None,
            key=key,
        )

    edits: list[CuratorEdit] = []
    old_fields, new_fields = field_values(base), field_values(current)
    for name in METADATA:
        if name in old_fields and name in new_fields and old_fields[name] != new_fields[name]:
            edits.append(attributed(FIELD_LABELS[name], "field", "edited", name, lambda c, n=name: n in c.get("fields", [])))
    old_parts, new_parts = paragraph_parts(base), paragraph_parts(current)
    former = current.get("former_eids", {})
    for eid, part in new_parts.items():
        if eid not in old_parts:
            what = "added"
        elif visible(old_parts[eid]) != visible(part):
            what = "edited"
        else:
            continue
        edits.append(attributed(eid, "paragraph", what, eid, lambda c, e=eid: e in c.get("paragraphs", {})))
    for eid in old_parts:
        if eid not in new_parts:
            what = f"renumbered to {former[eid]}" if eid in former else "deleted"
            edits.append(attributed(eid, "paragraph", what, eid, lambda c, e=eid: e in c.get("paragraphs", {})))
    old_notes, new_notes = footnote_parts(base), footnote_parts(current)
    for number in sorted(set(old_notes) | set(new_notes)):
        if old_notes.get(number) != new_notes.get(number):
            what = "added" if number not in old_notes else "deleted" if number not in new_notes else "edited"
            edits.append(
                attributed(f"footnote {number}", "footnote", what, number, lambda c, n=number: n in c.get("footnotes", []))
            )
    return edits


def edits_replaced(resolution: Resolution, *, current: dict, incoming: dict) -> list[CuratorEdit]:
    """The curator edits that storing `incoming` would undo (those the new text does not already agree with)."""
    edits = curator_edits(resolution, current)
    if not edits:
        return []
    fields_now, fields_then = field_values(current), field_values(incoming)
    parts_now, parts_then = paragraph_parts(current), paragraph_parts(incoming)
    notes_now, notes_then = footnote_parts(current), footnote_parts(incoming)
    replaced = []
    for edit in edits:
        if edit.kind == "field":
            lost = fields_now.get(edit.key) != fields_then.get(edit.key)
        elif edit.kind == "paragraph":
            now, then = parts_now.get(edit.key), parts_then.get(edit.key)
            lost = (now is None) != (then is None) or (now is not None and visible(now) != visible(then))
        else:
            lost = notes_now.get(edit.key) != notes_then.get(edit.key)
        if lost:
            replaced.append(edit)
    return replaced


# --- What a new text would change ---------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphChange:
    eid: str
    status: str  # "changed", "added", "removed", "unchanged"
    old_text: str = ""
    new_text: str = ""
    curator_edit: CuratorEdit | None = None  # the curator edit this change would replace

    @property
    def runs(self) -> list[tuple[str, str]]:
        return diff_runs(self.old_text, self.new_text)


@dataclass(frozen=True)
class Comparison:
    paragraphs: list[ParagraphChange]
    fields: list[tuple[str, object, object]] = field(default_factory=list)  # (label, now, then)
    footnotes: list[tuple[int, str, str]] = field(default_factory=list)  # (number, now, then)

    @property
    def changed(self) -> list[ParagraphChange]:
        return [c for c in self.paragraphs if c.status != "unchanged"]

    @property
    def unchanged_count(self) -> int:
        return sum(1 for c in self.paragraphs if c.status == "unchanged")


def compare(current: dict, incoming: dict, edits: list[CuratorEdit] = ()) -> Comparison:
    """Paragraph by paragraph, what `incoming` would change in `current`, with the curator edits it replaces."""
    by_part = {edit.key: edit for edit in edits if edit.kind == "paragraph"}
    now, then = paragraph_parts(current), paragraph_parts(incoming)
    order = [p["eid"] for p in incoming["paragraphs"]]
    order += [p["eid"] for p in current["paragraphs"] if p["eid"] not in then]
    changes = []
    for eid in order:
        old, new = now.get(eid), then.get(eid)
        if old is None:
            status = "added"
        elif new is None:
            status = "removed"
        else:
            status = "unchanged" if visible(old) == visible(new) else "changed"
        changes.append(
            ParagraphChange(
                eid, status, old["text"] if old else "", new["text"] if new else "",
                by_part.get(eid) if status != "unchanged" else None,
            )
        )
    fields_now, fields_then = field_values(current), field_values(incoming)
    fields = [
        (FIELD_LABELS[name], fields_now.get(name), fields_then.get(name))
        for name in METADATA
        if name in fields_then and fields_now.get(name) != fields_then.get(name)
    ]
    notes_now, notes_then = footnote_parts(current), footnote_parts(incoming)
    footnotes = [
        (n, (notes_now.get(n) or {}).get("text", ""), (notes_then.get(n) or {}).get("text", ""))
        for n in sorted(set(notes_now) | set(notes_then))
        if (notes_now.get(n) or {}).get("text") != (notes_then.get(n) or {}).get("text")
    ]
    return Comparison(changes, fields, footnotes)


# --- Histories ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphVersion:
    revision: Revision
    eid: str
    text: str | None  # None: the paragraph did not exist in this revision (removed)
    what: str


def paragraph_history(paragraph) -> list[ParagraphVersion]:
    """The revisions that changed this paragraph, newest first, with its text in each (follows renumbering)."""
    names = {paragraph.eid, *paragraph.former_eids.values_list("eid", flat=True)}
    found = []
    for revision in _revisions(paragraph.resolution).only(*HISTORY_FIELDS).order_by("-created_at", "-pk"):
        touched = {eid: what for eid, what in (revision.changes or {}).get("paragraphs", {}).items() if eid in names}
        if not touched:
            continue
        eid, what = next(iter(touched.items()))
        for value in touched.values():
            if value.startswith("renumbered from "):
                names.add(value.removeprefix("renumbered from ").split(",")[0])
        found.append((revision, eid, what))
    versions = []
    snapshots = dict(Revision.objects.filter(pk__in=[r.pk for r, _, _ in found]).values_list("pk", "snapshot"))
    for revision, eid, what in found:
        entry = next((p for p in snapshots[revision.pk].get("paragraphs", []) if p["eid"] == eid), None)
        versions.append(ParagraphVersion(revision, eid, entry["text"] if entry else None, what))
    return versions


@dataclass(frozen=True)
class RemovedParagraph:
    eid: str
    text: str
    kept_in: Revision  # the last revision that had it
    removed_by: Revision  # the change that took it away


def _mentions(changes: dict, eid: str) -> bool:
    paragraphs = (changes or {}).get("paragraphs", {})
    return eid in paragraphs or any(what.startswith(f"renumbered from {eid}") for what in paragraphs.values())


def last_seen(resolution: Resolution, eid: str) -> RemovedParagraph | None:
    """The last text of a paragraph no longer in `resolution`, and the change that removed it.

    Only revisions whose recorded changes name the eid are opened (an address no paragraph ever had costs
    one small query, however long the history).
    """
    revisions = list(_revisions(resolution).only(*HISTORY_FIELDS).order_by("-created_at", "-pk"))
    first = next((i for i, r in enumerate(revisions) if _mentions(r.changes, eid)), None)
    if first is None:
        return None
    newer = None
    for revision in revisions[first:]:
        snapshot = Revision.objects.filter(pk=revision.pk).values_list("snapshot", flat=True).get()
        entry = next((p for p in snapshot.get("paragraphs", []) if p.get("eid") == eid), None)
        if entry is not None:
            return RemovedParagraph(eid, entry["text"], revision, newer or revision)
        newer = revision
    return None


def removed_paragraphs(resolution: Resolution) -> list[RemovedParagraph]:
    """Paragraphs edits or new versions removed, that no live paragraph or redirect stands for now."""
    live = set(resolution.paragraphs.values_list("eid", flat=True))
    live |= set(resolution.former_eids.values_list("eid", flat=True))
    removed: dict[str, None] = {}
    for revision in _revisions(resolution).only(*HISTORY_FIELDS).order_by("-created_at", "-pk"):
        for eid, what in (revision.changes or {}).get("paragraphs", {}).items():
            if what == "removed" and eid not in live:
                removed.setdefault(eid)
    found = [last_seen(resolution, eid) for eid in removed]
    return [r for r in found if r is not None]


# --- Withdrawn resolutions ------------------------------------------------------------------------------


def withdrawn(symbol: str, language: str | None = None) -> Revision | None:
    """The revision a deleted resolution left (its last text), when no version of that symbol is held."""
    tombstones = Revision.objects.filter(resolution=None, origin=Origin.DELETE, symbol__iexact=symbol.strip("/"))
    by_language: dict[str, Revision] = {}
    for revision in tombstones.order_by("-created_at", "-pk"):
        if Resolution.objects.filter(symbol=revision.symbol, language=revision.language).exists():
            continue
        by_language.setdefault(revision.language, revision)
    for want in (language, "zh", "en"):
        if want in by_language:
            return by_language[want]
    return next(iter(by_language.values()), None)


def withdrawn_resolutions() -> list[Revision]:
    """One revision per deleted resolution not held again: the last text it had, newest deletion first."""
    seen: dict[tuple[str, str], Revision] = {}
    for revision in (
        Revision.objects.filter(resolution=None, origin=Origin.DELETE).select_related("created_by").defer("snapshot")
        .order_by("-created_at", "-pk")
    ):
        seen.setdefault((revision.symbol, revision.language), revision)
    held = set(Resolution.objects.filter(symbol__in={s for s, _ in seen}).values_list("symbol", "language"))
    return [revision for key, revision in seen.items() if key not in held]


def history_of_withdrawn(revision: Revision) -> list[Revision]:
    return list(
        Revision.objects.filter(resolution=None, symbol=revision.symbol, language=revision.language)
        .select_related("created_by").defer("snapshot").order_by("-created_at", "-pk")
    )
