"""Exports: Akoma Ntoso XML (the UN's AKN4UN profile) of a resolution, search results as CSV, RIS and BibTeX."""

from __future__ import annotations

import csv
import re
from itertools import chain
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .instrument_akn import add_instrument
from .models import Body, ParagraphKind, Reference, Resolution
from .parsing.text import xml_safe
from .reading import (
    Link,
    Marker,
    citation_en,
    citation_zh,
    cited_number,
    describe_mismatch,
    place,
    reference_urls,
    siblings_of,
    versions_of,
)
from .search.service import MAX_PER_PAGE, SEARCH_RETRY_AFTER_SECONDS, QueryError, SearchUnavailable, search_arguments, search_paragraphs

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
AKN_LANGUAGES = {"zh": "zho", "en": "eng", "fr": "fra", "es": "spa", "ru": "rus", "ar": "ara"}
# The archive's own metadata inside <proprietary>: which paragraphs of the other language versions are the same.
VERSIONS_NS = "urn:resolution-archive:versions"
# AKN4UN organisation identifiers (the "author" part of a FRBR URI).
AKN_BODIES = {
    Body.GENERAL_ASSEMBLY: "unga",
    Body.HUMAN_RIGHTS_COUNCIL: "unhrc",
    Body.COMMISSION_ON_HUMAN_RIGHTS: "unchr",
    Body.ECOSOC: "unecosoc",
    Body.SECURITY_COUNCIL: "unsc",
}

ET.register_namespace("", AKN_NS)
ET.register_namespace("arc", VERSIONS_NS)


def akoma_ntoso(request: HttpRequest, symbol: str, language: str) -> HttpResponse:
    resolution = Resolution.objects.filter(symbol=symbol, language=language).first()
    if resolution is None:
        held = Resolution.objects.by_symbol(symbol).filter(language=language).first()
        if held is None:
            return HttpResponse("Not held / 档案中没有此决议\n", status=404, content_type="text/plain; charset=utf-8")
        return redirect("resolution-akn", symbol=held.symbol, language=held.language, permanent=True)
    body = ET.tostring(resolution_to_akn(resolution, request.build_absolute_uri("/")), encoding="unicode")
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", content_type="application/akn+xml; charset=utf-8"
    )
    filename = f"{resolution.symbol.replace('/', '_')}_{resolution.language}.xml"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _frbr_work(resolution: Resolution) -> str:
    """/akn/un/statement/deliberation/unga/2012-12-20/67-161 (AKN4UN naming)."""
    author = AKN_BODIES.get(resolution.body, resolution.body.lower())
    when = resolution.adopted_on.isoformat() if resolution.adopted_on else "0000-00-00"
    number = cited_number(resolution).replace("/", "-").replace(" ", "")
    return f"/akn/un/statement/deliberation/{author}/{when}/{number}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    # ElementTree writes control characters as they are, and the XML would not be well-formed.
    element = ET.SubElement(
        parent, f"{{{AKN_NS}}}{tag}", {k.rstrip("_"): xml_safe(v) for k, v in attributes.items() if v}
    )
    if text:
        element.text = xml_safe(text)
    return element


def _inline(parent: ET.Element, text: str, links: list[Link], markers: list[Marker], notes: dict[int, str]) -> None:
    """Fill <p> with the text, <ref> for each citation and <authorialNote> where each footnote marker sits."""
    last: ET.Element | None = None
    for run, what in place(text, links, markers):
        if isinstance(what, Marker):
            last = _el(
                parent, "authorialNote", marker=str(what.number), placement="bottom", eId=f"authorialNote_{what.number}"
            )
            _el(last, "p", notes.get(what.number, ""))
        elif isinstance(what, Link):
            last = _el(parent, "ref", run, href=what.href)
        elif last is None:
            parent.text = (parent.text or "") + xml_safe(run)
        else:
            last.tail = (last.tail or "") + xml_safe(run)


