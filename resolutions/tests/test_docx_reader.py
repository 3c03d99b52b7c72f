"""The Word reader: footnotes, list numbers, headers and footers, tracked changes; and the ZIP checks that
refuse a decompression bomb before any member is read (issue 18, item 2)."""
from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import pytest

from resolutions.parsing import SourceError, parse_resolution
from resolutions.parsing.archives import MAX_MEMBERS
from resolutions.parsing.sources import read_source
from resolutions.tests.layouts.blocks import printed
from resolutions.tests.layouts.truth import load_source
from resolutions.tests.layouts.typeset_docx import DocxLayout, make_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def word_file(body: str, *, footnotes: str = "", numbering: str = "", header: str = "") -> bytes:
    """A minimal .docx written by hand: document.xml with `body`, and the parts asked for."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/>'
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.numbering+xml"/>'
            '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.header+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ),
    }
    rels = []
    if footnotes:
        parts["word/footnotes.xml"] = f'<w:footnotes xmlns:w="{W}">{footnotes}</w:footnotes>'
        rels.append(("footnotes", "footnotes.xml"))
    if numbering:
        parts["word/numbering.xml"] = f'<w:numbering xmlns:w="{W}">{numbering}</w:numbering>'
        rels.append(("numbering", "numbering.xml"))
    section = ""
    if header:
        parts["word/header1.xml"] = f'<w:hdr xmlns:w="{W}"><w:p><w:r><w:t>{header}</w:t></w:r></w:p></w:hdr>'
        rels.append(("header", "header1.xml"))
        section = ('<w:sectPr><w:headerReference xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships" w:type="default" r:id="rId3"/></w:sectPr>')
    parts["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                  f'relationships/{kind}" Target="{target}"/>' for i, (kind, target) in enumerate(rels))
        + "</Relationships>"
    )
    parts["word/document.xml"] = f'<w:document xmlns:w="{W}"><w:body>{body}{section}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return buffer.getvalue()


def para(text: str, props: str = "") -> str:
    return f"<w:p>{'<w:pPr>' + props + '</w:pPr>' if props else ''}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


LIST = (
    '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="(%2)"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>'
)


def numbered(text: str, level: int) -> str:
    return para(text, f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr>')


def test_list_numbers_are_written_as_the_reader_sees_them_and_items_restart_under_each_paragraph():
    body = (para("The General Assembly,") + numbered("Decides:", 0) + numbered("to act;", 1) + numbered("to report;", 1)
            + numbered("Requests:", 0) + numbered("a study;", 1))
    text = read_source(word_file(body, numbering=LIST), "list.docx")
    assert text.split("\n\n") == [" The General Assembly,", " 1. Decides:", " (a) to act;", " (b) to report;",
                                  " 2. Requests:", " (a) a study;"]


def test_footnotes_come_from_the_footnotes_part_numbered_in_order_of_reference_not_by_id():
    body = ('<w:p><w:r><w:t xml:space="preserve">Recalling its resolution 70/1,</w:t></w:r>'
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="9"/></w:r>'
            '<w:r><w:t xml:space="preserve"> and the Charter</w:t></w:r>'
            '<w:r><w:footnoteReference w:id="4"/></w:r></w:p>')
    notes = ('<w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
             '<w:footnote w:id="4"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Second.</w:t></w:r></w:p></w:footnote>'
             '<w:footnote w:id="9"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See resolution 70/1.</w:t></w:r></w:p></w:footnote>')
    text = read_source(word_file(body, footnotes=notes), "notes.docx")
    assert text == " Recalling its resolution 70/1,\n1\nand the Charter\n2\n\n_______________\n1 See resolution 70/1.\n2 Second."


def test_headers_deleted_and_hidden_text_stay_out_and_inserted_text_is_read():
    body = ('<w:p><w:r><w:t xml:space="preserve">Reaffirming </w:t></w:r>'
            '<w:del w:id="1" w:author="x"><w:r><w:delText>never </w:delText></w:r></w:del>'
            '<w:ins w:id="2" w:author="x"><w:r><w:t xml:space="preserve">also </w:t></w:r></w:ins>'
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden </w:t></w:r>'
            '<w:r><w:t>the Declaration,</w:t></w:r></w:p>')
    text = read_source(word_file(body, header="A/RES/78/171"), "tracked.docx")
    assert text == " Reaffirming also the Declaration,"


def test_table_cells_are_read_in_order():
    body = ('<w:tbl><w:tr><w:tc>' + para("United Nations") + '</w:tc><w:tc>' + para("A/RES/78/171") + '</w:tc></w:tr></w:tbl>'
            + para("The General Assembly,"))
    assert read_source(word_file(body), "table.docx").split("\n\n") == [" United Nations", " A/RES/78/171",
                                                                        " The General Assembly,"]


def test_a_generated_word_file_parses_to_its_truth():
    source = load_source("A_RES_78_171.txt")
    content = printed(source)
    parsed = parse_resolution(read_source(make_docx(content, DocxLayout(), symbol=source.symbol), "x.docx"))
    assert [(p.eid, p.text) for p in parsed.paragraphs] == [(p.eid, p.text) for p in content.expected.paragraphs]
    assert [[m.number for m in p.footnotes] for p in parsed.paragraphs] == [
        [m.number for m in p.footnotes] for p in content.expected.paragraphs]
    assert [(f.number, f.text) for f in parsed.footnotes] == [(f.number, f.text) for f in content.expected.footnotes]


# -- decompression bombs -----------------------------------------------------------------------------------


def _deflated_spaces(total: int) -> bytes:
    """A raw deflate stream of `total` spaces, made from one compressed MiB repeated: after a full flush the
    compressor's output for the same input is the same, so nothing of the whole is ever held or written."""
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (total // len(chunk)) + b"\x03\x00"  # then an empty final block


def bomb(*, declared: int, actual: int, crc: int = 0) -> bytes:
    """A .docx whose word/document.xml unpacks to `actual` bytes while its directory says `declared`."""
    data = _deflated_spaces(actual)
    name = b"word/document.xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), declared, len(name),
                          0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    return local + data + central + end


def refused(data: bytes) -> tuple[str, float, int]:
    """read_source's refusal of `data`: the message, the seconds it took, the peak of memory allocated."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SourceError) as info:
            read_source(data, "bomb.docx")
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return str(info.value), elapsed, peak


def test_a_1_mb_docx_unpacking_to_1_gib_is_refused_quickly_with_little_memory():
    data = bomb(declared=1 << 30, actual=1 << 30)
    assert len(data) < 1_200_000  # about 1 MB on disk
    message, elapsed, peak = refused(data)
    assert "would unpack to 1.0 GB" in message and "decompression bomb" in message
    assert elapsed < 1.0 and peak < len(data) * 3 + 5_000_000


def test_a_docx_whose_directory_understates_a_member_is_refused_without_unpacking_it():
    data = bomb(declared=64 * 1024, actual=1 << 30)
    message, elapsed, peak = refused(data)
    assert "damaged" in message  # zipfile stops at the stated size, where the checksum does not match
    assert elapsed < 2.0 and peak < len(data) * 3 + 5_000_000


def test_an_understated_member_with_a_matching_checksum_is_never_unpacked_past_its_stated_size():
    stated = 64 * 1024
    data = bomb(declared=stated, actual=1 << 30, crc=zlib.crc32(b" " * stated))
    message, elapsed, peak = refused(data)
    assert "damaged" in message  # python-docx reads the stated 64 KB of spaces: no XML
    assert elapsed < 2.0 and peak < len(data) * 3 + 5_000_000


def test_a_member_compressed_beyond_any_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:p/>" * 2_000_000)  # 12 MB at about 1000:1
    message, _, _ = refused(buffer.getvalue())
    assert "compressed" in message and "to 1" in message and "word/document.xml" in message


def test_a_package_of_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for index in range(MAX_MEMBERS + 1):
            package.writestr(f"word/media/{index}.xml", b"")
    message, _, _ = refused(buffer.getvalue())
    assert f"holds {MAX_MEMBERS + 1:,} parts" in message
