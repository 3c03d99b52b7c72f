"""Series of resolutions: which symbol follows which, and what each text kept from the one before.

A resolution follows an earlier one of the same body (an earlier session) when

- it cites it ("Recalling its resolution 78/212 of 19 December 2023", "回顾其……第 78/198 号决议": the
  parsed Reference rows) and their titles are alike (TITLE_SIMILAR_MIN of their words, in one language:
  "Freedom of religion or belief" / "Freedom of religion and belief"), or
- their titles are the same once folded (case, width, script, punctuation and spacing), cited or not
  ("The right to food" does not cite last year's text);

and of the earlier resolutions that qualify it follows the latest. A curator's SeriesDecision ("X follows
Y", or "X starts a series") always wins over detection. Members are keyed by symbol, so a series holds for
every language version and survives re-ingest.

After every ingest, edit or delete the service calls refresh_series(symbol): the links of that symbol
and of every resolution that might follow it are worked out again, the series they form are rebuilt,
and the ParagraphLineage of their paragraphs (match in the previous member, first appearance) follows.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from .comparison import Change, Comparison, Passage, compare
from .models import (
    Language,
    Paragraph,
    ParagraphChange,
    ParagraphLineage,
    Reference,
    Resolution,
    Series,
    SeriesDecision,
    SeriesLink,
    SeriesMember,
)
from .search.analysis import CJK_RE, fold
from .search.service import schedule_reindex
from .text_writes import text_write

logger = logging.getLogger(__name__)

TITLE_SIMILAR_MIN = 0.6  # share of title words a citing resolution must keep to continue the cited one's series
_TITLE_TOKEN_RE = re.compile(rf"{CJK_RE.pattern}|[^\W_]+(?:'[^\W_]+)*")


class SeriesError(ValueError):
    """A curator's decision that cannot stand (unknown symbol, a resolution following a later one)."""


# --- Titles --------------------------------------------------------------------------------------------


def title_words(title: str) -> list[str]:
    """The words of a title, folded; Chinese characters one by one. Punctuation and spacing never count."""
    return _TITLE_TOKEN_RE.findall(fold(title.replace("’", "'")))


def title_similarity(a: str, b: str) -> float:
    """Share of words two titles have in common, in order (difflib's ratio)."""
    words_a, words_b = title_words(a), title_words(b)
    if not words_a or not words_b:
        return 0.0
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


# --- What the archive holds of a symbol -------------------------------------------------------------------


@dataclass
class Held:
    """A symbol as held: its body, session and date (shared by its language versions) and its titles."""

    symbol: str
    body: str
    session: str
    number: str
    adopted_on: date | None
    titles: dict[str, str]  # language -> title
    _title_keys: dict[str, tuple[str, ...]] | None = None

    @property
    def order(self) -> tuple:
        return (_session_number(self.session), self.adopted_on or date.min, _leading_number(self.number), self.symbol)

    def title_keys(self) -> dict[str, tuple[str, ...]]:
        if self._title_keys is None or len(self._title_keys) != len(self.titles):
            self._title_keys = {language: tuple(title_words(title)) for language, title in self.titles.items()}
        return self._title_keys


def _session_number(session: str) -> int:
    return int(session) if session.isdigit() else -1


def _leading_number(number: str) -> int:
    match = re.match(r"\d+", number)
    return int(match.group()) if match else 0


def _held(resolutions: Iterable[Resolution]) -> dict[str, Held]:
    held: dict[str, Held] = {}
    for resolution in resolutions:
        entry = held.get(resolution.symbol)
        if entry is None:
            entry = held[resolution.symbol] = Held(
                resolution.symbol, resolution.body, resolution.session, resolution.number, resolution.adopted_on, {}
            )
        entry.titles[resolution.language] = resolution.title
        entry.adopted_on = entry.adopted_on or resolution.adopted_on
    return held


_LANGUAGE_ORDER = {language: index for index, language in enumerate(Language.values)}
_HELD_FIELDS = ("symbol", "language", "body", "session", "number", "title", "adopted_on")


def _held_of_body(body: str) -> dict[str, Held]:
    return _held(Resolution.objects.filter(body=body).only(*_HELD_FIELDS))


# --- Which resolution a symbol follows ---------------------------------------------------------------------


def _cited_by(symbol: str) -> set[str]:
    """Symbols of resolutions that any language version of `symbol` cites."""
    return set(
        Reference.objects.filter(paragraph__resolution__symbol=symbol, is_resolution=True)
        .values_list("target_symbol", flat=True)
        .distinct()
    )