def resolution_to_akn(resolution: Resolution, site: str) -> ET.Element:
    """The resolution as an AKN4UN <statement>: meta, preface, preamble, mainBody (paragraphs para_1 …)."""
    language = AKN_LANGUAGES.get(resolution.language, resolution.language)
    work = _frbr_work(resolution)
    expression = f"{work}/{language}@"
    adopted = resolution.adopted_on.isoformat() if resolution.adopted_on else ""
    author = "#" + AKN_BODIES.get(resolution.body, resolution.body.lower())

    root = ET.Element(f"{{{AKN_NS}}}akomaNtoso")
    statement = _el(root, "statement", name="resolution")
    meta = _el(statement, "meta")
    identification = _el(meta, "identification", source="#archive")
    for level, this, uri in (
        ("FRBRWork", f"{work}/!main", work),
        ("FRBRExpression", f"{expression}/!main", expression),
        ("FRBRManifestation", f"{expression}/!main.xml", f"{expression}.akn"),
    ):
        frbr = _el(identification, level)
        _el(frbr, "FRBRthis", value=this)
        _el(frbr, "FRBRuri", value=uri)
        if level == "FRBRWork":
            _el(frbr, "FRBRalias", value=resolution.symbol, name="symbol")
        _el(
            frbr,
            "FRBRdate",
            date=adopted or "0001-01-01",
            name="adoption" if level != "FRBRManifestation" else "generation",
        )
        _el(frbr, "FRBRauthor", href=author if level != "FRBRManifestation" else "#archive")
        if level == "FRBRWork":
            _el(frbr, "FRBRcountry", value="un")
            _el(frbr, "FRBRnumber", value=cited_number(resolution))
            _el(frbr, "FRBRname", value=resolution.symbol)
        if level == "FRBRExpression":
            _el(frbr, "FRBRlanguage", language=language)
    references = _el(meta, "references", source="#archive")
    _el(
        references,
        "TLCOrganization",
        eId=author[1:],
        href=f"/ontology/organization/un/{author[1:]}",
        showAs=resolution.get_body_display(),
    )
    _el(
        references, "TLCOrganization", eId="archive", href="/ontology/organization/archive", showAs="Resolution Archive"
    )
    _alignment_meta(meta, resolution, site)

    preface = _el(statement, "preface")
    _el(_el(preface, "p"), "docNumber", resolution.symbol)
    _el(_el(preface, "p"), "docTitle", resolution.title)
    if resolution.adopted_on:
        _el(_el(preface, "p"), "docDate", resolution.adopted_on.isoformat(), date=adopted, refersTo="#adoption")
    if resolution.committee_report:
        _el(preface, "p", resolution.committee_report, class_="committeeReport")

    paragraphs = list(resolution.paragraphs.all())
    footnotes = {f.number: f for f in resolution.footnotes.all()}
    refs = list(Reference.objects.filter(paragraph__resolution=resolution, footnote=None).select_related("target"))
    urls = {
        pk: site.rstrip("/") + url if url.startswith("/") else url
        for pk, url in reference_urls(refs, resolution.language).items()
    }

    def fill(parent: ET.Element, paragraph) -> None:
        links = [
            Link(r.start, r.end, urls[r.pk], r.target_symbol, r.target_id is None)
            for r in refs
            if r.paragraph_id == paragraph.pk
        ]
        markers = [
            Marker(f.offset, f.number, "")
            for f in footnotes.values()
            if f.paragraph_id == paragraph.pk and f.offset is not None
        ]
        _inline(_el(parent, "p"), paragraph.text, links, markers, {n: f.text for n, f in footnotes.items()})

    preamble = _el(statement, "preamble")
    if resolution.opening:
        _el(_el(preamble, "formula", name="enactingFormula"), "p", resolution.opening)
    for paragraph in paragraphs:
        if paragraph.kind == ParagraphKind.PREAMBULAR:
            fill(
                _el(preamble, "container", name="preambularParagraph", eId=f"preamble__para_{paragraph.number}"
                    + (f"__subpara_{paragraph.item}" if paragraph.item else "")),
                paragraph,
            )

    main = _el(statement, "mainBody")
    current: ET.Element | None = None
    for paragraph in paragraphs:
        if paragraph.kind != ParagraphKind.OPERATIVE:
            continue
        if not paragraph.item:
            current = _el(main, "paragraph", eId=f"para_{paragraph.number}")
            _el(current, "num", f"{paragraph.number}.")
            fill(_el(current, "content"), paragraph)
            continue
        if current is None or current.get("eId") != f"para_{paragraph.number}":
            current = _el(main, "paragraph", eId=f"para_{paragraph.number}")
            _el(current, "num", f"{paragraph.number}.")
        content = current.find(f"{{{AKN_NS}}}content")
        if content is not None:  # the paragraph's own words become the intro of its lettered items
            content.tag = f"{{{AKN_NS}}}intro"
        item = _el(current, "subparagraph", eId=f"para_{paragraph.number}__subpara_{paragraph.item}")
        _el(item, "num", f"({paragraph.item})")
        fill(_el(item, "content"), paragraph)

    def attachment_identification(attachment_meta: ET.Element, eid: str) -> None:
        """An annex's FRBR identification: the resolution's, with the annex's name (…/!annex_1)."""
        identification = _el(attachment_meta, "identification", source="#archive")
        for level, this, uri in (
            ("FRBRWork", f"{work}/!{eid}", work),
            ("FRBRExpression", f"{expression}/!{eid}", expression),
            ("FRBRManifestation", f"{expression}/!{eid}.xml", f"{expression}.akn"),
        ):
            frbr = _el(identification, level)
            _el(frbr, "FRBRthis", value=this)
            _el(frbr, "FRBRuri", value=uri)
            _el(frbr, "FRBRdate", date=adopted or "0001-01-01", name="adoption" if level != "FRBRManifestation" else "generation")
            _el(frbr, "FRBRauthor", href=author if level != "FRBRManifestation" else "#archive")
            if level == "FRBRWork":
                _el(frbr, "FRBRcountry", value="un")
            if level == "FRBRExpression":
                _el(frbr, "FRBRlanguage", language=language)

    add_instrument(
        statement, main, paragraphs, list(resolution.divisions.all()),
        element=_el, fill=fill, frbr=attachment_identification,
    )
    annex = [p for p in paragraphs if p.kind == ParagraphKind.ANNEX and p.division_id is None]
    if annex:
        attachments = _el(statement, "attachments")
        attachment = _el(_el(attachments, "attachment", eId="att_1"), "doc", name="annex")
        annex_body = _el(attachment, "mainBody")
        for paragraph in annex:
            annex_paragraph = _el(annex_body, "paragraph", eId=f"att_1__para_{paragraph.number}")
            fill(_el(annex_paragraph, "content"), paragraph)
    return root


