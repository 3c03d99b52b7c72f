"""A resolution's whole text as plain data (a "record"): what a revision keeps and a restore brings back.

One shape for a stored resolution (`record_of`) and for a parsed file (`record_from_parsed`), so that
"would this file change anything?", "what did this change do?" and "what did curators edit since the
last official file?" are comparisons of two records. Reading only; the services write.

    {"v": 2, "symbol": …, "language": …, <metadata>,
     "paragraphs": [{"id", "eid", "kind", "number", "item", "text", "division": eid | None, "num"}],  # in order
     "divisions": [{"eid", "kind", "number", "num", "heading", "parent": eid | ""}],  # annexes' structure
     "footnotes": [{"id", "number", "text", "paragraph": eid | None, "offset", "review_note"}],
     "references": [{"paragraph": eid, "footnote": number | None, "symbol", "paragraphs", "is_resolution",
                     "start", "end", "review_note"}],
     "former_eids": {old eid: eid}, "source": {"filename", "sha256", "warnings"}}

Revisions written before this shape existed hold only the metadata they name and paragraphs and
footnotes without ids, markers or references; every function here accepts them.
"""
from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher
from pathlib import PurePath

from .parsing import ParsedResolution
from .textdiff import similarity

RECORD_VERSION = 2
# Metadata a record keeps, under the Resolution field names.
METADATA = (
    "body", "session", "number", "title", "opening", "adopted_on", "meeting", "meeting_number", "adoption",
    "votes_for", "votes_against", "votes_abstaining", "agenda_item", "committee_report", "job_number",
)
FIELD_LABELS = {name: name.replace("_", " ") for name in METADATA}


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def record_of(resolution) -> dict:
    """The stored resolution as a record (five queries)."""
    from .models import Reference  # records are plain data; models only to read them

    paragraphs = list(resolution.paragraphs.order_by("position"))
    eid_of = {p.pk: p.eid for p in paragraphs}
    divisions = list(resolution.divisions.order_by("position"))
    division_eid = {d.pk: d.eid for d in divisions}
    footnotes = list(resolution.footnotes.order_by("number"))
    number_of = {f.pk: f.number for f in footnotes}
    references = Reference.objects.filter(paragraph__resolution=resolution)
    record = {
        "v": RECORD_VERSION,
        "symbol": resolution.symbol,
        "language": resolution.language,
        **{name: _iso(getattr(resolution, name)) for name in METADATA},
        "paragraphs": [
            {
                "id": p.pk, "eid": p.eid, "kind": p.kind, "number": p.number, "item": p.item, "text": p.text,
                "division": division_eid.get(p.division_id), "num": p.num,
            }
            for p in paragraphs
        ],
        "divisions": [
            {
                "eid": d.eid, "kind": d.kind, "number": d.number, "num": d.num, "heading": d.heading,
                "parent": division_eid.get(d.parent_id, ""),
            }
            for d in divisions
        ],
        "footnotes": [
            {
                "id": f.pk,
                "number": f.number,
                "text": f.text,
                "paragraph": eid_of.get(f.paragraph_id),
                "offset": f.offset,
                "review_note": f.review_note,
            }
            for f in footnotes
        ],
        "references": [
            {
                "paragraph": eid_of[r.paragraph_id],
                "footnote": number_of.get(r.footnote_id),
                "symbol": r.target_symbol,
                "paragraphs": list(r.target_paragraphs),
                "is_resolution": r.is_resolution,
                "start": r.start,
                "end": r.end,
                "review_note": r.review_note,
            }
            for r in references
        ],
        "former_eids": {
            old: eid_of[paragraph_id]
            for old, paragraph_id in resolution.former_eids.values_list("eid", "paragraph_id")
            if paragraph_id in eid_of
        },
        "source": {
            "filename": resolution.source_filename,
            "sha256": resolution.source_sha256,
            "warnings": list(resolution.parse_warnings),
        },
    }
    return _sorted(record)


