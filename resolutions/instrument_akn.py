"""An instrument's structure in the Akoma Ntoso export: annexes as <attachments>, each a <doc> with its
preamble (formulas and recitals), <chapter>, <part>, <section>, <article>, <paragraph>, <subparagraph>, <point>
and closing words; the Universal Declaration's articles in the <mainBody> of the statement itself.

eIds are the archive's own addresses written the Akoma Ntoso way: annex_1/art_5/para_2 -> att_1__art_5__para_2,
art_19/para_1 -> art_19__para_1, so that an eId and a permanent link always name the same place.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from .models import Division, DivisionKind, Paragraph

# Akoma Ntoso element of each division kind (conclusions and preambles have their own places in a <doc>).
HIERARCHY_TAGS = {
    DivisionKind.PART: "part",
    DivisionKind.CHAPTER: "chapter",
    DivisionKind.SECTION: "section",
    DivisionKind.ARTICLE: "article",
}


def akn_eid(eid: str) -> str:
    """annex_1/art_5/para_2 -> att_1__art_5__para_2 (an annex is an attachment)."""
    steps = eid.split("/")
    if steps[0].startswith("annex_"):
        steps[0] = "att_" + steps[0].removeprefix("annex_")
    return "__".join(steps)


def add_instrument(
    statement: ET.Element,
    main: ET.Element,
    paragraphs: list[Paragraph],
    divisions: list[Division],
    *,
    element: Callable[..., ET.Element],
    fill: Callable[[ET.Element, Paragraph], None],
    frbr: Callable[[ET.Element, str], None],
) -> None:
    """Write the structured paragraphs of a resolution: articles outside any annex into `main`, each annex
    into <attachments> of `statement`. `element(parent, tag, text=None, **attributes)` makes an element,
    `fill(parent, paragraph)` writes a paragraph's text with its references and notes, `frbr(meta, name)` the
    identification of an attachment."""
    by_pk = {d.pk: d for d in divisions}
    structured = [p for p in paragraphs if p.division_id in by_pk]
    if not structured:
        return
    made: dict[int, ET.Element] = {}  # division pk -> its element
    bodies: dict[int, dict[str, ET.Element]] = {}  # annex pk -> its doc's parts
    attachments: ET.Element | None = None
    paragraph_elements: dict[str, ET.Element] = {}

    def annex_part(annex: Division, part: str) -> ET.Element:
        nonlocal attachments
        if annex.pk not in bodies:
            if attachments is None:
                attachments = element(statement, "attachments")
            attachment = element(attachments, "attachment", eId=akn_eid(annex.eid))
            doc = element(attachment, "doc", name="annex")
            meta = element(doc, "meta")
            frbr(meta, annex.eid)
            parts = {"doc": doc}
            if annex.heading or annex.num:
                preface = element(doc, "preface")
                if annex.num:
                    element(element(preface, "p"), "docNumber", annex.num)
                if annex.heading:
                    element(element(preface, "p"), "docTitle", annex.heading)
            bodies[annex.pk] = parts
        parts = bodies[annex.pk]
        if part not in parts:
            # A <doc> keeps its parts in this order whatever order they are first needed in.
            order = ["preface", "preamble", "mainBody", "conclusions"]
            parts[part] = ET.Element(f"{{{_namespace(parts['doc'])}}}{part}")
            doc = parts["doc"]
            children = list(doc)
            position = sum(1 for child in children if _local(child.tag) in ("meta", *order[: order.index(part)]))
            doc.insert(position, parts[part])
        return parts[part]

    def container_of(division: Division) -> ET.Element:
        """The element a division's content goes into, made (with its ancestors) on first use."""
        if division.pk in made:
            return made[division.pk]
        parent = by_pk.get(division.parent_id)
        annex = _annex_of(division, by_pk)
        kind = DivisionKind(division.kind)
        if kind == DivisionKind.ANNEX:
            made[division.pk] = annex_part(division, "mainBody")
            return made[division.pk]
        if kind == DivisionKind.PREAMBLE:
            made[division.pk] = annex_part(annex, "preamble") if annex else main
            return made[division.pk]
        if kind == DivisionKind.CONCLUSIONS:
            made[division.pk] = annex_part(annex, "conclusions") if annex else main
            return made[division.pk]
        if parent is not None and DivisionKind(parent.kind) != DivisionKind.ANNEX:
            holder = container_of(parent)
        elif annex is not None:
            holder = annex_part(annex, "mainBody")
        else:
            holder = main
        node = element(holder, HIERARCHY_TAGS[kind], eId=akn_eid(division.eid))
        if division.num:
            element(node, "num", division.num)
        if division.heading:
            element(node, "heading", division.heading)
        made[division.pk] = node
        return node

    for paragraph in structured:
        division = by_pk[paragraph.division_id]
        holder = container_of(division)
        kind = DivisionKind(division.kind)
        eid = akn_eid(paragraph.eid)
        if kind == DivisionKind.PREAMBLE:
            if "/formula_" in paragraph.eid:
                fill(element(holder, "formula", name="enactingFormula", eId=eid), paragraph)
            else:
                fill(element(holder, "container", name="recital", eId=eid), paragraph)
            continue
        if kind == DivisionKind.CONCLUSIONS:
            fill(holder, paragraph)
            continue
        parent_eid = paragraph.eid.rsplit("/", 1)[0]
        parent = paragraph_elements.get(parent_eid) if paragraph.item else None
        if parent is not None:
            content = parent.find(f"{{{_namespace(parent)}}}content")
            if content is not None:  # the paragraph's own words become the intro of its subparagraphs
                content.tag = f"{{{_namespace(parent)}}}intro"
            node = element(parent, "point" if "/point_" in paragraph.eid else "subparagraph", eId=eid)
        else:
            node = element(holder, "paragraph", eId=eid)
        if paragraph.num:
            element(node, "num", paragraph.num)
        fill(element(node, "content"), paragraph)
        paragraph_elements[paragraph.eid] = node


def _annex_of(division: Division, by_pk: dict[int, Division]) -> Division | None:
    while division is not None and division.kind != DivisionKind.ANNEX:
        division = by_pk.get(division.parent_id)
    return division


def _namespace(element: ET.Element) -> str:
    return element.tag[1:].split("}")[0]


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]
