"""Evidence, then truth: one price per key and day from every source's runs.

Every run of every source (a page's run of captures, a dataset key's run, an override or a dated announcement) is
*evidence* of a value over a span of dates, with its source's rank (``staging.source_precedence``: 0 override,
1 the seller's own page or API, 2 curated dataset, 3 aggregator). Each source series (one source, or one dataset
key of it) keeps its own history; this module builds the reconciled one from all of them, for one price key
(provider, model, price kind, service tier, context tier, region, currency, conditions). Rules, applied to the
evidence in date order (on one day, the worse-ranked first so the better-ranked has the last word):

1. **A change is dated at the earliest credible evidence of the new value.** A series that moves from the value in
   force to a new one starts the new value that day, whatever its rank: the first source to notice a cut dates it.
2. **A better rank wins among evidence of the same period, not forever.** A series' first sighting that disagrees
   with the value in force replaces it only if its rank is better than the evidence behind that value. A 2024 page
   capture therefore holds until some source shows a *change* after it (rule 1), never past it.
3. **Lagging is not evidence.** A series that moves (or first shows) a value the history already had and left is
   catching up, not announcing a change: it is ignored (LiteLLM still at 0.27 after DeepSeek's page says 0.28
   does not undo the page; genai-prices' 2026 feed still showing DeepSeek's 2025 price does not bring it back). A
   series moving *away from the value in force* is never lagging: a price that goes back to an old value (a
   promotion ends) is followed.
4. **Agreement and confirmation.** A series showing the value in force confirms it: the reconciled run counts the
   distinct sources that showed its value during it and the last day one of them was observed showing it (a page:
   its last capture; a dataset run: the day before it ended, or for an open one -- or one ending after the dataset
   was read, such as a feed announcing next year's price -- the day it first showed the value, as the dataset's
   later snapshots are not dated here; warehouse/sql/price_evidence.sql sets ``last_seen`` so).
5. **Coverage.** A reconciled value holds only while some evidence of the key is in force (a model no source lists
   any more has no price): runs are cut to the union of the evidence spans.

Pure: no database; :func:`reconcile` takes :class:`Evidence` and returns :class:`Run` records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Evidence:
    """One run of one source series: ``value`` over ``[valid_from, valid_to)`` (valid_to None while current)."""

    series: str  # source, or source|dataset key: the unit whose own history is followed
    source: str
    rank: int
    value: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    last_seen: dt.date | None = None  # last day the source was observed showing it (pages), else valid_to - 1
    # what the source wrote (for the reconciled run it dates: the mart keeps the original amount and where it was read)
    amount: Decimal | None = field(default=None, compare=False)
    unit: str | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)


@dataclass
class Run:
    """One reconciled run: ``value`` over ``[valid_from, valid_to)``, the evidence that set it and agreed with it."""

    value: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    source: str  # the evidence that dated it (rule 1 or 2)
    rank: int
    sources: set[str] = field(default_factory=set)  # every source that showed this value during the run
    last_confirmed: dt.date | None = None
    origin: Evidence | None = field(default=None, compare=False, repr=False)  # the evidence that dated it

    @property
    def n_sources(self) -> int:
        return len(self.sources)


def _seen(e: Evidence) -> dt.date:
    if e.last_seen is not None:
        return e.last_seen
    if e.valid_to is not None:
        return max(e.valid_from, e.valid_to - dt.timedelta(days=1))
    return e.valid_from


def reconcile(evidence: list[Evidence], today: dt.date | None = None) -> list[Run]:
    """The reconciled runs of one price key from its evidence (rules in the module docstring), in date order."""
    if not evidence:
        return []
    today = today or dt.date.today()
    by_series: dict[str, list[Evidence]] = defaultdict(list)
    for e in evidence:
        by_series[e.series].append(e)
    events: list[tuple[Evidence, Decimal | None]] = []  # (evidence, the series' previous value)
    for runs in by_series.values():
        runs.sort(key=lambda e: e.valid_from)
        prev = None
        for e in runs:
            if prev is None or e.value != prev.value:
                events.append((e, prev.value if prev is not None else None))
            prev = e
    # date order; on one day the worse rank first, so the better-ranked evidence has the last word
    events.sort(key=lambda t: (t[0].valid_from, -t[0].rank, t[0].series))
    runs: list[Run] = []
    left: set[Decimal] = set()  # values the history had and left
    for e, prev in events:
        cur = runs[-1] if runs else None
        if cur is None:
            runs.append(Run(e.value, e.valid_from, None, e.source, e.rank, {e.source}, origin=e))
            continue
        if e.value == cur.value:
            cur.sources.add(e.source)
            cur.rank = min(cur.rank, e.rank)
            continue
        if e.value in left and prev != cur.value:
            continue  # rule 3: the series is catching up with a value the history already left
        if prev is None and e.rank >= cur.rank:
            continue  # rule 2: a first sighting does not outrank equal or better evidence
        if e.valid_from == cur.valid_from:  # same day: the better-ranked (processed last) replaces it
            left.discard(e.value)
            runs[-1] = Run(e.value, e.valid_from, None, e.source, e.rank, {e.source}, origin=e)
            continue
        cur.valid_to = e.valid_from
        left.add(cur.value)
        left.discard(e.value)
        runs.append(Run(e.value, e.valid_from, None, e.source, e.rank, {e.source}, origin=e))
    return _confirm(_clip(runs, _coverage(evidence)), evidence, today)


def _confirm(runs: list[Run], evidence: list[Evidence], today: dt.date) -> list[Run]:
    """Rule 4, on the runs as cut to the coverage (so a run's confirmation lies within it): the sources that showed
    each run's value while it was in force, and the last day one of them was seen showing it."""
    for r in runs:
        for e in evidence:
            if e.value != r.value:
                continue
            start, end = max(e.valid_from, r.valid_from), min(e.valid_to or dt.date.max, r.valid_to or dt.date.max)
            if start < end or (start == end == r.valid_from):
                r.sources.add(e.source)
                seen = min(_seen(e), (r.valid_to - dt.timedelta(days=1)) if r.valid_to else dt.date.max, today)
                if seen >= r.valid_from and (r.last_confirmed is None or seen > r.last_confirmed):
                    r.last_confirmed = seen
        if r.last_confirmed is None:
            r.last_confirmed = r.valid_from
    return runs


def _coverage(evidence: list[Evidence]) -> list[tuple[dt.date, dt.date | None]]:
    """The union of the evidence spans, as sorted disjoint [from, to) intervals (to None: open)."""
    spans = sorted((e.valid_from, e.valid_to) for e in evidence)
    out: list[list] = []
    for a, b in spans:
        if out and (out[-1][1] is None or a <= out[-1][1]):
            if out[-1][1] is not None and (b is None or b > out[-1][1]):
                out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _clip(runs: list[Run], cover: list[tuple[dt.date, dt.date | None]]) -> list[Run]:
    out = []
    for r in runs:
        for a, b in cover:
            start = max(r.valid_from, a)
            end = min(r.valid_to or dt.date.max, b or dt.date.max)
            if start < end:
                out.append(Run(r.value, start, None if end == dt.date.max else end, r.source, r.rank,
                               set(r.sources), None, r.origin))
    return out


def at(runs: list[Run], day: dt.date) -> Run | None:
    """The run in force on ``day``, if any."""
    for r in runs:
        if r.valid_from <= day and (r.valid_to is None or day < r.valid_to):
            return r
    return None


#: sources that are datasets (their lag behind the earliest evidence is measured), as ranked in source_precedence.
DATASETS = ("litellm", "genai_prices", "simonw_llm_prices", "openrouter_snapshots")


def lags(runs: list[Run], evidence: list[Evidence]) -> list[tuple[str, int]]:
    """``(dataset source, days)`` for each reconciled *change* (every run but a key's first) that a dataset showed:
    the days between the change's date (its earliest evidence) and the first day the dataset showed the new value
    (0 when the dataset dated it itself). A dataset that never showed the value is not counted."""
    out = []
    for prev, r in zip(runs, runs[1:]):
        if prev.valid_to != r.valid_from or prev.value == r.value:
            continue  # a gap in coverage or a split of one value: not a change
        for source in DATASETS:
            starts = [e.valid_from for e in evidence if e.source == source and e.value == r.value
                      and (e.valid_to is None or e.valid_to > r.valid_from)]
            if starts:
                out.append((source, max(0, (min(starts) - r.valid_from).days)))
    return out
