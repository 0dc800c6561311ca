"""xAI API prices -> prices: the pricing page's Markdown, and the models page (its HTML and crawler Markdown).

Three document forms, chosen by what the document is (:func:`parse`):

- **models page HTML** (https://docs.x.ai/docs/models, ``curl`` capture 2026-07-27; the live form): the page
  embeds the public model list as JSON (``globalThis.__XAI_PUBLIC_MODELS__={"clusterConfigs":[…]}``) and shows
  static cards (``Input  $2.00 / 1M tokens``). Prices are read from the JSON (:func:`_models_json`), whose integer
  strings are USD cents per 100M units (``promptTextTokenPrice "20000"`` = $2.00 per 1M tokens, ``imagePrice
  "200000000"`` = $0.02 per image), exact by Decimal scaling (:data:`JSON_SCALE`). The cards are the witness:
  every card price must equal its JSON price (the model card's Input/Output for its model; the Voice and Imagine
  cards' prices, converted to the card's unit and rounded to its decimals, one of the list's prices of that
  unit). A card that disagrees stops the page (:class:`ParseError`: then the scale or the list cannot be
  trusted); a price field the reader does not know is a :class:`~pipelines.sources.base.Finding`. The same model
  in several clusters (``us-east-1``, ``eu-west-1``…) must have one price (else a finding and no row); the
  batch discount (``batchDiscountPercent``) is a multiplier, not emitted. The list is read from its ``<script>``,
  else from its copy in the Next.js flight payload; a page with neither is read from its model cards alone
  (Input / Output per 1M tokens) with an ``unknown_section`` finding saying so.
- **models page crawler Markdown** (2025-11 Puppeteer, 2025-12 Playwright renders): the "Model Pricing" table,
  flattened: ``| grok-3 | … | $3.00$15.00 |`` (a pipe table) or one cell per line (``grok-3`` … ``$3.00$15.00``).
  Under "Language models / Per million tokens" the two amounts are input and output per 1M tokens; under "Image
  generation models / Per image output" one amount per image (:func:`_models_markdown`). Tool and search prices
  of these captures are reported as findings (not read).
- **pricing page Markdown** (https://docs.x.ai/developers/pricing), described below.

xAI API pricing page (https://docs.x.ai/developers/pricing, provider Markdown) -> prices.

Document -> tables: :func:`pipelines.sources.reader.markdown_tables` (``<br />`` inside a cell is kept as a line break,
see :func:`parse`). Tables -> prices, recognised by header:

- **Text API** ``Model | Context | Input / 1M tokens | Cached input / 1M tokens | Output / 1M tokens``: ``input``,
  ``cache_read``, ``output`` per 1M tokens. Every model has two rows, ``grok-4.7 (< 200k prompt tokens)`` (base,
  tier 0) and ``grok-4.7 (≥ 200k prompt tokens)`` (long context: ``tier_min_tokens=200000``, cliff — the page:
  "billed at the higher rate for all tokens in the request"). The model id is the cell before the parenthesis.
- **Imagine** ``Model | Cost``: ``$0.05 / image`` -> ``image_output`` per image; ``$0.080 / sec`` ->
  ``video_output`` per second.
- **Voice** ``Mode | Cost``: ``Speech to Speech (grok-voice-think-fast-2.0)`` -> model from the parenthesis, kind
  ``speech_to_speech`` per minute (the ``($4.80 / hr)`` restatement is not a second price) and ``text_input``
  ``per text input``; ``Speech to Text`` -> ``audio_transcription`` per hour with ``conditions`` ``api=REST`` /
  ``api=Streaming``; ``Text to Speech`` -> ``speech_output`` per 1M characters. The page gives no model id for
  speech-to-text and text-to-speech; by rule the model is the mode slug (``speech-to-text``, ``text-to-speech``).
- **Tool invocation** ``Tool | Tool Name | Description | Cost / 1k Calls``: model = the tool's API name (first
  backticked name: ``web_search``, ``code_execution``), kind ``tool_call``, ``per 1K calls``; X Search is billed per
  item (``$5 / 1k posts, $10 / 1k profiles``: ``per 1K posts`` / ``per 1K profiles``, ``conditions`` ``item=posts`` /
  ``item=profiles``). ``Token-based`` and links to other rates are not prices.
- **Files and collections** ``Resource | Rate``: ``File storage $0.025 / GiB / day`` -> model ``files``, kind
  ``storage``, ``per GiB-day``; downloads -> kind ``download``, ``per GiB`` (:data:`RESOURCES`).
- **US regional endpoint** prose: ``For `grok-4.7` this is $2.20 / $0.55 / $6.60 per 1M tokens (input / cached
  input / output) below 200k prompt tokens, and $4.40 / $1.10 / $13.20 above.`` -> the same kinds and tiers with
  ``region="us"``; table prices are ``region="global"`` (the page's "Global endpoint").

Not emitted, because the page gives multipliers, not prices: Batch API (20% off for four listed models),
Priority (2x), the US 1.1x uplift for models other than the one spelled out. Also skipped: the "Grok 4.7 Fast"
table (Cursor / Grok Build only, "not available on the public xAI API") and the usage-guideline violation fee.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import partial

from bs4 import BeautifulSoup

from pipelines.sources.reader import Table, is_absent, markdown_tables, next_flight
from pipelines.sources.base import (
    Finding, ParseError, ParsedPage, ParsedPrice, Source, clean_text, parse_money, seller_price,
)

PROVIDER = "xai"
_price = partial(seller_price, PROVIDER, "USD")
TOKEN_UNIT = "per 1M tokens"

#: voice modes without a model id on the page -> model (rule: the mode slug) and price kind.
VOICE_MODES: dict[str, tuple[str | None, str]] = {
    "speech to speech": (None, "speech_to_speech"),  # model id given in the cell's parenthesis
    "speech to text": ("speech-to-text", "audio_transcription"),
    "text to speech": ("text-to-speech", "speech_output"),
}
#: Files and collections resources -> (model, kind).
RESOURCES: dict[str, tuple[str, str]] = {
    "file storage": ("files", "storage"),
    "collection storage": ("collections", "storage"),
    "file downloads": ("files", "download"),
    "collection downloads": ("collections", "download"),
}
_TOKEN_COLS = {
    "input / 1m tokens": "input",
    "cached input / 1m tokens": "cache_read",
    "output / 1m tokens": "output",
}
#: what follows "$x /" -> unit
_UNITS = {
    "image": "per image",
    "sec": "per second",
    "second": "per second",
    "min": "per minute",
    "minute": "per minute",
    "hr": "per hour",
    "hour": "per hour",
    "1m chars": "per 1M characters",
    "1m characters": "per 1M characters",
    "text input": "per text input",
    "gib / day": "per GiB-day",
    "gib downloaded": "per GiB",
    "gib": "per GiB",
    "1k posts": "per 1K posts",
    "1k profiles": "per 1K profiles",
    "1k calls": "per 1K calls",
}
_MODEL_TIER = re.compile(
    r"^(?P<id>[a-z0-9][a-z0-9._-]*)\s*(?:\(\s*(?P<op><|≤|<=|≥|>=|>)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<k>[km])\s+prompt tokens\s*\))?$",
    re.I,
)
_MONEY = r"\$\s*\d[\d,]*(?:\.\d+)?"
_SEGMENT = re.compile(rf"^(?P<money>{_MONEY})\s*/\s*(?P<unit>[^()]+?)\s*(?:\((?P<qual>[^()$]*)\))?$")
_EQUIV = re.compile(r"\s*\([^()]*\$[^()]*\)")
_PLAIN = re.compile(rf"^{_MONEY}$")
_NOT_PRICE = re.compile(r"^token-based$|^\[.*\]\(.*\)$", re.I)
_US_SENTENCE = re.compile(
    rf"For `(?P<model>[^`]+)` this is (?P<i0>{_MONEY}) / (?P<c0>{_MONEY}) / (?P<o0>{_MONEY}) per 1M tokens "
    r"\(input / cached input / output\) below (?P<n>\d+)k prompt tokens, and "
    rf"(?P<i1>{_MONEY}) / (?P<c1>{_MONEY}) / (?P<o1>{_MONEY}) above\."
)
_US_START = re.compile(r"^For `[^`]+` this is")
_BR = "\u241e"  # stands for <br> inside a cell (markdown_tables collapses "\n" into a space)


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices on xAI's models page (HTML with its embedded list, or crawler Markdown) or pricing page (Markdown)."""
    text = body.decode("utf-8", errors="replace")
    if _JSON_MARK in text:
        return _models_html(text, url)
    if _MODELS_MD.search(text):
        return _models_markdown(text, url)
    if "/developers/models/" in text and "<html" in text[:2000].lower():
        return _cards_only(text, url)
    return ParsedPage(prices=_pricing_page(text, url))