def _alignment_meta(meta: ET.Element, resolution: Resolution, site: str) -> None:
    """<proprietary> with the work's language versions and, for each paragraph, the same paragraph in each.

    Paragraphs pair as the archive aligned them (numbering checked, see resolutions.alignment): an element of
    the same eId in another version is the same paragraph only when listed here as its sibling.
    """
    site = site.rstrip("/")
    work = resolution.work

    def arc(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{VERSIONS_NS}}}{tag}", {k: xml_safe(v) for k, v in attributes.items()})
        if text:
            element.text = xml_safe(text)
        return element

    versions = arc(_el(meta, "proprietary", source="#archive"), "versions", work=work.symbol, alignment=work.alignment)
    for version in versions_of(resolution):
        akn = reverse("resolution-akn", kwargs={"symbol": version.symbol, "language": version.language})
        arc(versions, "version", language=AKN_LANGUAGES.get(version.language, version.language), href=site + akn)
    for mismatch in work.mismatches:
        if resolution.language in mismatch.get("languages", ()):
            codes = " ".join(AKN_LANGUAGES.get(code, code) for code in mismatch["languages"])
            arc(versions, "mismatch", describe_mismatch(mismatch)[1], problem=mismatch["problem"], languages=codes)
    paragraphs = list(resolution.paragraphs.all())
    siblings = siblings_of(paragraphs)
    for paragraph in paragraphs:
        element = arc(versions, "paragraph", eid=paragraph.eid, href=site + paragraph.get_absolute_url())
        for sibling in siblings.get(paragraph.pk, []):
            language = sibling.resolution.language
            arc(element, "sibling", language=AKN_LANGUAGES.get(language, language), eid=sibling.eid,
                href=site + sibling.get_absolute_url())


# --- Search results as CSV ---------------------------------------------------------------------------

CSV_MAX_ROWS = 10_000  # a researcher's export, not a dump of the archive
CSV_COLUMNS = (
    "symbol",
    "language",
    "body",
    "session",
    "adopted_on",
    "eid",
    "kind",
    "number",
    "item",
    "citation_zh",
    "citation_en",
    "url",
    "text",
)