def _qualifies(later: Held, earlier: Held, cited: set[str]) -> str:
    """The link by which `later` may follow `earlier` ("" if it may not)."""
    if earlier.body != later.body or _session_number(earlier.session) >= _session_number(later.session):
        return ""
    later_keys, earlier_keys = later.title_keys(), earlier.title_keys()
    shared = [language for language in later_keys if language in earlier_keys]
    if earlier.symbol in cited and any(
        title_similarity(later.titles[language], earlier.titles[language]) >= TITLE_SIMILAR_MIN for language in shared
    ):
        return SeriesLink.CITATION
    if any(later_keys[language] and later_keys[language] == earlier_keys[language] for language in shared):
        return SeriesLink.TITLE
    return ""


def find_previous(symbol: str, *, held: dict[str, Held] | None = None) -> tuple[str, str]:
    """(symbol it follows, link) as detection or a curator's decision has it; ("", "") when it starts a series."""
    decision = SeriesDecision.objects.filter(symbol=symbol).first()
    if held is None:
        any_version = Resolution.objects.filter(symbol=symbol).only("body").first()
        held = _held_of_body(any_version.body) if any_version else {}
    if symbol not in held:
        return "", ""
    if decision is not None:
        if decision.previous_symbol and decision.previous_symbol in held:
            return decision.previous_symbol, SeriesLink.CURATOR
        return "", ""
    later = held[symbol]
    cited = _cited_by(symbol)
    best: tuple[tuple, str, str] | None = None
    for earlier in held.values():
        if earlier.order >= later.order:
            continue
        link = _qualifies(later, earlier, cited)
        if link and (best is None or earlier.order > best[0]):
            best = (earlier.order, earlier.symbol, link)
    return (best[1], best[2]) if best else ("", "")


def _possible_followers(symbol: str, held: dict[str, Held]) -> set[str]:
    """Later symbols that might follow `symbol`: those citing it, those of the same title, those that did."""
    here = held.get(symbol)
    followers = set(SeriesMember.objects.filter(previous_symbol=symbol).values_list("symbol", flat=True))
    followers |= set(SeriesDecision.objects.filter(previous_symbol=symbol).values_list("symbol", flat=True))
    citing = set(
        Reference.objects.filter(target_symbol=symbol, is_resolution=True)
        .values_list("paragraph__resolution__symbol", flat=True)
        .distinct()
    )
    followers |= {s for s in citing if s in held}
    if here is not None:
        keys = set(here.title_keys().items())
        followers |= {s for s, other in held.items() if keys & set(other.title_keys().items())}
    followers.discard(symbol)
    return {s for s in followers if here is None or s not in held or held[s].order > here.order}


# --- Rebuilding series -------------------------------------------------------------------------------------


@text_write
def refresh_series(symbol: str, *, text_changed: bool = True) -> None:
    """Work out again where `symbol` stands (after its ingest, edit or deletion) and rebuild what depends on it.

    Also called by curators' decisions. Lineage is recomputed for every series touched; the paragraphs of
    `symbol` are compared again when `text_changed`.
    """
    any_version = Resolution.objects.filter(symbol=symbol).only("body").first()
    bodies = {any_version.body} if any_version else set()
    old_member = SeriesMember.objects.filter(symbol=symbol).first()
    if old_member is not None:  # a deleted symbol: its series-mates tell the body
        bodies |= set(
            Resolution.objects.filter(symbol__in=old_member.series.members.values("symbol")).values_list("body", flat=True)
        )
    held: dict[str, Held] = {}
    for body in bodies:
        held.update(_held_of_body(body))

    touched = {symbol} | _possible_followers(symbol, held)
    links = {s: find_previous(s, held=held) for s in touched}
    affected_series = set(SeriesMember.objects.filter(symbol__in=touched).values_list("series_id", flat=True))
    affected_series |= set(
        SeriesMember.objects.filter(symbol__in={previous for previous, _ in links.values() if previous}).values_list(
            "series_id", flat=True
        )
    )
    rows = {m.symbol: m for m in SeriesMember.objects.filter(series_id__in=affected_series)}
    edges = {s: (m.previous_symbol, m.link) for s, m in rows.items() if m.previous_symbol}
    for s, (previous, link) in links.items():
        if previous:
            edges[s] = (previous, link)
        else:
            edges.pop(s, None)
    nodes = {s for s in set(rows) | touched if s in held}
    nodes |= {previous for previous, _ in edges.values() if previous in held}
    edges = {s: link for s, link in edges.items() if s in nodes and link[0] in nodes}

    changed_series = _rebuild(nodes, edges, rows, held)
    for series in changed_series:
        refresh_lineage(series, changed_symbols={symbol} if text_changed else set())
    # Resolutions that left every series keep no lineage.
    alone = [s for s in set(rows) | touched if not SeriesMember.objects.filter(symbol=s).exists()]
    _clear_lineage(alone)