def _pricing_page(text: str, url: str) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for t in markdown_tables(re.sub(r"<br\s*/?>", f" {_BR} ", text)):
        out += _interpret(t, url)
    out += _us_region(text, url)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return out


def _lines(cell: str) -> list[str]:
    return [x for x in (clean_text(p) for p in cell.split(_BR)) if x]


def _label(h: str) -> str:
    return clean_text(h.replace(_BR, " ")).lower()


def _interpret(t: Table, url: str) -> list[ParsedPrice]:
    labels = [_label(h) for h in t.header]
    if not labels or not labels[0]:
        return []  # comparison tables (Real-time vs Batch, Standard vs Priority, Global vs US)
    if labels[0] == "model" and any(lab in _TOKEN_COLS for lab in labels):
        return _text_table(t, labels, url)
    if labels[0] == "model" and labels[1:] == ["cost"]:
        return _cost_table(t, url, imagine=True)
    if labels[0] == "mode" and labels[1:] == ["cost"]:
        return _cost_table(t, url, imagine=False)
    if labels[0] == "tool":
        return _tool_table(t, labels, url)
    if labels[0] == "resource":
        return _resource_table(t, labels, url)
    if labels[0] == "prompt tokens":
        return []  # Grok 4.7 Fast: Cursor / Grok Build only, not API pricing
    raise ParseError(f"unrecognised table with columns {t.header!r}", url=url, where=t.where())


