"""Perplexity API pricing page (https://docs.perplexity.ai/getting-started/pricing) -> prices.

Document -> tables: :func:`pipelines.sources.reader.markdown_tables` (the capture is Jina Reader Markdown of the
Mintlify page; an HTML copy is read with :func:`pipelines.sources.reader.html_tables`). Tables -> prices, recognised
by header:

- **token pricing** ``Model | Input Tokens ($/1M) | Output Tokens ($/1M) | Citation Tokens ($/1M) | Search
  Queries ($/1K) | Reasoning Tokens ($/1M)``: the unit is in the header, cells are ``$1``; ``-`` = no price.
  ``Input``/``Output Tokens`` -> ``input``/``output`` per 1M tokens. ``Search Queries ($/1K)`` -> kind
  ``web_search``, unit ``per 1K searches`` (Sonar Deep Research's own searches).
  ``Citation Tokens`` and ``Reasoning Tokens`` are token prices the warehouse has no price kind for
  (``PRICE_KINDS`` lacks them; folding them into ``output`` would misstate both). They are read and checked
  like every cell but not emitted while their kinds (:data:`EXTRA_TOKEN_KINDS`) are not in ``PRICE_KINDS``;
  once the shared vocabulary adds them they are emitted unchanged.
- **request pricing** (the page's "Request Pricing" tab: one column per search context size ``Low`` /
  ``Medium`` / ``High``, USD per 1K requests): kind ``request``, unit ``per 1K requests``,
  ``conditions="search_context_size=low"`` etc. (The 2025-10 Jina capture holds only the Token Pricing tab.)
- **Search API** ``API | Price per 1K requests | Description``: the Search API is no model; by rule its model
  is the endpoint name ``search`` (``POST https://api.perplexity.ai/search``), kind ``request``.
- cost-example tables (``Component | Cost``) and "Choosing the Right API" tables hold no list prices.

Display names map to API model ids through :data:`MODEL_ID_ALIASES`; an unknown name raises. An unknown column is a
:class:`~pipelines.sources.base.Finding` and the rest of the page loads.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import partial

from pipelines.sources.reader import Table, html_tables, is_absent, markdown_tables
from pipelines.sources.base import (
    Finding, PRICE_KINDS, ParseError, ParsedPage, ParsedPrice, Source, clean_text, parse_money, seller_price,
)

PROVIDER = "perplexity"
_price = partial(seller_price, PROVIDER, "USD")

#: display name -> API model id. Source: https://docs.perplexity.ai/getting-started/models (each model
#: card gives the ``model`` value of the request: ``sonar``, ``sonar-pro``, ``sonar-reasoning``,
#: ``sonar-reasoning-pro``, ``sonar-deep-research``).
MODEL_ID_ALIASES: dict[str, str] = {
    "Sonar": "sonar",
    "Sonar Pro": "sonar-pro",
    "Sonar Reasoning": "sonar-reasoning",
    "Sonar Reasoning Pro": "sonar-reasoning-pro",
    "Sonar Deep Research": "sonar-deep-research",
    # API products without a model: the endpoint name (POST /search)
    "Search API": "search",
}

#: token columns without a price kind in the shared vocabulary yet: emitted only once PRICE_KINDS has them.
EXTRA_TOKEN_KINDS = {"citation tokens": "citation", "reasoning tokens": "reasoning"}

_TOKEN_COLS = {"input tokens": "input", "output tokens": "output", **EXTRA_TOKEN_KINDS}
_SEARCH_COLS = {"search queries": "web_search"}
_CONTEXT_SIZES = ("low", "medium", "high")
_HEADER_UNIT = re.compile(r"^(?P<label>.*?)\s*\(\s*\$\s*/\s*(?P<n>1[MK])\s*\)$", re.I)
_REQUEST_UNIT = re.compile(r"(?:1K|1,000|thousand)\s+requests", re.I)
_PRICE = re.compile(r"^\$\s*\d[\d,]*(?:\.\d+)?$")


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on Perplexity's pricing page (Markdown copy or HTML). A column the parser does not know is a finding
    (``unknown_column``); the rest of the page loads."""
    text = body.decode("utf-8", errors="replace")
    head = text.lstrip()[:1000].lower()
    tables = html_tables(body) if head.startswith("<") or "<html" in head else markdown_tables(text)
    out: list[ParsedPrice] = []
    findings: list[Finding] = []
    for t in tables:
        out += _interpret(t, url, findings)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return ParsedPage(prices=out, findings=findings)


def _label(h: str) -> str:
    return clean_text(h.replace("**", "")).lower()


