"""Files for upload tests, built from the real documents in data/: a .docx, re-encoded texts and bad PDFs."""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

DATA = Path(__file__).parent / "data"


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def word_document(paragraphs: list[str]) -> bytes:
    """A Word document with one Word paragraph per item of `paragraphs`, made with python-docx."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_paragraphs_of_45_32() -> list[str]:
    """Resolution 45/32 laid out as the UN's Word version is: one Word paragraph per printed paragraph.

    The PDF extraction in data/A_HRC_RES_45_32.txt breaks every paragraph into printed lines (a new
    paragraph starts on an indented line) and interleaves page furniture. Here the masthead and
    closing lines are kept as they are and each paragraph's lines are joined back, with the page
    headers and the footnote block (Word keeps footnotes apart from the body) left out.
    """
    lines = [line for line in data_file("A_HRC_RES_45_32.txt").decode("utf-8").splitlines() if line.strip()]
    opening = next(i for i, line in enumerate(lines) if line.strip() == "人权理事会，")
    closing = next(i for i, line in enumerate(lines) if line.strip() == "2020 年 10 月 7 日")
    # Running headers, job numbers, page numbers, footnote markers and the footnote block.
    furniture = re.compile(r"^(A/HRC/RES/45/32|GE\.20-\S+|\d+/\d+|\d+|_+|\d+ .*)$")
    paragraphs: list[str] = []
    for line in lines[opening + 1 : closing]:
        if furniture.match(line.strip()):
            continue
        if line.startswith(" ") or not paragraphs:
            paragraphs.append(line.strip())
        else:
            paragraphs[-1] += line.strip()
    # Word keeps a footnote reference out of the paragraph's text; the extraction glued it on: "…必要性；1".
    paragraphs = [re.sub(r"(?<=[；，。])\d+$", "", paragraph) for paragraph in paragraphs]
    return [line.strip() for line in lines[: opening + 1]] + paragraphs + [line.strip() for line in lines[closing:]]


def damaged_pdf(source: bytes) -> bytes:
    """A real PDF cut off after its first kilobytes, as an interrupted download leaves it."""
    return source[:3000]


def scanned_pdf(source: bytes) -> bytes:
    """A PDF whose only page is a picture of the first page of `source`: no text layer, like a scan."""
    import pypdfium2 as pdfium

    original = pdfium.PdfDocument(source)
    width, height = original[0].get_size()
    bitmap = original[0].render(scale=1)
    scan = pdfium.PdfDocument.new()
    page = scan.new_page(width, height)
    image = pdfium.PdfImage.new(scan)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    buffer = io.BytesIO()
    scan.save(buffer)
    return buffer.getvalue()


# The Standard security handler, revision 2 (40-bit RC4), PDF 1.7 section 7.6.3: short enough to write here.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def encrypted_pdf(text: str, *, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """A one-page PDF showing `text`, encrypted so that it opens only with `user_password`."""
    def padded(password: str) -> bytes:
        return (password.encode("latin-1") + _PAD)[:32]

    permissions = -4
    file_id = hashlib.md5(text.encode()).digest()
    owner_entry = _rc4(hashlib.md5(padded(owner_password)).digest()[:5], padded(user_password))
    key = hashlib.md5(padded(user_password) + owner_entry + permissions.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    user_entry = _rc4(key, _PAD)

    def encrypt(number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(key + number.to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
        return _rc4(object_key, data)

    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = encrypt(4, f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (owner_entry.hex().encode(), user_entry.hex().encode(), permissions),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1, file_id.hex().encode(), file_id.hex().encode()
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