def _rebuild(
    nodes: set[str], edges: dict[str, tuple[str, str]], rows: dict[str, SeriesMember], held: dict[str, Held]
) -> list[Series]:
    """Group `nodes` by their links into series of two or more and store them; returns the series stored."""
    parent = {node: node for node in nodes}

    def find(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for later, (earlier, _) in edges.items():
        parent[find(later)] = find(earlier)
    groups: dict[str, list[str]] = {}
    for node in nodes:
        groups.setdefault(find(node), []).append(node)

    series_groups = sorted(
        (sorted(g, key=lambda s: held[s].order) for g in groups.values() if len(g) >= 2),
        key=lambda g: held[g[0]].order,
    )
    kept = {s for g in series_groups for s in g}
    SeriesMember.objects.filter(symbol__in=set(rows) - kept).delete()

    stored: list[Series] = []
    wanted: dict[str, tuple[int, int, str, str]] = {}  # symbol -> (series, position, previous, link)
    for members in series_groups:
        # The series most of its members already belong to keeps its identity (and its admin page).
        taken = {x.pk for x in stored}
        votes = Counter(rows[s].series_id for s in members if s in rows and rows[s].series_id not in taken)
        series = Series.objects.filter(pk=min(votes, key=lambda i: (-votes[i], i))).first() if votes else None
        latest = held[members[-1]]
        title = latest.titles.get("zh") or latest.titles.get("en") or next(iter(latest.titles.values()))
        if series is None:
            series = Series.objects.create(title=title)
        elif series.title != title:
            series.title = title
            series.save(update_fields=["title", "updated_at"])
        for position, symbol in enumerate(members, start=1):
            wanted[symbol] = (series.pk, position, *edges.get(symbol, ("", "")))
        stored.append(series)

    # Rows that change place move out of the way first, so that (series, position) never collides.
    moving = [s for s, (series_id, position, _, _) in wanted.items() if s in rows and (rows[s].series_id, rows[s].position) != (series_id, position)]
    for offset, symbol in enumerate(moving, start=1):
        SeriesMember.objects.filter(symbol=symbol).update(position=1_000_000 + offset)
    for symbol, (series_id, position, previous, link) in wanted.items():
        row = rows.get(symbol)
        if row is None:
            SeriesMember.objects.create(
                symbol=symbol, series_id=series_id, position=position, previous_symbol=previous, link=link
            )
        elif (row.series_id, row.position, row.previous_symbol, row.link) != (series_id, position, previous, link) or symbol in moving:
            SeriesMember.objects.filter(symbol=symbol).update(
                series_id=series_id, position=position, previous_symbol=previous, link=link
            )
    Series.objects.filter(pk__in={m.series_id for m in rows.values()}, members__isnull=True).delete()
    return stored


# --- Lineage: each paragraph's match in the previous member -----------------------------------------------


def passages(resolution: Resolution) -> tuple[list[Paragraph], list[Passage]]:
    paragraphs = list(resolution.paragraphs.order_by("position"))
    return paragraphs, [Passage(p.eid, p.kind, p.text) for p in paragraphs]


def compare_resolutions(old: Resolution, new: Resolution) -> tuple[Comparison, list[Paragraph], list[Paragraph]]:
    """The comparison of two texts (same language), with their paragraphs in the order the comparison indexes."""
    old_paragraphs, old_passages = passages(old)
    new_paragraphs, new_passages = passages(new)
    return compare(old_passages, new_passages, new.language), old_paragraphs, new_paragraphs


def refresh_lineage(series: Series, *, changed_symbols: set[str] = frozenset()) -> None:
    """Recompute each paragraph's match in the member it follows and its first appearance, member by member.

    A member is compared again with its predecessor only when one of the two changed or it followed another
    one when last compared; its first appearances are carried forward when its predecessor's changed. The
    rest of the series is left alone, so adding the newest text costs one comparison.
    """
    members = list(series.members.order_by("position"))
    versions: dict[str, dict[str, Resolution]] = {}
    for resolution in Resolution.objects.filter(symbol__in=[m.symbol for m in members]).only("id", "symbol", "language"):
        versions.setdefault(resolution.language, {})[resolution.symbol] = resolution
    for language, by_symbol in versions.items():
        first_of: dict[int, int] = {}  # paragraph id -> id of its first appearance, as far as read or worked out
        read: set[int] = set()  # resolutions whose paragraphs are in first_of
        dirty: set[int] = set()  # resolutions whose first appearances changed in this pass
        for member in members:  # in order: a member's predecessor always comes before it
            resolution = by_symbol.get(member.symbol)
            if resolution is None:
                continue
            before = by_symbol.get(member.previous_symbol) if member.previous_symbol else None
            recorded = member.changes.get(language, {})
            compared = (
                recorded.get("previous") == (before.symbol if before else "")
                and resolution.symbol not in changed_symbols
                and (before is None or before.symbol not in changed_symbols)
            )
            if compared and (before is None or before.pk not in dirty):
                continue
            if before is not None and before.pk not in read:
                first_of.update(
                    ParagraphLineage.objects.filter(paragraph__resolution=before).values_list("paragraph_id", "first_id")
                )
                read.add(before.pk)
            if _lineage_of(member, resolution, before, language, first_of, changed_symbols, compare_again=not compared):
                dirty.add(resolution.pk)
            read.add(resolution.pk)


def _lineage_of(
    member: SeriesMember,
    resolution: Resolution,
    before: Resolution | None,
    language: str,
    first_of: dict[int, int],
    changed_symbols: set[str],
    *,
    compare_again: bool,
) -> bool:
    """Store the lineage of `resolution`'s paragraphs (compared with `before`); True when any of it changed."""
    stored = {row.paragraph_id: row for row in ParagraphLineage.objects.filter(paragraph__resolution=resolution)}
    paragraph_ids = list(resolution.paragraphs.order_by("position").values_list("id", flat=True))
    wanted: dict[int, tuple[int | None, str]] = {}  # paragraph -> (previous paragraph, change)
    recorded = dict(member.changes.get(language, {}))
    if before is None:
        wanted = {pid: (None, ParagraphChange.UNKNOWN) for pid in paragraph_ids}
        recorded = {"previous": ""}
    elif not compare_again and set(stored) == set(paragraph_ids):
        wanted = {pid: (stored[pid].previous_id, stored[pid].change) for pid in paragraph_ids}
    else:
        comparison, old_paragraphs, new_paragraphs = compare_resolutions(before, resolution)
        for index, paragraph in enumerate(new_paragraphs):
            partner = comparison.partner_of_new(index)
            row = next(r for r in comparison.rows if r.new == index and not r.merged)
            change = {Change.NEW: ParagraphChange.NEW, Change.UNCHANGED: ParagraphChange.UNCHANGED}.get(
                row.change, ParagraphChange.CHANGED
            )
            wanted[paragraph.pk] = (old_paragraphs[partner].pk if partner is not None else None, change)
        recorded = {"previous": before.symbol, **_counts_as_dict(comparison.counts)}
    if recorded != member.changes.get(language):
        member.changes[language] = recorded
        SeriesMember.objects.filter(pk=member.pk).update(changes=member.changes)

    updates, creates = [], []
    for pid in paragraph_ids:
        previous, change = wanted[pid]
        first = (first_of.get(previous) or previous) if previous is not None else pid
        first_of[pid] = first
        row = stored.get(pid)
        if row is None:
            creates.append(ParagraphLineage(paragraph_id=pid, previous_id=previous, first_id=first, change=change))
        elif (row.previous_id, row.first_id, row.change) != (previous, first, change):
            row.previous_id, row.first_id, row.change = previous, first, change
            updates.append(row)
    if not (creates or updates):
        return False
    ParagraphLineage.objects.bulk_create(creates)
    ParagraphLineage.objects.bulk_update(updates, ["previous", "first", "change"])
    # The index is to carry "new in series" and "first appeared"; a changed text is reindexed by its service.
    if resolution.symbol not in changed_symbols:
        schedule_reindex(resolution.pk)
    return True


def _counts_as_dict(counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in counts.__dataclass_fields__}


def _clear_lineage(symbols: Iterable[str]) -> None:
    for resolution in Resolution.objects.filter(symbol__in=list(symbols)):
        deleted, _ = ParagraphLineage.objects.filter(paragraph__resolution=resolution).delete()
        if deleted:
            schedule_reindex(resolution.pk)


# --- Reading ------------------------------------------------------------------------------------------------


def member_of(symbol: str) -> SeriesMember | None:
    return SeriesMember.objects.filter(symbol=symbol).select_related("series").first()


def version(symbol: str, language: str) -> Resolution | None:
    """The resolution in `language` if held, else another language version (Chinese first, in the UN's order)."""
    versions = sorted(Resolution.objects.filter(symbol=symbol).only(*_HELD_FIELDS), key=lambda v: _LANGUAGE_ORDER.get(v.language, 99))
    return next((v for v in versions if v.language == language), versions[0] if versions else None)


def chain(member: SeriesMember) -> tuple[str, str]:
    """(symbol before, symbol after) `member` in its series: the member it follows, the first that follows it.

    In a series that is one chain (nearly all) these are its neighbours in the timeline; where a curator
    made two resolutions follow the same one, each keeps its own predecessor.
    """
    following = (
        SeriesMember.objects.filter(series=member.series_id, previous_symbol=member.symbol)
        .order_by("position")
        .values_list("symbol", flat=True)
        .first()
    )
    return member.previous_symbol, following or ""


def neighbours(resolution: Resolution) -> tuple[Resolution | None, Resolution | None]:
    """The previous and next resolution of its series, in its language where held."""
    member = member_of(resolution.symbol)
    if member is None:
        return None, None
    previous, following = chain(member)
    return (
        version(previous, resolution.language) if previous else None,
        version(following, resolution.language) if following else None,
    )


# --- Curators ------------------------------------------------------------------------------------------------


def check_decision(symbol: str, previous_symbol: str) -> None:
    """Raise SeriesError unless `symbol` may be placed right after `previous_symbol` ("" : at a series' start)."""
    symbol, previous_symbol = symbol.strip(), previous_symbol.strip()
    held = _held(Resolution.objects.filter(symbol__in=[symbol, previous_symbol]).only(*_HELD_FIELDS))
    if symbol not in held:
        raise SeriesError(f"The archive holds no resolution {symbol}.")
    if not previous_symbol:
        return
    if previous_symbol == symbol:
        raise SeriesError("A resolution cannot follow itself.")
    if previous_symbol not in held:
        raise SeriesError(f"The archive holds no resolution {previous_symbol}.")
    if held[previous_symbol].order >= held[symbol].order:
        raise SeriesError(f"{symbol} cannot follow {previous_symbol}, adopted after it.")


@text_write
def decide_previous(*, symbol: str, previous_symbol: str, user=None, note: str = "") -> SeriesDecision:
    """A curator joins `symbol` to the series of `previous_symbol` (right after it), or splits it ("" : starts one).

    Replaces the curator's earlier decision on `symbol`, if any. Raises SeriesError when a symbol is not
    held or the resolution would follow one adopted after it.
    """
    symbol, previous_symbol = symbol.strip(), previous_symbol.strip()
    check_decision(symbol, previous_symbol)
    earlier = SeriesDecision.objects.filter(symbol=symbol).first()
    decision, _ = SeriesDecision.objects.update_or_create(
        symbol=symbol, defaults={"previous_symbol": previous_symbol, "decided_by": user, "note": note}
    )
    refresh_after_decision(symbol, previous_symbol)
    if earlier is not None and earlier.previous_symbol and earlier.previous_symbol != previous_symbol:
        refresh_series(earlier.previous_symbol, text_changed=False)
    logger.info("series: %s follows %s (decided by %s)", symbol, previous_symbol or "nothing", user)
    return decision


@text_write
def withdraw_decision(decision: SeriesDecision) -> None:
    """Back to what detection finds for the symbol."""
    symbol, previous_symbol = decision.symbol, decision.previous_symbol
    decision.delete()
    refresh_after_decision(symbol, previous_symbol)


def refresh_after_decision(symbol: str, previous_symbol: str) -> None:
    """The decided symbol, and the series it may have left or joined."""
    refresh_series(symbol, text_changed=False)
    if previous_symbol:
        refresh_series(previous_symbol, text_changed=False)


def refresh_all() -> int:
    """Recompute every series and every lineage of the archive (command `refresh_series`); returns series held."""
    for symbol in sorted(set(Resolution.objects.values_list("symbol", flat=True))):
        refresh_series(symbol)
    return Series.objects.count()
