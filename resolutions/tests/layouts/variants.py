"""The typeset variants: which document, which maker, which layout, and which of issue 12's failure classes
each exercises. `build` writes them all into a folder (the LibreOffice ones in one soffice call).

Failure classes (issue 12, "Layouts it must read"):
1. footnote separator drawn as a line, or none: footnotes told by geometry (place, size, superscripts)
2. paragraph breaks shown only by a first-line indent
3. Geneva page furniture at the top of pages (symbol, page number, GE. job number, either order, barcode)
4. a sentence going on across a page after ， ； ：
5. footnote markers glued to the next word, after closing quotes and brackets
6. Word files: footnotes part, headers and footers, list numbering
7. full-width digits and slashes in references, 另见A/HRC/… without a space
Classes 3, 4, 5 and 7 are the text parser's rules where the layout leaves them to the text (`text_rules`).
"""
from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .blocks import Printed, printed
from .truth import Source, load_source
from .typeset_docx import DocxLayout, make_docx
from .typeset_pdf import FONT_FILES, LETTER, NARROW, PdfLayout, typeset

SOURCES = {
    "45_32": "A_HRC_RES_45_32.txt",
    "67_161": "A_RES_67_161.txt",
    "udhr": "A_RES_217_A_III.pdf",
    "78_171": "A_RES_78_171.txt",
    "79_155": "A_RES_79_155.txt",
    "78_220": "A_RES_78_220.txt",
}
ZH_CLAUSES = ("，", "；", "：")


@dataclass(frozen=True)
class Variant:
    name: str
    source: str  # a key of SOURCES
    maker: str  # "reportlab", "libreoffice" (a .docx converted to PDF) or "docx"
    layout: PdfLayout | DocxLayout
    classes: tuple[int, ...] = ()
    text_rules: bool = False  # passes only once the text parser has the rules of its classes
    full_width_references: bool = False
    see_also_glued: bool = False
    note: str = field(default="", compare=False)

    @property
    def suffix(self) -> str:
        return ".docx" if self.maker == "docx" else ".pdf"

    @property
    def filename(self) -> str:
        return self.name + self.suffix


def _pdf(**options) -> PdfLayout:
    return PdfLayout(**options)