def _text_table(t: Table, labels: list[str], url: str) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for c, lab in enumerate(labels[1:], start=1):
        if lab not in _TOKEN_COLS and lab != "context":
            raise ParseError(f"unknown column {t.header[c]!r}", url=url, where=t.where(col=t.header[c]))
    for r, row in enumerate(t.body, start=1):
        shown = clean_text(row[0].replace("`", ""))
        m = _MODEL_TIER.match(shown)
        if not m:
            raise ParseError(f"cannot read model / context tier {row[0]!r}", url=url, where=t.where(r, t.header[0]))
        tier, conditions = 0, None
        if m.group("op") in ("≥", ">=", ">"):
            tier = int(Decimal(m.group("n")) * (1000 if m.group("k").lower() == "k" else 1_000_000))
            conditions = f"{m.group('op')} {m.group('n')}{m.group('k')} prompt tokens"
        for c, lab in enumerate(labels):
            if lab not in _TOKEN_COLS:
                continue
            where = t.where(r, t.header[c])
            amount = _plain_money(row[c], url, where)
            if amount is None:
                continue
            out.append(_price(m.group("id"), shown, _TOKEN_COLS[lab], amount, TOKEN_UNIT, where,
                              tier_min_tokens=tier, conditions=conditions))
    return out


def _segments(cell: str, url: str, where: str) -> list[tuple[Decimal, str, str | None]]:
    """``$0.08 / min ($4.80 / hr)`` + line ``$0.004 / text input`` -> [(0.08, per minute, None), (0.004, …)].

    A parenthesis holding money restates the price in another unit and is dropped; one without money
    (``(REST)``) qualifies the price. Comma-separated prices on one line are separate prices.
    """
    out = []
    for line in _lines(cell):
        for part in re.split(r",\s*(?=\$)", _EQUIV.sub("", line)):
            m = _SEGMENT.match(part.strip())
            if not m:
                raise ParseError(f"cannot read price {part.strip()!r}", url=url, where=where)
            unit = _UNITS.get(clean_text(m.group("unit")).lower())
            if unit is None:
                raise ParseError(f"unknown price unit {m.group('unit')!r}", url=url, where=where)
            money = parse_money(m.group("money"))
            assert money is not None
            out.append((money[0], unit, m.group("qual")))
    return out


