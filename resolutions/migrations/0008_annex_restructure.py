"""An archive made before instruments were read as structures: read each flattened annex (annex1, annex2 …) and
the Universal Declaration (articles stored as op1 … op30) again from the original file the archive keeps, store
their divisions and structured paragraphs, keep every old address as a FormerEid (301), and find the article
citations of every resolution's stored text.

A resolution a curator has edited is left as it is (its text is theirs; uploading it again restructures it,
keeping the edit as a revision), as is one whose original is missing or whose stored text no longer matches
its original outside the annex. Resolutions that change are queued for reindexing, and their works' language
versions paired again by the new eids.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone

from resolutions import alignment
from resolutions.parsing import (
    DivisionKind,
    FootnoteMarker,
    Kind,
    ParsedDivision,
    ParsedFootnote,
    ParsedParagraph,
    ParsedResolution,
    parse_resolution,
)
from resolutions.parsing.article_citations import cite_articles, instruments
from resolutions.parsing.instruments import OLD_ANNEX_RE, former_addresses
from resolutions.parsing.sources import read_source

DECLARATION = "A/RES/217(III)"
LANGUAGES = ["zh", "en", "fr", "es", "ru", "ar"]  # the order language versions are aligned in


def restructure_archive(apps, schema_editor):
    Resolution = apps.get_model("resolutions", "Resolution")
    IndexTask = apps.get_model("resolutions", "IndexTask")
    touched_works = set()
    for resolution in Resolution.objects.all().order_by("pk"):
        if _needs_restructuring(apps, resolution) and _restructure(apps, resolution):
            IndexTask.objects.create(resolution_id=resolution.pk)
            touched_works.add(resolution.work_id)
    for work_id in sorted(touched_works):
        _realign(apps, work_id)
    for resolution in Resolution.objects.all().order_by("pk"):
        _store_article_citations(apps, resolution)
    _link_article_citations(apps)


def _needs_restructuring(apps, resolution) -> bool:
    paragraphs = apps.get_model("resolutions", "Paragraph").objects.filter(resolution=resolution)
    if resolution.symbol == DECLARATION and paragraphs.filter(kind="operative").exists():
        return True
    return any(OLD_ANNEX_RE.match(eid) for eid in paragraphs.filter(kind="annex").values_list("eid", flat=True))


def _restructure(apps, resolution) -> bool:
    """Store the structure of `resolution` read again from its original file; False when left as it is."""
    Revision = apps.get_model("resolutions", "Revision")
    SourceFile = apps.get_model("resolutions", "SourceFile")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    if Revision.objects.filter(resolution=resolution).exclude(reason__startswith="replaced by").exists():
        return False  # a curator's edit
    source = SourceFile.objects.filter(sha256=resolution.source_sha256).first() if resolution.source_sha256 else None
    if source is None:
        return False
    try:
        with source.file.open("rb") as original:
            data = original.read()
        parsed = parse_resolution(
            read_source(data, source.filename, time_limit=settings.PDF_TIME_LIMIT_SECONDS), source_name=source.filename
        )
    except (OSError, ValueError):  # the file is gone or unreadable (a ParseError is a ValueError)
        return False
    if (parsed.symbol, parsed.language) != (resolution.symbol, resolution.language):
        return False
    stored = {p.eid: p for p in Paragraph.objects.filter(resolution=resolution)}
    if any(stored.get(p.eid) is None or stored[p.eid].text != p.text for p in parsed.paragraphs if not p.address):
        return False  # the text outside the annex is not the original's any more
    _store(apps, resolution, parsed, stored)
    return True


def _store(apps, resolution, parsed, stored) -> None:
    Division = apps.get_model("resolutions", "Division")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    FormerEid = apps.get_model("resolutions", "FormerEid")
    Footnote = apps.get_model("resolutions", "Footnote")
    Reference = apps.get_model("resolutions", "Reference")
    Resolution = apps.get_model("resolutions", "Resolution")

    divisions = {}
    for position, parsed_division in enumerate(parsed.divisions, start=1):
        divisions[parsed_division.eid] = Division.objects.create(
            resolution=resolution,
            parent=divisions.get(parsed_division.parent),
            kind=parsed_division.kind.value,
            eid=parsed_division.eid,
            number=parsed_division.number,
            num=parsed_division.num[:64],
            heading=parsed_division.heading,
            position=position,
        )
    wanted = {p.eid for p in parsed.paragraphs}
    leaving = [(p.eid, p.text) for p in sorted(stored.values(), key=lambda p: p.position) if p.eid not in wanted]
    Paragraph.objects.filter(resolution=resolution).exclude(eid__in=wanted).delete()
    Paragraph.objects.filter(resolution=resolution).update(position=F("position") + 1_000_000)
    rows = {}
    for position, parsed_paragraph in enumerate(parsed.paragraphs, start=1):
        row = stored.get(parsed_paragraph.eid)
        if row is None:
            row = Paragraph(resolution=resolution, eid=parsed_paragraph.eid)
        row.kind = parsed_paragraph.kind.value
        row.position = position
        row.number = parsed_paragraph.number
        row.item = parsed_paragraph.item
        row.text = parsed_paragraph.text
        row.num = parsed_paragraph.num
        row.division = divisions[parsed_paragraph.division.eid] if parsed_paragraph.division else None
        row.save()
        rows[row.eid] = row
    for old, new in former_addresses(leaving, parsed.paragraphs).items():
        FormerEid.objects.update_or_create(resolution=resolution, eid=old, defaults={"paragraph": rows[new]})

    def target(symbol):
        held = list(Resolution.objects.filter(symbol=symbol))
        return next((r for r in held if r.language == resolution.language), held[0] if held else None)

    def reference(ref, paragraph, footnote=None):
        Reference.objects.create(
            paragraph=paragraph, footnote=footnote, target_symbol=ref.symbol, target_paragraphs=list(ref.paragraphs),
            is_resolution=ref.is_resolution, start=ref.start, end=ref.end, target=target(ref.symbol),
        )

    footnote_texts = {f.number: f for f in parsed.footnotes}
    for parsed_paragraph in parsed.paragraphs:
        if not parsed_paragraph.address:
            continue  # kept as it was, with its references and footnotes
        paragraph = rows[parsed_paragraph.eid]
        for ref in parsed_paragraph.references:
            reference(ref, paragraph)
        for marker in parsed_paragraph.footnotes:
            footnote = Footnote.objects.filter(resolution=resolution, number=marker.number).first()
            if footnote is None or footnote.paragraph_id not in (None, paragraph.pk):
                continue
            had_paragraph = footnote.paragraph_id is not None
            footnote.paragraph, footnote.offset = paragraph, marker.offset
            footnote.save()
            if not had_paragraph and marker.number in footnote_texts:
                for ref in footnote_texts[marker.number].references:
                    reference(ref, paragraph, footnote)


def _realign(apps, work_id) -> None:
    """Pair the language versions of a work again by their new eids (as services.align_versions does)."""
    Work = apps.get_model("resolutions", "Work")
    Resolution = apps.get_model("resolutions", "Resolution")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    Reference = apps.get_model("resolutions", "Reference")
    Footnote = apps.get_model("resolutions", "Footnote")
    links = Paragraph.siblings.through
    work = Work.objects.get(pk=work_id)
    versions = sorted(Resolution.objects.filter(work=work), key=lambda v: LANGUAGES.index(v.language))
    paragraphs = list(Paragraph.objects.filter(resolution__work=work).order_by("resolution", "position"))
    ids = [p.pk for p in paragraphs]
    links.objects.filter(Q(from_paragraph_id__in=ids) | Q(to_paragraph_id__in=ids)).delete()
    cited, carried = {}, {}
    for paragraph_id, target in Reference.objects.filter(
        paragraph__resolution__work=work, footnote=None, is_resolution=True
    ).values_list("paragraph_id", "target_symbol"):
        cited.setdefault(paragraph_id, set()).add(target)
    for paragraph_id, number in Footnote.objects.filter(resolution__work=work, paragraph__isnull=False).values_list(
        "paragraph_id", "number"
    ):
        carried.setdefault(paragraph_id, set()).add(number)
    units = {
        version.language: [
            alignment.Unit(p.eid, p.kind, frozenset(cited.get(p.pk, ())), frozenset(carried.get(p.pk, ())))
            for p in paragraphs
            if p.resolution_id == version.pk
        ]
        for version in versions
    }
    result = alignment.align_versions(units)
    pk_of = {(v.language, p.eid): p.pk for v in versions for p in paragraphs if p.resolution_id == v.pk}
    rows = []
    for (first, second), eids in result.pairs.items():
        for eid in eids:
            a, b = pk_of[(first, eid)], pk_of[(second, eid)]
            rows += [links(from_paragraph_id=a, to_paragraph_id=b), links(from_paragraph_id=b, to_paragraph_id=a)]
    links.objects.bulk_create(rows)
    work.alignment = result.status
    work.mismatches = list(result.mismatches)
    work.aligned_at = timezone.now()
    work.save(update_fields=["alignment", "mismatches", "aligned_at"])


def _stored_as_parsed(apps, resolution) -> ParsedResolution:
    """The stored text in the parser's shape, its article citations found (as services._stored_as_parsed)."""
    Division = apps.get_model("resolutions", "Division")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    Footnote = apps.get_model("resolutions", "Footnote")
    rows = list(Division.objects.filter(resolution=resolution))
    divisions = {d.pk: ParsedDivision(kind=DivisionKind(d.kind), eid=d.eid, number=d.number, num=d.num, heading=d.heading) for d in rows}
    parents = {d.pk: d.parent_id for d in rows}

    def chain(pk):
        found = []
        while pk is not None:
            found.insert(0, divisions[pk])
            pk = parents.get(pk)
        return tuple(found)

    markers = {}
    for footnote in Footnote.objects.filter(resolution=resolution).exclude(paragraph=None):
        markers.setdefault(footnote.paragraph_id, []).append(footnote.number)
    paragraphs = tuple(
        ParsedParagraph(
            kind=Kind(p.kind), number=p.number, text=p.text, item=p.item,
            footnotes=tuple(FootnoteMarker(number=n, offset=0) for n in markers.get(p.pk, ())),
            address=p.eid if p.division_id else "", divisions=chain(p.division_id),
        )
        for p in Paragraph.objects.filter(resolution=resolution).order_by("position")
    )
    footnotes = tuple(ParsedFootnote(number=f.number, text=f.text) for f in Footnote.objects.filter(resolution=resolution))
    return cite_articles(
        ParsedResolution(
            symbol=resolution.symbol, language=resolution.language, body=resolution.body, session=resolution.session,
            number=resolution.number, title=resolution.title, paragraphs=paragraphs, footnotes=footnotes,
        )
    )