EN = {"font": "Liberation Serif", "size": 11, "indent": 3.0}
VARIANTS: tuple[Variant, ...] = (
    # -- reportlab: classes 1 and 2 through the PDF reader's geometry --------------------------------------
    Variant("rl-zh-45_32-a4-typed-rule", "45_32", "reportlab", _pdf(), note="the layout the seed texts come from"),
    Variant("rl-zh-45_32-letter-drawn-rule-indent-only", "45_32", "reportlab",
            _pdf(page=LETTER, font="WenQuanYi Zen Hei Sharp", separator="drawn", paragraphs="indent"), (1, 2)),
    Variant("rl-zh-67_161-a4-drawn-rule-superscript-numbers", "67_161", "reportlab",
            _pdf(separator="drawn", footnote_numbers="super", size=11), (1,)),
    Variant("rl-zh-67_161-narrow-songti-no-rule", "67_161", "reportlab",
            _pdf(page=NARROW, font="STSong-Light", separator="none", paragraphs="gap", margins=(50, 50, 60, 60)), (1,)),
    Variant("rl-zh-67_161-letter-indent-only-justified", "67_161", "reportlab",
            _pdf(page=LETTER, paragraphs="indent", justify=True, job="12-48825"), (2,)),
    Variant("rl-zh-udhr-a4-indent-only", "udhr", "reportlab", _pdf(paragraphs="indent", furniture="none"), (2,)),
    Variant("rl-zh-udhr-letter-songti-gaps", "udhr", "reportlab",
            _pdf(page=LETTER, font="STSong-Light", paragraphs="gap", furniture="none", size=12)),
    Variant("rl-en-78_171-letter-drawn-rule", "78_171", "reportlab",
            _pdf(page=LETTER, separator="drawn", job="23-25972", **EN), (1,)),
    Variant("rl-en-79_155-a4-indent-only-drawn-rule-justified", "79_155", "reportlab",
            _pdf(font="DejaVu Serif", size=10, indent=3.0, paragraphs="indent", separator="drawn", justify=True,
                 job="24-24147"), (1, 2)),
    Variant("rl-en-78_220-narrow-sans-no-rule", "78_220", "reportlab",
            _pdf(page=NARROW, font="Liberation Sans", size=9.5, margins=(45, 45, 60, 60), paragraphs="indent",
                 separator="none", footnote_numbers="super", indent=2.5, job="23-25993"), (1, 2)),
    # -- class 4: a page break after a clause ---------------------------------------------------------------
    Variant("rl-zh-67_161-page-breaks-after-clauses-indented", "67_161", "reportlab",
            _pdf(paragraphs="both", break_after=ZH_CLAUSES, job="12-48825"), (4,),
            note="paragraphs start indented: the reader sees that the sentence goes on"),
    Variant("rl-en-78_171-page-breaks-after-clauses-indented", "78_171", "reportlab",
            _pdf(page=LETTER, break_after=(",", ";"), job="23-25972", **EN), (4,)),
    Variant("rl-zh-45_32-page-breaks-after-clauses-gaps-only", "45_32", "reportlab",
            _pdf(paragraphs="gap", break_after=ZH_CLAUSES), (4,), text_rules=True,
            note="no indents: only the words can tell that the sentence goes on"),
    # -- class 5: markers ------------------------------------------------------------------------------------
    Variant("rl-zh-67_161-superscript-markers-after-brackets", "67_161", "reportlab",
            _pdf(page=LETTER, font="WenQuanYi Zen Hei Sharp", separator="drawn"), (5,),
            note="《罗马规约》3作了: superscripts, told by the reader"),
    Variant("rl-en-79_155-superscript-markers-glued", "79_155", "reportlab",
            _pdf(font="Times-Roman", size=11, indent=3.0, glue=True, job="24-24147"), (5,)),
    Variant("rl-zh-67_161-inline-markers", "67_161", "reportlab", _pdf(markers="inline"), (5,), text_rules=True,
            note="markers set on the baseline at full size: only the words can tell them"),
    Variant("rl-en-78_171-inline-markers-glued", "78_171", "reportlab",
            _pdf(markers="inline", glue=True, job="23-25972", **EN), (5,), text_rules=True),
    # -- class 3: Geneva furniture ---------------------------------------------------------------------------
    Variant("rl-zh-45_32-geneva-symbol-page-job-barcode", "45_32", "reportlab",
            _pdf(furniture="geneva", furniture_order=("symbol", "page", "job"), job="GE.20-13056(C)", barcode=True),
            (3,), text_rules=True),
    Variant("rl-zh-67_161-geneva-job-page-symbol", "67_161", "reportlab",
            _pdf(furniture="geneva", furniture_order=("job", "page", "symbol"), job="GE.12-48825(C)"), (3,),
            text_rules=True),
    Variant("rl-en-79_155-geneva-page-job-symbol-barcode", "79_155", "reportlab",
            _pdf(furniture="geneva", furniture_order=("page", "job", "symbol"), job="GE.24-24147(E)", barcode=True,
                 **EN), (3,), text_rules=True),
    # -- class 7: full-width references ----------------------------------------------------------------------
    Variant("rl-zh-67_161-full-width-references", "67_161", "reportlab", _pdf(job="12-48825"), (7,),
            text_rules=True, full_width_references=True),
    Variant("rl-zh-45_32-full-width-references-see-also-glued", "45_32", "reportlab", _pdf(page=LETTER), (7,),
            text_rules=True, full_width_references=True, see_also_glued=True),
    # -- LibreOffice: real Word files typeset by another engine ---------------------------------------------
    Variant("lo-zh-45_32-a4-noto-serif", "45_32", "libreoffice", DocxLayout(), (1, 6)),
    Variant("lo-zh-67_161-letter-indent-only-style-numbering", "67_161", "libreoffice",
            DocxLayout(page=LETTER, paragraphs="indent", numbering="style", job="12-48825"), (1, 2, 6)),
    Variant("lo-en-78_171-masthead-table", "78_171", "libreoffice",
            DocxLayout(masthead_table=True, job="23-25972", indent=3.0), (1, 6)),
    Variant("lo-en-79_155-letter-indent-only-justified", "79_155", "libreoffice",
            DocxLayout(page=LETTER, latin_font="DejaVu Serif", paragraphs="indent", indent=3.0, justify=True,
                       job="24-24147"), (1, 2, 6)),
    Variant("lo-zh-udhr-noto-sans", "udhr", "libreoffice", DocxLayout(font="Noto Sans CJK SC", header="", footer="")),
    # -- Word files read as they are --------------------------------------------------------------------------
    Variant("docx-zh-45_32-list-numbering", "45_32", "docx", DocxLayout(), (6,)),
    Variant("docx-zh-67_161-style-numbering", "67_161", "docx", DocxLayout(numbering="style", paragraphs="indent"), (6,)),
    Variant("docx-en-78_171-masthead-table", "78_171", "docx", DocxLayout(masthead_table=True, job="23-25972"), (6,)),
    Variant("docx-en-79_155-list-numbering", "79_155", "docx", DocxLayout(job="24-24147"), (6,)),
    Variant("docx-en-78_220-typed-numbers", "78_220", "docx", DocxLayout(numbering="typed"), (6,)),
    Variant("docx-zh-udhr", "udhr", "docx", DocxLayout(header="", footer="")),
)