def _cost_table(t: Table, url: str, imagine: bool) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        where = t.where(r, t.header[1])
        shown = clean_text(row[0].replace(_BR, " "))
        if imagine:
            model, mode_kind = shown, None
        else:
            mode = re.sub(r"\s*\(.*\)$", "", shown).lower()
            if mode not in VOICE_MODES:
                raise ParseError(f"unknown voice mode {shown!r}", url=url, where=t.where(r, t.header[0]))
            model, mode_kind = VOICE_MODES[mode]
            if model is None:
                pm = re.search(r"\(([a-z0-9][a-z0-9._-]*)\)$", shown)
                if not pm:
                    raise ParseError(f"no model id in {shown!r}", url=url, where=t.where(r, t.header[0]))
                model = pm.group(1)
        if not re.match(r"^[a-z0-9][a-z0-9._-]*$", model):
            raise ParseError(f"not an xAI model id: {model!r}", url=url, where=t.where(r, t.header[0]))
        for amount, unit, qual in _segments(row[1], url, where):
            if imagine:
                kind = {"per image": "image_output", "per second": "video_output"}.get(unit)
                if kind is None:
                    raise ParseError(f"unexpected unit {unit!r} for image/video", url=url, where=where)
            else:
                kind = "text_input" if unit == "per text input" else mode_kind
            out.append(_price(model, shown, kind, amount, unit, where, conditions=f"api={qual}" if qual else None))
    return out


def _tool_table(t: Table, labels: list[str], url: str) -> list[ParsedPrice]:
    name_col = labels.index("tool name")
    cost_col = next((c for c, lab in enumerate(labels) if lab.startswith("cost")), None)
    if cost_col is None:
        raise ParseError("tool table without a cost column", url=url, where=t.where())
    per = re.search(r"/\s*(1k calls)$", labels[cost_col])
    if not per:
        raise ParseError(f"unknown cost unit in {t.header[cost_col]!r}", url=url, where=t.where(col=t.header[cost_col]))
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        where = t.where(r, t.header[cost_col])
        cell = clean_text(row[cost_col])
        if _NOT_PRICE.match(cell):
            continue
        names = re.findall(r"`([a-z_]+)`", row[name_col])
        if not names:
            raise ParseError(f"no tool name in {row[name_col]!r}", url=url, where=t.where(r, t.header[name_col]))
        shown = clean_text(row[0])
        conditions_base = f"also named {', '.join(names[1:])}" if len(names) > 1 else None
        if _PLAIN.match(cell):
            amount = parse_money(cell)[0]  # type: ignore[index]
            out.append(_price(names[0], shown, "tool_call", amount, _UNITS[per.group(1)], where,
                              conditions=conditions_base))
            continue
        for amount, unit, _qual in _segments(cell, url, where):
            item = unit.rsplit(" ", 1)[-1]
            out.append(_price(names[0], shown, "tool_call", amount, unit, where, conditions=f"item={item}"))
    return out


def _resource_table(t: Table, labels: list[str], url: str) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    for r, row in enumerate(t.body, start=1):
        name = clean_text(row[0]).lower()
        if name not in RESOURCES:
            raise ParseError(f"unknown resource {row[0]!r}", url=url, where=t.where(r, t.header[0]))
        model, kind = RESOURCES[name]
        where = t.where(r, t.header[1])
        for amount, unit, qual in _segments(row[1], url, where):
            out.append(_price(model, clean_text(row[0]), kind, amount, unit, where, conditions=qual))
    return out


def _us_region(text: str, url: str) -> list[ParsedPrice]:
    """The US-endpoint prices the page spells out in prose (region ``us``)."""
    out: list[ParsedPrice] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not _US_START.match(line.strip()):
            continue
        where = f"line {n} (US Regional Endpoint Pricing)"
        m = _US_SENTENCE.search(line)
        if not m:
            raise ParseError(f"cannot read US regional prices in {line.strip()[:120]!r}", url=url, where=where)
        threshold = int(m.group("n")) * 1000
        for suffix, tier in (("0", 0), ("1", threshold)):
            for kind, g in (("input", "i"), ("cache_read", "c"), ("output", "o")):
                amount = parse_money(m.group(g + suffix))[0]  # type: ignore[index]
                cond = "US regional endpoint (us.api.x.ai)" + (f"; ≥ {m.group('n')}k prompt tokens" if tier else "")
                out.append(_price(m.group("model"), m.group("model"), kind, amount, TOKEN_UNIT, where,
                                  tier_min_tokens=tier, region="us", conditions=cond))
    return out