def _store_article_citations(apps, resolution) -> None:
    ArticleCitation = apps.get_model("resolutions", "ArticleCitation")
    Paragraph = apps.get_model("resolutions", "Paragraph")
    Footnote = apps.get_model("resolutions", "Footnote")
    ArticleCitation.objects.filter(paragraph__resolution=resolution).delete()
    parsed = _stored_as_parsed(apps, resolution)
    paragraphs = {p.eid: p for p in Paragraph.objects.filter(resolution=resolution)}
    footnotes = {f.number: f for f in Footnote.objects.filter(resolution=resolution).exclude(paragraph=None)}
    table = instruments()
    rows = []

    def add(citation, paragraph_id, footnote_id=None):
        if citation.within:
            key, symbol, eid = "", resolution.symbol, f"{citation.within}art_{citation.article}"
        else:
            instrument = table[citation.instrument]
            key, symbol, eid = instrument.key, instrument.symbol, instrument.article_eid(citation.article)
        rows.append(ArticleCitation(
            paragraph_id=paragraph_id, footnote_id=footnote_id, instrument=key, target_symbol=symbol, target_eid=eid,
            article=citation.article, article_paragraph=citation.paragraph, item=citation.item,
            start=citation.start, end=citation.end,
        ))

    for parsed_paragraph in parsed.paragraphs:
        for citation in parsed_paragraph.article_citations:
            add(citation, paragraphs[parsed_paragraph.eid].pk)
    for parsed_footnote in parsed.footnotes:
        footnote = footnotes.get(parsed_footnote.number)
        if footnote is not None:
            for citation in parsed_footnote.article_citations:
                add(citation, footnote.paragraph_id, footnote.pk)
    ArticleCitation.objects.bulk_create(rows)


def _link_article_citations(apps) -> None:
    """Each citation to the article held, in the citing paragraph's language when both are held."""
    ArticleCitation = apps.get_model("resolutions", "ArticleCitation")
    Division = apps.get_model("resolutions", "Division")
    held = {}
    for division in Division.objects.filter(kind__in=("article", "annex")).select_related("resolution"):
        held.setdefault((division.resolution.symbol, division.eid), []).append(division)
    for citation in ArticleCitation.objects.select_related("paragraph__resolution").exclude(target_symbol=""):
        found = held.get((citation.target_symbol, citation.target_eid), [])
        language = citation.paragraph.resolution.language
        target = next((d for d in found if d.resolution.language == language), found[0] if found else None)
        if target is not None:
            citation.target = target
            citation.save(update_fields=["target"])


class Migration(migrations.Migration):
    dependencies = [("resolutions", "0007_annex_structure")]

    # Not reversible: the old flat annexes can be had again only by reading the originals with the old parser.
    operations = [migrations.RunPython(restructure_archive, migrations.RunPython.noop)]