def record_from_parsed(parsed: ParsedResolution, *, filename: str, checksum: str) -> dict:
    """What storing `parsed` gives, as a record (no ids): the first marker of a footnote places it."""
    paragraphs = [
        {
            "eid": p.eid, "kind": str(p.kind), "number": p.number, "item": p.item, "text": p.text,
            "division": p.division.eid if p.division else None, "num": p.num,
        }
        for p in parsed.paragraphs
    ]
    divisions = [
        {"eid": d.eid, "kind": str(d.kind), "number": d.number, "num": d.num[:64], "heading": d.heading, "parent": d.parent}
        for d in parsed.divisions
    ]
    texts = {f.number: f for f in parsed.footnotes}
    footnotes: dict[int, dict] = {}
    references: list[dict] = []

    def reference(ref, eid: str, footnote: int | None) -> dict:
        return {
            "paragraph": eid, "footnote": footnote, "symbol": ref.symbol, "paragraphs": list(ref.paragraphs),
            "is_resolution": ref.is_resolution, "start": ref.start, "end": ref.end, "review_note": "",
        }

    for p in parsed.paragraphs:
        references.extend(reference(ref, p.eid, None) for ref in p.references)
        for marker in p.footnotes:
            found = texts.get(marker.number)
            if found is None or marker.number in footnotes:
                continue
            footnotes[marker.number] = {
                "number": marker.number, "text": found.text, "paragraph": p.eid, "offset": marker.offset,
                "review_note": "",
            }
            references.extend(reference(ref, p.eid, marker.number) for ref in found.references)
    # A footnote no paragraph cites is still part of the text: kept, unattached.
    for number, found in texts.items():
        footnotes.setdefault(
            number, {"number": number, "text": found.text, "paragraph": None, "offset": None, "review_note": ""}
        )
    record = {
        "v": RECORD_VERSION,
        "symbol": parsed.symbol,
        "language": parsed.language,
        **{name: _iso(getattr(parsed, name)) for name in METADATA if name not in ("body", "adoption")},
        "body": parsed.body.value,
        "adoption": parsed.adoption.value,
        "paragraphs": paragraphs,
        "divisions": divisions,
        "footnotes": list(footnotes.values()),
        "references": references,
        "former_eids": {},
        "source": {"filename": PurePath(filename).name, "sha256": checksum, "warnings": list(parsed.warnings)},
    }
    return _sorted(record)


def _sorted(record: dict) -> dict:
    """Footnotes by number and references in reading order, so equal texts give equal records."""
    place = {p["eid"]: i for i, p in enumerate(record["paragraphs"])}
    record["footnotes"].sort(key=lambda f: f["number"])
    record["references"].sort(
        key=lambda r: (place.get(r["paragraph"], -1), r["footnote"] or 0, r["start"], r["end"], r["symbol"])
    )
    return record


def content(record: dict) -> dict:
    """The parts of a record a reader sees: without ids, addresses kept for old links, or provenance."""
    return {
        **{key: value for key, value in record.items() if key not in ("v", "former_eids", "source", "paragraphs", "footnotes")},
        "paragraphs": [{k: v for k, v in p.items() if k != "id"} for p in record.get("paragraphs", [])],
        "footnotes": [{k: v for k, v in f.items() if k != "id"} for f in record.get("footnotes", [])],
    }


def same_text(a: dict, b: dict) -> bool:
    return content(a) == content(b)


# --- Parts: what a curator edits and a history lists ------------------------------------------------


def paragraph_parts(record: dict) -> dict[str, dict]:
    """eid -> everything a reader sees of that paragraph: its text, kind, number, links and markers."""
    parts = {p["eid"]: {**{k: v for k, v in p.items() if k != "id"}, "references": [], "markers": []} for p in record.get("paragraphs", [])}
    for ref in record.get("references", []):
        if ref["paragraph"] in parts and ref.get("footnote") is None:
            parts[ref["paragraph"]]["references"].append(
                (ref["symbol"], ref["start"], ref["end"], tuple(ref["paragraphs"]), ref.get("review_note", ""))
            )
    for footnote in record.get("footnotes", []):
        eid = footnote.get("paragraph")
        if eid in parts:
            parts[eid]["markers"].append((footnote["number"], footnote.get("offset")))
    return parts


def footnote_parts(record: dict) -> dict[int, dict]:
    parts = {f["number"]: {"text": f["text"], "references": []} for f in record.get("footnotes", [])}
    for ref in record.get("references", []):
        if ref.get("footnote") in parts:
            parts[ref["footnote"]]["references"].append((ref["symbol"], ref["start"], ref["end"]))
    return parts


def field_values(record: dict) -> dict:
    return {name: record[name] for name in METADATA if name in record}