def _plain_money(cell: str, url: str, where: str) -> Decimal | None:
    s = clean_text(cell.replace(_BR, " "))
    if is_absent(s):
        return None
    if s.lower() == "free":
        return Decimal(0)
    if not _PLAIN.match(s):
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return parse_money(s)[0]  # type: ignore[index]



# ---------------------------------------------------------------- models page: embedded JSON list + cards (HTML)

_JSON_MARK = "globalThis.__XAI_PUBLIC_MODELS__="
#: the list's integer prices are USD cents per 100M units: USD per unit = value / 10**10 (exact in Decimal).
JSON_SCALE = Decimal(10) ** 10
#: language-model fields -> (kind, long-context tier?); per 1M tokens.
LANGUAGE_FIELDS: dict[str, tuple[str, bool]] = {
    "promptTextTokenPrice": ("input", False),
    "promptTextTokenPriceLongContext": ("input", True),
    "cachedPromptTokenPrice": ("cache_read", False),
    "cachedPromptTokenPriceLongContext": ("cache_read", True),
    "completionTextTokenPrice": ("output", False),
    "completionTokenPriceLongContext": ("output", True),
    "promptImageTokenPrice": ("input_image", False),
}
#: per-unit fields (image/video models, audio endpoints' ``pricing``) -> (kind, unit, units per JSON unit, conditions).
UNIT_FIELDS: dict[str, tuple[str, str, int, str | None]] = {
    "pricePerInputImage": ("image_input", "per image", 1, None),
    "pricePerInputVideoSecond": ("video_input", "per second", 1, None),
    "perCharacter": ("speech_output", "per 1M characters", 10**6, None),
    "perAudioSecond": ("audio_transcription", "per second", 1, "api=batch"),
    "perAudioSecondStreaming": ("audio_transcription", "per second", 1, "api=streaming"),
    "realtimeAudioSecondPrice": ("speech_to_speech", "per second", 1, None),
    "pstnMinutePrice": ("phone_call", "per minute", 1, None),
}
#: ``resolutionPricing`` entries: price field -> (kind, unit).
RESOLUTION_FIELDS = {"pricePerImage": ("image_output", "per image"), "pricePerSecond": ("video_output", "per second")}
#: card unit (after "/ ") -> (JSON unit, factor to the card's unit, kinds it may be); ``None`` kinds: the model's own.
CARD_UNITS: dict[str, tuple[str, int, frozenset[str] | None]] = {
    "1m tokens": ("per 1M tokens", 1, None),
    "hour": ("per second", 3600, frozenset({"audio_transcription", "speech_to_speech"})),
    "1m chars": ("per 1M characters", 1, frozenset({"speech_output"})),
    "image": ("per image", 1, frozenset({"image_output"})),
    "sec": ("per second", 1, frozenset({"video_output"})),
}
_CARD_KINDS = {"input": "input", "output": "output"}
_CARD_ACTIONS = re.compile(r"^\s*(View model|Try in playground|Read docs)\s*$")
_XAI_ID = re.compile(r"^grok-[a-z0-9][a-z0-9._-]*$")
_CARD_PRICE = re.compile(r"^\$\s*(?P<num>\d[\d,]*(?:\.(?P<dec>\d+))?)\s*/\s*(?P<unit>.+)$")


def _is_price_key(k: str) -> bool:
    return "price" in k.lower() or bool(re.match(r"^per[A-Z]", k))


def _json_amount(v: object) -> Decimal | None:
    s = str(v)
    return Decimal(s) if isinstance(v, (str, int)) and not isinstance(v, bool) and s.isdigit() else None


def _models_html(text: str, url: str) -> ParsedPage:
    prices, findings = _models_json(text, url)
    findings += _check_cards(text, prices, url)
    return ParsedPage(prices=prices, findings=findings)