# A cell a spreadsheet would read as a formula (=, +, -, @) or that starts with a tab or carriage return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def search_unavailable_text() -> HttpResponse:
    """The same 503 for a file (CSV, RIS, BibTeX, a feed): plain text that a download or a feed reader shows."""
    response = HttpResponse(
        "搜索暂时无法使用，请稍后再试。Search is briefly unavailable; please try again in a few seconds.\n",
        status=503, content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(SEARCH_RETRY_AFTER_SECONDS)
    return response


def spreadsheet_safe(value) -> str:
    """The cell as text a spreadsheet shows and never runs: a leading ' before =, +, -, @, tab or CR (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def aligned_cells(hit, site: str) -> tuple[str, str]:
    """The aligned paragraph's text and permanent link, or why there is none ("no aligned paragraph")."""
    if hit.aligned is not None:
        return hit.aligned.text, site.rstrip("/") + hit.aligned.get_absolute_url()
    return {"unaligned": "no aligned paragraph", "not_held": "no version held"}.get(hit.aligned_state, ""), ""


def search_rows(arguments: dict, site: str):
    """Every paragraph the search finds (newest resolution first), up to CSV_MAX_ROWS, as CSV rows.

    When the search finds more, a last row says so: a researcher must not take a capped file for all of them.
    The first page is searched before the header is given: a refused query or an engine that cannot answer
    fails before anything is sent (search_csv turns that into 400 or 503).
    """
    page, written, total = 1, 0, 0
    while written < CSV_MAX_ROWS:
        outcome = search_paragraphs(
            arguments["q"],
            filters=arguments["filters"],
            sort="date",
            page=page,
            per_page=MAX_PER_PAGE,
            group=False,
            facets=False,
            beside=arguments.get("beside", ""),
            show_in=arguments.get("show_in", ""),
        )
        aligned = outcome.show_in or outcome.beside
        if page == 1:
            # With beside= or show_in=: the aligned paragraph's text and link in that language, as two more columns.
            yield CSV_COLUMNS + ((f"aligned_text_{aligned}", f"aligned_url_{aligned}") if aligned else ())
        if outcome.page != page or not outcome.hits:
            return
        total = outcome.total
        for hit in outcome.hits:
            paragraph, resolution = hit.paragraph, hit.paragraph.resolution
            yield (
                resolution.symbol,
                resolution.language,
                resolution.body,
                resolution.session,
                resolution.adopted_on.isoformat() if resolution.adopted_on else "",
                paragraph.eid,
                paragraph.kind,
                paragraph.number,
                paragraph.item,
                citation_zh(resolution, paragraph),
                citation_en(resolution, paragraph),
                site.rstrip("/") + paragraph.get_absolute_url(),
                paragraph.text,
            ) + (aligned_cells(hit, site) if aligned else ())
            written += 1
            if written >= CSV_MAX_ROWS:
                break
        page += 1
    if total > written:
        yield (
            f"# 共 {total:,} 段，本文件只列出前 {written:,} 段 · {total:,} paragraphs match; this file lists the first"
            f" {written:,} (the export's limit). Narrow the search to get the rest.",
        )


def search_csv(request: HttpRequest) -> HttpResponse:
    """/search.csv?q=…: the search page's results (same filters), one row per paragraph with its permanent link."""
    arguments = search_arguments(request.GET)
    writer = csv.writer(_Echo())
    found = search_rows(arguments, request.build_absolute_uri("/"))
    try:
        header = next(found)
    except QueryError as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    except SearchUnavailable:
        return search_unavailable_text()
    rows = (writer.writerow([spreadsheet_safe(cell) for cell in row]) for row in chain([header], found))
    # A byte-order mark so that spreadsheet programs read the Chinese as UTF-8.
    response = StreamingHttpResponse(chain(["\ufeff"], rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="search-results.csv"'
    return response


# --- Search results for citation managers (RIS, BibTeX): one record per resolution -------------------------

CITATION_MAX_RECORDS = 2_000  # resolutions in one file: a reading list, not the archive
CITATION_AUTHOR = "United Nations. {body}"  # a corporate author, as library catalogues name the UN's organs


def search_resolutions(arguments: dict):
    """Each resolution with a paragraph the search finds (newest first), up to CITATION_MAX_RECORDS, then the
    number of resolutions found (the caller says so when the file holds fewer).

    The first page is searched before anything is yielded, as in search_rows: a refused query fails first.
    """
    page, written = 1, 0
    while written < CITATION_MAX_RECORDS:
        outcome = search_paragraphs(
            arguments["q"], filters=arguments["filters"], sort="date", page=page, per_page=MAX_PER_PAGE, group=True, facets=False
        )
        if outcome.page != page or not outcome.groups:
            break
        for group in outcome.groups[: CITATION_MAX_RECORDS - written]:
            yield group.resolution
            written += 1
        page += 1


def _resolution_record(resolution: Resolution, site: str) -> dict:
    """What both formats say of a resolution: title, author (the body), dates, language, symbol, numbers, link."""
    return {
        "title": resolution.title,
        "author": CITATION_AUTHOR.format(body=Body(resolution.body).label if resolution.body in Body.values else resolution.body),
        "symbol": resolution.symbol,
        "adopted_on": resolution.adopted_on,
        "language": resolution.language,
        "url": site.rstrip("/") + resolution.get_absolute_url(),
        "job_number": resolution.job_number,
    }


def ris_record(resolution: Resolution, site: str) -> str:
    """One RIS record (TY GOVDOC … ER); lines end in CRLF as the RIS specification asks."""
    record = _resolution_record(resolution, site)
    lines = [("TY", "GOVDOC"), ("TI", record["title"]), ("AU", record["author"]), ("PB", "United Nations")]
    if record["adopted_on"]:
        lines += [("PY", f"{record['adopted_on']:%Y}"), ("DA", f"{record['adopted_on']:%Y/%m/%d}/")]
    lines += [("LA", record["language"]), ("M1", record["symbol"]), ("UR", record["url"])]
    if record["job_number"]:
        lines.append(("AN", record["job_number"]))  # the UN's document (job) number
    lines.append(("ER", ""))
    # A line break inside a value would start a new tag: RIS values are one line each.
    return "".join(f"{tag}  - {' '.join(str(value).split())}\r\n" for tag, value in lines) + "\r\n"


BIBTEX_SPECIAL_RE = re.compile(r"([\\{}&%$#_^~])")
BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def bibtex_text(value: str) -> str:
    """A field's text with BibTeX's and LaTeX's special characters escaped (& % $ # _ { } \\ ^ ~), on one line."""
    value = " ".join(xml_safe(value).split())
    return BIBTEX_SPECIAL_RE.sub(lambda m: BIBTEX_ESCAPES.get(m.group(1), "\\" + m.group(1)), value)


def bibtex_key(resolution: Resolution) -> str:
    """A key from the symbol and language, stable across re-ingest and unique (one resolution per symbol and
    language): A/RES/67/161 in Chinese is un_a_res_67_161_zh."""
    return "un_" + re.sub(r"[^a-z0-9]+", "_", f"{resolution.symbol}_{resolution.language}".lower()).strip("_")


def bibtex_record(resolution: Resolution, site: str) -> str:
    record = _resolution_record(resolution, site)
    fields = [
        ("author", "{" + bibtex_text(record["author"]) + "}"),  # braced: a corporate name, not a person's
        ("title", "{" + bibtex_text(record["title"]) + "}"),
        ("number", bibtex_text(record["symbol"])),
        ("type", "Resolution"),
        ("organization", "United Nations"),
    ]
    if record["adopted_on"]:
        fields += [("date", record["adopted_on"].isoformat()), ("year", f"{record['adopted_on']:%Y}")]
    fields += [("language", record["language"]), ("url", record["url"])]
    if record["job_number"]:
        fields.append(("note", f"UN document {bibtex_text(record['job_number'])}"))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(resolution)},\n{body}\n}}\n\n"