def _interpret(t: Table, url: str, findings: list[Finding]) -> list[ParsedPrice]:
    labels = [_label(h) for h in t.header]
    if not labels or labels[0] not in ("model", "api"):
        return []
    units = [_HEADER_UNIT.match(lab) for lab in labels]
    if any(u and u.group("label") in _TOKEN_COLS for u in units):
        return _token_table(t, labels, units, url, findings)
    if any(lab in _CONTEXT_SIZES or lab.split(" ")[0] in _CONTEXT_SIZES for lab in labels[1:]):
        return _request_table(t, labels, url, findings)
    if any(_REQUEST_UNIT.search(lab) and lab.startswith("price") for lab in labels):
        return _api_table(t, labels, url, findings)
    return []  # description tables


def _token_table(
    t: Table, labels: list[str], units: list[re.Match[str] | None], url: str, findings: list[Finding]
) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    cols = []
    for c in range(1, len(labels)):
        u = units[c]
        if u is None or (u.group("label") not in _TOKEN_COLS and u.group("label") not in _SEARCH_COLS):
            findings.append(Finding("unknown_column", t.where(col=t.header[c]), t.header[c]))
        else:
            cols.append(c)
    for r, row in enumerate(t.body, start=1):
        shown, model = _model(row[0], url, t.where(r, t.header[0]))
        for c in cols:
            u = units[c]
            assert u is not None
            label, n = u.group("label"), u.group("n").upper()
            where = t.where(r, clean_text(t.header[c]))
            amount = _money(row[c], url, where)
            if amount is None:
                continue
            if label in _SEARCH_COLS:
                kind, unit = _SEARCH_COLS[label], f"per {n} searches"
            else:
                kind, unit = _TOKEN_COLS[label], f"per {n} tokens"
                if kind not in PRICE_KINDS:
                    continue  # citation / reasoning tokens: no price kind yet (see module docstring)
            out.append(_price(model, shown, kind, amount, unit, where, None))
    return out


def _request_table(t: Table, labels: list[str], url: str, findings: list[Finding]) -> list[ParsedPrice]:
    """Request fees per 1K requests by search context size (columns Low / Medium / High)."""
    context = " ".join([t.heading, *t.header])
    if not _REQUEST_UNIT.search(context):
        raise ParseError("request-fee table does not say 'per 1K requests'", url=url, where=t.where())
    out: list[ParsedPrice] = []
    for c in range(1, len(labels)):
        if labels[c].split(" ")[0] not in _CONTEXT_SIZES:
            findings.append(Finding("unknown_column", t.where(col=t.header[c]), t.header[c]))
    for r, row in enumerate(t.body, start=1):
        shown, model = _model(row[0], url, t.where(r, t.header[0]))
        for c in range(1, len(labels)):
            size = labels[c].split(" ")[0]
            if size not in _CONTEXT_SIZES:
                continue
            where = t.where(r, clean_text(t.header[c]))
            amount = _money(row[c], url, where)
            if amount is None:
                continue
            out.append(_price(model, shown, "request", amount, "per 1K requests", where, f"search_context_size={size}"))
    return out


def _api_table(t: Table, labels: list[str], url: str, findings: list[Finding]) -> list[ParsedPrice]:
    """``API | Price per 1K requests | Description`` (Search API)."""
    col = next(c for c, lab in enumerate(labels) if lab.startswith("price") and _REQUEST_UNIT.search(lab))
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        shown, model = _model(row[0], url, t.where(r, t.header[0]))
        where = t.where(r, clean_text(t.header[col]))
        amount = _money(row[col], url, where)
        if amount is not None:
            out.append(_price(model, shown, "request", amount, "per 1K requests", where, None))
    return out


def _model(cell: str, url: str, where: str) -> tuple[str, str]:
    """Display name -> API id by :data:`MODEL_ID_ALIASES`. An unknown name raises: Perplexity documents no naming
    rule to derive an id from, and a price without its model cannot be keyed."""
    shown = clean_text(cell.replace("**", "").replace("`", ""))
    model = MODEL_ID_ALIASES.get(shown)
    if model is None:
        raise ParseError(f"unknown Perplexity model name {shown!r} (add it to MODEL_ID_ALIASES)", url=url, where=where)
    return shown, model


def _money(cell: str, url: str, where: str) -> Decimal | None:
    s = clean_text(cell.replace("**", "")).replace("\\$", "$")
    if is_absent(s):
        return None
    if s.lower() == "free":
        return Decimal(0)
    if not _PRICE.match(s):
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    money = parse_money(s)
    assert money is not None and money[1] == "USD"
    return money[0]


SOURCE = Source(
    name="perplexity_pricing",
    provider=PROVIDER,
    urls=("https://docs.perplexity.ai/getting-started/pricing.md",),
    fmt="markdown",
    parse=parse,
    hosts=("docs.perplexity.ai",),
    description="Perplexity API pricing: Sonar model input/output per 1M tokens, Deep Research search queries per "
    "1K, request fees per 1K requests by search context size, Search API per 1K requests. USD. Written on a crawler "
    "(Jina) Markdown capture; the live URL is the Mintlify .md export, of which there is no capture yet.",
)