def _embedded_list(text: str) -> object | None:
    """The ``__XAI_PUBLIC_MODELS__`` JSON: from its ``<script>``, else from its copy in the Next.js flight payload."""
    for doc in (text, next_flight(text)):
        at = doc.find(_JSON_MARK)
        while at >= 0:
            try:
                return json.JSONDecoder().raw_decode(doc, at + len(_JSON_MARK))[0]
            except ValueError:
                at = doc.find(_JSON_MARK, at + 1)
    return None


def _models_json(text: str, url: str) -> tuple[list[ParsedPrice], list[Finding]]:
    """Prices of the embedded ``__XAI_PUBLIC_MODELS__`` list (one row per model, kind, tier and condition)."""
    data = _embedded_list(text)
    if data is None:
        raise ParseError("embedded model list is not JSON", url=url, where="__XAI_PUBLIC_MODELS__")
    clusters = data.get("clusterConfigs") if isinstance(data, dict) else None
    if not isinstance(clusters, list):
        raise ParseError("embedded model list without clusterConfigs", url=url, where="__XAI_PUBLIC_MODELS__")
    findings: list[Finding] = []
    seen: dict[tuple, ParsedPrice] = {}
    clashes: set[tuple] = set()

    def add(q: ParsedPrice) -> None:
        key = (q.model, q.price_kind, q.unit, q.tier_min_tokens, q.conditions)
        if key in seen and seen[key].amount != q.amount:
            clashes.add(key)
            findings.append(Finding("unreadable_cell", q.where, f"{q.amount} differs from {seen[key].where}"))
        seen.setdefault(key, q)

    for cluster in clusters:
        cname = cluster.get("clusterName", "?") if isinstance(cluster, dict) else "?"
        for group, models in (cluster.items() if isinstance(cluster, dict) else ()):
            if not isinstance(models, list):
                continue
            for m in models:
                name = m.get("name") if isinstance(m, dict) else None
                where0 = f"__XAI_PUBLIC_MODELS__ cluster {cname!r} {group} {name!r}"
                if not isinstance(name, str) or not _XAI_ID.match(name):
                    findings.append(Finding("unknown_row", where0, str(name)))
                    continue
                fields = {k: v for k, v in m.items() if k != "endpoints"}
                for ep in m.get("endpoints") or []:
                    fields.update((ep.get("pricing") or {}) if isinstance(ep, dict) else {})
                res_amounts = set()
                for r in fields.get("resolutionPricing") or []:
                    for k, (kind, unit) in RESOLUTION_FIELDS.items():
                        if k not in r:
                            continue
                        where = f"{where0} resolutionPricing {r.get('resolution')!r} field {k!r}"
                        amount = _json_amount(r[k])
                        res = str(r.get("resolution", "")).rsplit("_", 1)[-1].lower()
                        if amount is None or not res:
                            findings.append(Finding("unreadable_cell", where, str(r)))
                            continue
                        res_amounts.add(amount)
                        add(_price(name, name, kind, amount / JSON_SCALE, unit, where, conditions=f"resolution={res}"))
                for k, v in fields.items():
                    if not _is_price_key(k) or k == "resolutionPricing":
                        continue
                    where = f"{where0} field {k!r}"
                    amount = _json_amount(v)
                    if amount is None:
                        findings.append(Finding("unreadable_cell", where, str(v)))
                    elif k in LANGUAGE_FIELDS:
                        kind, long = LANGUAGE_FIELDS[k]
                        tier = 0
                        if long:
                            thr = str(m.get("longContextThreshold", ""))
                            if not thr.isdigit():
                                findings.append(Finding("unreadable_cell", f"{where0} field 'longContextThreshold'", thr))
                                continue
                            tier = int(thr)
                        add(_price(name, name, kind, amount * 10**6 / JSON_SCALE, TOKEN_UNIT, where, tier_min_tokens=tier))
                    elif k in UNIT_FIELDS:
                        kind, unit, factor, cond = UNIT_FIELDS[k]
                        add(_price(name, name, kind, amount * factor / JSON_SCALE, unit, where, conditions=cond))
                    elif k == "imagePrice" and res_amounts:
                        if amount not in res_amounts:  # the default image price is one of the resolution prices
                            findings.append(Finding("unreadable_cell", where, f"{v} is none of the resolution prices"))
                    elif k == "imagePrice":
                        add(_price(name, name, "image_output", amount / JSON_SCALE, "per image", where))
                    else:
                        findings.append(Finding("unknown_column", where, f"{k}={v}"))
    prices = [_normal(q) for key, q in seen.items() if key not in clashes]
    if not prices:
        raise ParseError("no prices in the embedded model list", url=url, where="__XAI_PUBLIC_MODELS__")
    return prices, findings