def _citation_export(request: HttpRequest, write, content_type: str, filename: str, note) -> HttpResponse:
    """A streamed file of one record per resolution the search finds; 400 for a refused query, 503 when the
    engine cannot answer (before anything is sent)."""
    arguments = search_arguments(request.GET)
    site = request.build_absolute_uri("/")
    try:
        first = search_paragraphs(arguments["q"], filters=arguments["filters"], sort="date", per_page=1, group=True, facets=False)
    except QueryError as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain; charset=utf-8")
    except SearchUnavailable:
        return search_unavailable_text()

    def records():
        for resolution in search_resolutions(arguments):
            yield write(resolution, site)
        if first.total_groups > CITATION_MAX_RECORDS:
            yield note(first.total_groups)

    response = StreamingHttpResponse(records(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _capped(total: int) -> str:
    return (
        f"共 {total:,} 项决议，本文件只列出前 {CITATION_MAX_RECORDS:,} 项 · {total:,} resolutions match; this file lists"
        f" the first {CITATION_MAX_RECORDS:,} (the export's limit). Narrow the search to get the rest."
    )


def search_ris(request: HttpRequest) -> HttpResponse:
    """/search.ris?q=…: one RIS record per resolution with a matching paragraph (same filters as the page)."""
    return _citation_export(
        request, ris_record, "application/x-research-info-systems; charset=utf-8", "search-results.ris",
        lambda total: f"TY  - GEN\r\nTI  - {_capped(total)}\r\nER  - \r\n\r\n",
    )


def search_bibtex(request: HttpRequest) -> HttpResponse:
    """/search.bib?q=…: one BibTeX @misc entry per resolution with a matching paragraph (same filters as the page)."""
    return _citation_export(
        request, bibtex_record, "application/x-bibtex; charset=utf-8", "search-results.bib",
        lambda total: f"@comment{{{_capped(total)}}}\n",
    )
