"""xAI API pricing page (https://docs.x.ai/developers/pricing, provider Markdown) -> prices.

Document -> tables: :func:`pipelines.sources.extract.markdown_tables` (``<br />`` inside a cell is kept as a line break,
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

import re
from decimal import Decimal

from pipelines.sources.extract import Table, markdown_tables
from pipelines.sources.base import ParsedPrice, ParseError, Source, clean_text, parse_money

PROVIDER = "xai"
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


def parse(body: bytes, url: str) -> list[ParsedPrice]:
    """Prices on xAI's pricing page (its Markdown form)."""
    text = body.decode("utf-8", errors="replace")
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
                              tier=tier, conditions=conditions))
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
                                  tier=tier, region="us", conditions=cond))
    return out


def _plain_money(cell: str, url: str, where: str) -> Decimal | None:
    s = clean_text(cell.replace(_BR, " "))
    if s.lower() in ("", "-", "—", "–", "n/a"):
        return None
    if s.lower() == "free":
        return Decimal(0)
    if not _PLAIN.match(s):
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    return parse_money(s)[0]  # type: ignore[index]


def _price(
    model: str, shown: str, kind: str, amount: Decimal, unit: str, where: str, *, tier: int = 0,
    region: str = "global", conditions: str | None = None,
) -> ParsedPrice:
    return ParsedPrice(
        provider=PROVIDER,
        model=model,
        model_name=shown,
        price_kind=kind,
        amount=amount,
        currency="USD",
        unit=unit,
        tier_min_tokens=tier,
        region=region,
        where=where,
        conditions=conditions,
    )


SOURCE = Source(
    name="xai_pricing",
    provider=PROVIDER,
    urls=("https://docs.x.ai/developers/pricing",),
    fmt="markdown",
    parse=parse,
    hosts=("docs.x.ai",),
    description="xAI API pricing: Grok text models (input, cached input, output per 1M tokens, < / ≥ 200k prompt "
    "tiers, US regional prices where spelled out), Imagine image/video, voice, tool calls, file storage. USD.",
)