def _normal(q: ParsedPrice) -> ParsedPrice:
    """The amount without trailing zeros of the scaling (``2.0000`` -> ``2``): the same number, as written."""
    n = q.amount.normalize()
    return q if n == q.amount and str(n) == str(q.amount) else ParsedPrice(**{**q.__dict__, "amount": Decimal(f"{n:f}")})


def _card_prices(text: str) -> list[tuple[str | None, str, str, str]]:
    """The price lines of the page's static cards: (model id or None, label, value, where)."""
    soup = BeautifulSoup(text, "lxml")
    out = []
    for row in soup.find_all("div"):
        spans = row.find_all("span", recursive=False)
        if len(spans) != 2 or "$" not in spans[1].get_text():
            continue
        label, value = clean_text(spans[0].get_text(" ")), clean_text(spans[1].get_text(" "))
        card = row  # the card: the smallest ancestor holding one of the card's action links
        while card.parent is not None and not card.find("a", string=_CARD_ACTIONS):
            card = card.parent
        link = card.find("a", href=re.compile(r"^/developers/models/"))
        model = link["href"].rsplit("/", 1)[-1] if link else None
        out.append((model, label, value, f"card {model or 'without model'} label {label!r}"))
    return out


def _check_cards(text: str, prices: list[ParsedPrice], url: str) -> list[Finding]:
    """The static cards must agree with the embedded list (see the module docstring); returns findings."""
    findings: list[Finding] = []
    checked = 0
    for model, label, value, where in _card_prices(text):
        m = _CARD_PRICE.match(value)
        spec = CARD_UNITS.get(clean_text(m.group("unit")).lower()) if m else None
        if m is None or spec is None:
            findings.append(Finding("unreadable_cell", where, value))
            continue
        shown = Decimal(m.group("num").replace(",", ""))
        unit, factor, kinds = spec
        if kinds is None:
            kind = _CARD_KINDS.get(label.lower())
            if model is None or kind is None:
                findings.append(Finding("unknown_column", where, f"{label}: {value}"))
                continue
            ok = any(q.model == model and q.price_kind == kind and q.unit == unit and q.tier_min_tokens == 0
                     and q.amount == shown for q in prices)
        else:
            quantum = Decimal(1).scaleb(-len(m.group("dec") or ""))
            ok = any(q.unit == unit and q.price_kind in kinds and (q.amount * factor).quantize(quantum) == shown
                     for q in prices)
        if not ok:
            raise ParseError(f"card price {value!r} ({label}) disagrees with the embedded model list", url=url, where=where)
        checked += 1
    if not checked:
        findings.append(Finding("unknown_section", "model cards", "no price card found to check the embedded list"))
    return findings


def _cards_only(text: str, url: str) -> ParsedPage:
    """The models page without its embedded list: the model cards' Input / Output per 1M tokens (base tier), read
    alone and reported (``unknown_section``: the list is gone); cards without a model id are findings."""
    findings = [Finding("unknown_section", "__XAI_PUBLIC_MODELS__", "embedded model list not found: cards read alone")]
    prices: list[ParsedPrice] = []
    for model, label, value, where in _card_prices(text):
        m = _CARD_PRICE.match(value)
        kind = _CARD_KINDS.get(label.lower())
        if m and model and kind and clean_text(m.group("unit")).lower() == "1m tokens":
            prices.append(_price(model, model, kind, Decimal(m.group("num").replace(",", "")), TOKEN_UNIT, where))
        else:
            findings.append(Finding("unknown_row" if model is None else "unreadable_cell", where, f"{label}: {value}"))
    if not prices:
        raise ParseError("no prices found (no embedded model list, no model card)", url=url)
    return ParsedPage(prices=prices, findings=findings)


