"""Revisions become the states a change left (the newest is the current text), not the text before it.

Until now a revision held the text as it was *before* an upload or edit replaced it, credited to the
person who replaced it, and the current text had none. After this migration a resolution with
revisions R1..Rn (made by changes C1..Cn) holds n + 1 states:

    state 0: R1's snapshot, the text as first stored (its time: the resolution's creation)
    state k: R(k+1)'s snapshot, or the current text for k = n, credited to Ck (who, when, why)

and a resolution without revisions gets one state, its current text. `changes` is filled in by eid.
"""
from datetime import timedelta

from django.db import migrations

METADATA = (
    "body", "session", "number", "title", "opening", "adopted_on", "meeting", "meeting_number", "adoption",
    "votes_for", "votes_against", "votes_abstaining", "agenda_item", "committee_report", "job_number",
)


def _current(apps, resolution) -> dict:
    """The resolution's text in the record shape of resolutions.records (version 2)."""
    Paragraph = apps.get_model("resolutions", "Paragraph")
    Footnote = apps.get_model("resolutions", "Footnote")
    Reference = apps.get_model("resolutions", "Reference")
    FormerEid = apps.get_model("resolutions", "FormerEid")
    paragraphs = list(Paragraph.objects.filter(resolution=resolution).order_by("position"))
    eid_of = {p.pk: p.eid for p in paragraphs}
    place = {p.eid: i for i, p in enumerate(paragraphs)}
    footnotes = list(Footnote.objects.filter(resolution=resolution).order_by("number"))
    number_of = {f.pk: f.number for f in footnotes}
    references = [
        {
            "paragraph": eid_of[r.paragraph_id], "footnote": number_of.get(r.footnote_id), "symbol": r.target_symbol,
            "paragraphs": list(r.target_paragraphs), "is_resolution": r.is_resolution, "start": r.start, "end": r.end,
            "review_note": "",
        }
        for r in Reference.objects.filter(paragraph__resolution=resolution)
    ]
    references.sort(key=lambda r: (place.get(r["paragraph"], -1), r["footnote"] or 0, r["start"], r["end"], r["symbol"]))
    values = {}
    for name in METADATA:
        value = getattr(resolution, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return {
        "v": 2,
        "symbol": resolution.symbol,
        "language": resolution.language,
        **values,
        "paragraphs": [
            {"id": p.pk, "eid": p.eid, "kind": p.kind, "number": p.number, "item": p.item, "text": p.text} for p in paragraphs
        ],
        "footnotes": [
            {"id": f.pk, "number": f.number, "text": f.text, "paragraph": eid_of.get(f.paragraph_id), "offset": f.offset,
             "review_note": ""}
            for f in footnotes
        ],
        "references": references,
        "former_eids": {
            f.eid: eid_of[f.paragraph_id] for f in FormerEid.objects.filter(resolution=resolution) if f.paragraph_id in eid_of
        },
        "source": {"filename": resolution.source_filename, "sha256": resolution.source_sha256,
                   "warnings": list(resolution.parse_warnings)},
    }


def _changes(before: dict | None, after: dict) -> dict:
    """By eid (old snapshots have no ids): which paragraphs, fields and footnotes differ."""
    if before is None:
        return {"paragraphs": {p["eid"]: "added" for p in after.get("paragraphs", [])}, "fields": [], "footnotes": [], "created": True}
    old = {p["eid"]: (p["kind"], p["number"], p.get("item", ""), p["text"]) for p in before.get("paragraphs", [])}
    new = {p["eid"]: (p["kind"], p["number"], p.get("item", ""), p["text"]) for p in after.get("paragraphs", [])}
    paragraphs = {eid: "added" for eid in new if eid not in old}
    paragraphs.update({eid: "edited" for eid in new if eid in old and old[eid] != new[eid]})
    paragraphs.update({eid: "removed" for eid in old if eid not in new})
    old_notes = {f["number"]: f["text"] for f in before.get("footnotes", [])}
    new_notes = {f["number"]: f["text"] for f in after.get("footnotes", [])}
    footnotes = sorted(n for n in set(old_notes) | set(new_notes) if old_notes.get(n) != new_notes.get(n))
    fields = [name for name in METADATA if name in before and name in after and before[name] != after[name]]
    return {"paragraphs": paragraphs, "fields": fields, "footnotes": footnotes}


def revisions_as_states(apps, schema_editor):
    Resolution = apps.get_model("resolutions", "Resolution")
    Revision = apps.get_model("resolutions", "Revision")
    SourceFile = apps.get_model("resolutions", "SourceFile")
    for resolution in Resolution.objects.iterator():
        old = list(Revision.objects.filter(resolution=resolution).order_by("created_at", "pk"))
        first_source = SourceFile.objects.filter(resolution=resolution).order_by("uploaded_at", "pk").first()
        states = [r.snapshot for r in old[1:]] + [_current(apps, resolution)]
        first_text = old[0].snapshot if old else states[-1]
        created = resolution.created_at
        if old and old[0].created_at <= created:  # the first text came before the first change to it
            created = old[0].created_at - timedelta(microseconds=1)
        first = Revision(
            resolution=resolution, symbol=resolution.symbol, language=resolution.language,
            created_at=created,
            created_by_id=first_source.uploaded_by_id if first_source else None,
            origin="upload" if first_source and first_source.uploaded_by_id else "ingest",
            reason="created (the first text stored)", snapshot=first_text, changes=_changes(None, first_text),
        )
        previous = first_text
        for revision, state in zip(old, states, strict=False):  # no old revisions: only the current state
            revision.snapshot = state
            revision.changes = _changes(previous, state)
            revision.save(update_fields=["snapshot", "changes"])
            previous = state
        if not old:
            first.snapshot = states[-1]
        first.save()


def states_as_revisions(apps, schema_editor):
    """Back to 'the text before each change': drop the first state, shift the others down one."""
    Resolution = apps.get_model("resolutions", "Resolution")
    Revision = apps.get_model("resolutions", "Revision")
    for resolution in Resolution.objects.iterator():
        states = list(Revision.objects.filter(resolution=resolution).order_by("created_at", "pk"))
        if not states:
            continue
        texts = [state.snapshot for state in states]
        for revision, earlier in zip(states[1:], texts, strict=False):
            revision.snapshot = earlier
            revision.save(update_fields=["snapshot"])
        states[0].delete()


class Migration(migrations.Migration):

    dependencies = [
        ("resolutions", "0009_curator_provenance"),
    ]

    operations = [migrations.RunPython(revisions_as_states, states_as_revisions)]
