"""read_source and decode_text: every accepted encoding and format, and a clear SourceError for the rest."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from resolutions.parsing import ParseError, SourceError, parse_resolution
from resolutions.parsing.sources import decode_text, read_source

DATA = Path(__file__).parent / "data"
TEXT_45_32 = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_chinese_text_decodes_the_same_in_every_accepted_encoding(encoding):
    assert decode_text(TEXT_45_32.encode(encoding)) == TEXT_45_32


def test_bom_less_utf16_of_pure_chinese_is_not_mistaken_for_gb18030():
    assert decode_text("人权理事会".encode("utf-16-le")) == "人权理事会"
    assert decode_text("人权理事会".encode("utf-16-be")) == "人权理事会"


def test_gb18030_upload_parses_like_the_utf8_text():
    parsed = parse_resolution(read_source(TEXT_45_32.encode("gb18030"), "A_HRC_RES_45_32.txt"))
    assert parsed.symbol == "A/HRC/RES/45/32"
    assert parsed.title == "加强人权领域的技术合作和能力建设"


def test_source_error_is_a_parse_error():
    assert issubclass(SourceError, ParseError)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\xef\xbb\xbf  \n", "bom.txt", "empty"),
        (bytes(range(256)) * 20, "blob.bin", "binary"),
        (b"%PDF-1.7\n1 0 obj garbage", "broken.pdf", "damaged"),
        (b"PK\x03\x04 not really a zip", "broken.docx", "damaged"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "picture.pdf", "not a PDF"),
    ],
    ids=["empty", "bom-only", "binary", "damaged-pdf", "damaged-docx", "named-pdf-but-gif"],
)
def test_unreadable_uploads_raise_source_error_with_a_human_message(data, name, message):
    with pytest.raises(SourceError) as info:
        read_source(data, name)
    assert message in str(info.value)


def test_pdf_without_a_text_layer_says_it_is_scanned():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    with pytest.raises(SourceError) as info:
        read_source(buffer.getvalue(), "scan.pdf")
    assert "scanned, no text layer; OCR is not attempted" in str(info.value)


def test_encrypted_pdf_is_refused():
    # A PDF whose /Encrypt dictionary needs a user password pdfium does not have.
    pdf = (DATA / "A_RES_78_171.pdf").read_bytes()
    encrypted = pdf.replace(b"trailer\n<<", b"trailer\n<</Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 "
                            b"/O <00> /U <00> /P -4 >>", 1)
    if encrypted == pdf:  # cross-reference streams: the trailer lives in the xref stream object
        encrypted = pdf.replace(b"/Type/XRef", b"/Type/XRef/Encrypt<</Filter/Standard/V 2/R 3/Length 128/O<00>/U<00>/P -4>>", 1)
    with pytest.raises(SourceError) as info:
        read_source(encrypted, "locked.pdf")
    assert "encrypted" in str(info.value) or "damaged" in str(info.value)


def test_pdf_over_the_time_limit_is_cut_off():
    with pytest.raises(SourceError) as info:
        read_source((DATA / "A_RES_78_171.pdf").read_bytes(), "A_RES_78_171.pdf", time_limit=0)
    assert "longer than the 0 s limit" in str(info.value)


def test_pdf_footnote_markers_land_on_their_own_line():
    text = read_source((DATA / "A_RES_78_171.pdf").read_bytes(), "A_RES_78_171.pdf")
    assert "persons with albinism\n11\nand 24/33 of 27 September" in text
    assert "37/5 of 22 March 2018\n14\nand 46/12 of 23 March 2021\n15\npertaining" in text
    assert "United Nations A/RES/78/171" in text


def test_glyph_spaced_chinese_pdf_comes_out_without_spaces_between_characters():
    text = read_source((DATA / "A_RES_217_A_III.pdf").read_bytes(), "A_RES_217_A_III.pdf")
    assert "1948 年 12 月 10 日，联合国大会通过并颁布《世界人权宣言》。" in text
    assert "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并\n应以兄弟关系的精神相对待。" in text


def test_docx_paragraphs_become_indented_lines_and_parse():
    import docx

    document = docx.Document()
    for line in TEXT_45_32.split("\n"):
        if line.strip():
            document.add_paragraph(line.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_source(buffer.getvalue(), "A_HRC_RES_45_32.docx")
    assert text.startswith(" 人权理事会\n\n 第四十五届会议")
    parsed = parse_resolution(text)
    assert parsed.symbol == "A/HRC/RES/45/32"
    assert parsed.paragraphs[0].text.startswith("遵循《联合国宪章》的宗旨和原则")