def changes_between(before: dict | None, after: dict) -> dict:
    """What turned `before` into `after`: {"paragraphs": {eid: what}, "fields": [...], "footnotes": [...]}.

    Paragraphs are followed by id where both records have them, so a renumbered paragraph is one change
    ("renumbered from op14"), not a removal and an addition.
    """
    if before is None:
        return {"paragraphs": {p["eid"]: "added" for p in after["paragraphs"]}, "fields": [], "footnotes": [], "created": True}
    paragraphs: dict[str, str] = {}
    old_parts, new_parts = paragraph_parts(before), paragraph_parts(after)
    old_by_id = {p["id"]: p["eid"] for p in before["paragraphs"] if p.get("id") is not None}
    seen: set[str] = set()
    for p in after["paragraphs"]:
        eid = p["eid"]
        if old_by_id and p.get("id") is not None:
            old_eid = old_by_id.get(p["id"])
        else:  # records without ids (old revisions, parsed files): the same eid is the same paragraph
            old_eid = eid if eid in old_parts else None
        if old_eid is None:
            paragraphs[eid] = "added"
            continue
        seen.add(old_eid)
        if old_eid != eid:
            edited = visible(old_parts[old_eid], number=False) != visible(new_parts[eid], number=False)
            paragraphs[eid] = f"renumbered from {old_eid}" + (", edited" if edited else "")
        elif visible(old_parts[old_eid]) != visible(new_parts[eid]):
            paragraphs[eid] = "edited"
    for eid in old_parts:
        if eid not in seen:
            paragraphs.setdefault(eid, "removed")
    old_notes, new_notes = footnote_parts(before), footnote_parts(after)
    footnotes = sorted(n for n in set(old_notes) | set(new_notes) if old_notes.get(n) != new_notes.get(n))
    old_fields, new_fields = field_values(before), field_values(after)
    fields = [name for name in METADATA if name in new_fields and name in old_fields and old_fields[name] != new_fields[name]]
    return {"paragraphs": paragraphs, "fields": fields, "footnotes": footnotes}


def visible(part: dict, *, number: bool = True) -> tuple:
    """What a reader sees of a paragraph part, comparable; without its number when `number` is false."""
    keys = ("kind", "number", "item", "text") if number else ("kind", "text")
    return (*(part.get(k) for k in keys), tuple(part["references"]), tuple(part["markers"]))


def describe_changes(changes: dict) -> str:
    """'op3 edited; op14 removed; title' — for lists of revisions."""
    parts = [f"{eid} {what}" for eid, what in changes.get("paragraphs", {}).items()]
    if changes.get("created"):
        parts = [f"{len(changes.get('paragraphs', {}))} paragraphs"]
    parts += [FIELD_LABELS.get(name, name) for name in changes.get("fields", [])]
    parts += [f"footnote {n}" for n in changes.get("footnotes", [])]
    return "; ".join(parts)


# --- New versions: which new paragraph holds an old one's words -------------------------------------

SAME_PARAGRAPH_SIMILARITY = 0.6


def successors(before: dict, after: dict) -> dict[str, str]:
    """For each eid of `before` that `after` no longer has: the eid in `after` holding (most of) its text.

    A new version that removes or inserts a paragraph renumbers those after it; the old addresses that no
    paragraph holds any more should lead to the words they showed. Unmatched eids (their text is gone)
    are left out.
    """
    new_eids = {p["eid"] for p in after["paragraphs"]}
    old, new = before["paragraphs"], after["paragraphs"]
    matcher = SequenceMatcher(None, [p["text"] for p in old], [p["text"] for p in new], autojunk=False)
    found: dict[str, str] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                found[old[i1 + k]["eid"]] = new[j1 + k]["eid"]
        elif tag == "replace":
            taken: set[int] = set()
            for i in range(i1, i2):
                scores = [
                    (similarity(old[i]["text"], new[j]["text"]), j)
                    for j in range(j1, j2)
                    if j not in taken and new[j]["kind"] == old[i]["kind"]
                ]
                best = max(scores, default=(0.0, None))
                if best[1] is not None and best[0] >= SAME_PARAGRAPH_SIMILARITY:
                    taken.add(best[1])
                    found[old[i]["eid"]] = new[best[1]]["eid"]
    return {old_eid: new_eid for old_eid, new_eid in found.items() if old_eid not in new_eids and old_eid != new_eid}