@functools.cache
def _load(key: str) -> Source:
    return load_source(SOURCES[key])


def source(variant: Variant) -> Source:
    return _load(variant.source)


def printed_of(variant: Variant) -> Printed:
    return printed(source(variant), full_width_references=variant.full_width_references,
                   see_also_glued=variant.see_also_glued)


def missing_tools(variant: Variant) -> str:
    """Why `variant` cannot be made on this machine ("" when it can)."""
    if variant.maker == "libreoffice" and not shutil.which("soffice"):
        return "LibreOffice is not installed (apt-get install libreoffice-writer-nogui fonts-noto-cjk)"
    if variant.maker == "reportlab":
        font = variant.layout.font
        if font in FONT_FILES and not Path(FONT_FILES[font][0]).exists():
            return f"the font file {FONT_FILES[font][0]} is missing (apt-get install fonts-wqy-zenhei fonts-dejavu-core fonts-liberation)"
    return ""


def build(variants: tuple[Variant, ...], folder: Path) -> dict[str, Path]:
    """Write every variant that can be made here into `folder`; name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for_libreoffice: list[tuple[Variant, Path]] = []
    for variant in variants:
        if missing_tools(variant):
            continue
        content = printed_of(variant)
        symbol = source(variant).symbol
        if variant.maker == "reportlab":
            path = folder / variant.filename
            path.write_bytes(typeset(content, variant.layout, symbol=symbol))
            made[variant.name] = path
        else:
            docx = folder / (variant.name + ".docx")
            docx.write_bytes(make_docx(content, variant.layout, symbol=symbol))
            if variant.maker == "docx":
                made[variant.name] = docx
            else:
                for_libreoffice.append((variant, docx))
    if for_libreoffice:
        made.update(_convert_with_libreoffice(for_libreoffice, folder))
    return made


def _convert_with_libreoffice(jobs: list[tuple[Variant, Path]], folder: Path) -> dict[str, Path]:
    """All .docx files to PDF in one soffice run (each start costs seconds), with a profile of its own."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
             "--outdir", str(folder), *(str(docx) for _, docx in jobs)],
            check=True, capture_output=True, timeout=600,
        )
    made = {}
    for variant, docx in jobs:
        pdf = docx.with_suffix(".pdf")
        if not pdf.exists():
            raise RuntimeError(f"LibreOffice did not convert {docx.name}")
        made[variant.name] = pdf
    return made