# ---------------------------------------------------------------- models page: crawler Markdown

_MODELS_MD = re.compile(r"^[\s|]*Language models[\s|]*(?:Per million tokens[\s|]*)?$", re.M | re.I)
_AMOUNTS = re.compile(r"^(?:\$\d[\d,]*(?:\.\d+)?)+$")
_GROUPS = {"language models": "language", "image generation models": "image"}
_SECTION = re.compile(r"^#{2,3}\s+(.*)$")


def _models_markdown(text: str, url: str) -> ParsedPage:
    """The "Model Pricing" table of a crawler rendering (pipe table or one cell per line)."""
    findings: list[Finding] = []
    seen: dict[tuple, ParsedPrice] = {}
    group = None
    model = None
    section = ""
    for n, line in enumerate(text.splitlines(), start=1):
        h = _SECTION.match(line.strip())
        if h:
            section = clean_text(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", h.group(1)))
            group = model = None
            if section.lower() != "model pricing" and "$" in _section_body(text, n):
                findings.append(Finding("unknown_section", f"line {n} {section!r}", "prices under this heading are not read"))
            continue
        cells = [clean_text(c) for c in line.strip().strip("|").split("|")] if "|" in line else [clean_text(line)]
        for cell in cells:
            low = cell.lower()
            if low in _GROUPS:
                group, model = _GROUPS[low], None
            elif _XAI_ID.match(cell):
                model = cell
            elif group and model and _AMOUNTS.match(cell):
                where = f"line {n} (Model Pricing, {group}) model {model!r}"
                amounts = [Decimal(a.replace(",", "")) for a in re.findall(r"\$(\d[\d,]*(?:\.\d+)?)", cell)]
                if group == "language" and len(amounts) == 2:
                    rows = [("input", amounts[0], TOKEN_UNIT), ("output", amounts[1], TOKEN_UNIT)]
                elif group == "image" and len(amounts) == 1:
                    rows = [("image_output", amounts[0], "per image")]
                else:
                    findings.append(Finding("unreadable_cell", where, cell))
                    continue
                for kind, amount, unit in rows:
                    q = _price(model, model, kind, amount, unit, where)
                    key = (model, kind, unit)
                    if key in seen and seen[key].amount != amount:
                        raise ParseError(f"{model} {kind} is {amount} here and {seen[key].amount} at {seen[key].where}",
                                         url=url, where=where)
                    seen.setdefault(key, q)
                model = None
    if not seen:
        raise ParseError("no prices found in the Model Pricing table", url=url)
    return ParsedPage(prices=list(seen.values()), findings=findings)


def _section_body(text: str, heading_line: int) -> str:
    lines = text.splitlines()[heading_line:]
    end = next((i for i, x in enumerate(lines) if _SECTION.match(x.strip())), len(lines))
    return "\n".join(lines[:end])

SOURCE = Source(
    name="xai_pricing",
    provider=PROVIDER,
    urls=("https://docs.x.ai/developers/pricing.md",),
    fmt="markdown",
    parse=parse,
    hosts=("docs.x.ai",),
    description="xAI API pricing: Grok text models (input, cached input, output per 1M tokens, < / ≥ 200k prompt "
    "tiers, US regional prices where spelled out), Imagine image/video, voice, tool calls, file storage. USD.",
    live_form="markdown (the docs page's .md export)",
    live_proof="xai/undated-7dbcc719_docs-x-ai-developers-pricing.md",
)

SOURCE_MODELS = Source(
    name="xai_models",
    provider=PROVIDER,
    urls=("https://docs.x.ai/docs/models",),
    fmt="html",
    parse=parse,
    hosts=("docs.x.ai",),
    description="xAI models page: every public model's prices from the JSON list the page embeds "
    "(__XAI_PUBLIC_MODELS__: input, cached input, output, image input per 1M tokens with the long-context tier; "
    "image/video generation, speech and transcription per unit), checked against the page's static cards. "
    "Older crawler renderings give the Model Pricing table (input/output per 1M tokens, image per image). USD.",
    live_form="html (embedded JSON model list, checked against the static cards)",
    live_proof="xai/2026-07-27_docs-models.html",
)

SOURCES = (SOURCE, SOURCE_MODELS)
