"""MiniMax "Pay as You Go" pricing pages (Mintlify Markdown) -> prices.

Two sites sell the same API:

- https://platform.minimax.io/docs/pricing/pay-as-you-go (international; USD in the cells, ``\\$0.3 / M tokens``,
  ``\\$60/M characters``, ``\\$3 per voice``, ``\\$0.19 per 768P, 6s video``) -> ``region="intl"``;
- https://platform.minimaxi.com/docs/pricing/pay-as-you-go (China; bare numbers, the unit in the header:
  ``**输入价格**<br /> 元/百万 tokens``, ``元/万字符``, ``元/音色``, ``元/视频``, ``元/首``, ``元/张``) -> ``region="cn-mainland"``.

The region follows the currency of the price (CNY = the .com China platform, USD = the .io one), so a capture
reads the same whatever URL it was saved under. One :class:`Source` per site (``SOURCE_INTL``, ``SOURCE_CN``,
both in ``SOURCES``); ``SOURCE`` is ``SOURCE_INTL``.

Document -> tables: :func:`pipelines.sources.reader.markdown_tables` (pipe tables). Tables -> prices, by header:

- **text** (``Model | Input | Output | Prompt caching Read | Prompt caching Write`` / ``模型 | 输入价格 | 输出价格 |
  缓存读取 | 缓存写入``): ``input``, ``output``, ``cache_read``, ``cache_write`` per 1M tokens. The model cell is
  the bold id; a second line (``High Concurrency, Commercial Use``) is a description, kept in ``conditions``.
- **speech** (``API | Model | Price`` / ``计费项 | 模型 | 接口说明 | 单价``): kind ``speech_output`` with
  ``conditions="api=T2A"`` (T2A / 同步语音合成) or ``"api=T2A Async"`` (异步长文本语音合成, a separate API priced on
  its own); units ``per 1M characters`` (``/M characters``) or ``per 10K characters`` (``元/万字符``). One row per model id
  listed in the cell (one per line).
- **voice fees** (Rapid Voice Cloning / 快速复刻, Voice Design / 音色设计), ``per voice``: these are fees of an
  API, not of a model (the zh page says 所有模型, "all models"), so by rule the *model* is the MiniMax API
  endpoint name, ``voice_clone`` / ``voice_design`` (https://platform.minimax.io/docs/api-reference:
  ``/v1/voice_clone``, ``/v1/voice_design``), with kind ``voice_clone`` / ``voice_design`` and the page's model
  cell in ``conditions``. Notes after the price (``<br />`` lines: when the fee is charged, the preview-synthesis
  fee ``2 元/万字符``) are not read as prices.
- **video** (``Model | Price`` with ``per 768P, 6s video`` / ``模型 | 功能 | 单价 元/视频``): kind ``video_output``,
  ``per video``; the price depends on resolution and duration, kept in ``conditions`` as ``768P 6s`` (zh adds
  the 功能 modes: ``768P 6s; 文生视频,图生视频``).

Non-token variants of one model and kind (speech API, video resolution/duration) are told apart by
``conditions`` (``staging.unit_prices`` keeps it), following the convention of the other non-token sources.
- **music** (``\\$0.03/up-to-5 minutes music`` / ``元/首``): kind ``music_output``, unit ``per song``.
- **image** (``per image`` / ``元/张``): kind ``image_output``, unit ``per image``.
- rate-limit tables (``RPM`` / ``TPM``) hold no prices and are skipped.

Model ids are written as API ids on the page; :data:`MODEL_ID_ALIASES` fixes the few that are not.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipelines.sources.base import ParsedPage, ParsedPrice, ParseError, Source, clean_text, parse_money, seller_price
from pipelines.sources.reader import FREE, Findings, Table, is_absent, markdown_tables

PROVIDER = "minimax"
TOKEN_UNIT = "per 1M tokens"

#: currency of the price -> region (platform.minimaxi.com bills in CNY, platform.minimax.io in USD).
REGION_BY_CURRENCY = {"CNY": "cn-mainland", "USD": "intl"}

#: page spelling -> API model id, where the page does not show the id itself.
#: - ``Music-2.0``: the music generation API takes ``"model": "music-2.0"``
#:   (https://platform.minimax.io/docs/api-reference/music-generation).
#: - ``speech-2.6-hd-``: a typo on the zh page (T2A Async row, ``speech-2.6-hd-<br />speech-02-hd``); the id is
#:   ``speech-2.6-hd`` as in the T2A row above it.
MODEL_ID_ALIASES: dict[str, str] = {
    "Music-2.0": "music-2.0",
    "speech-2.6-hd-": "speech-2.6-hd",
}

#: API fees that are not per model: row label (lowercase, any language) -> (model = API endpoint, kind).
API_FEES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"voice clon|快速复刻"), "voice_clone", "voice_clone"),
    (re.compile(r"voice design|音色设计"), "voice_design", "voice_design"),
]
#: speech synthesis APIs: row label -> API name for ``conditions`` (async first: "T2A Async" contains "T2A").
SPEECH_APIS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"t2a async|异步"), "T2A Async"),
    (re.compile(r"\bt2a\b|同步语音合成"), "T2A"),
]

_TOKEN_COLS = {
    "input": "input",
    "输入价格": "input",
    "output": "output",
    "输出价格": "output",
    "prompt caching read": "cache_read",
    "缓存读取": "cache_read",
    "prompt caching write": "cache_write",
    "缓存写入": "cache_write",
}
_MODEL_HEADERS = {"model", "模型"}
_PRICE_HEADERS = {"price", "单价"}
_API_HEADERS = {"api", "计费项"}
_FEATURE_HEADERS = {"功能"}
_IGNORED_HEADERS = {"接口说明", "description"}

_MODEL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*$")
_NUMBER = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
# a USD cell: "$0.3 / M tokens", "$60/M characters", "$3 per voice", "$0.19 per 768P, 6s video"
_USD_CELL = re.compile(r"^\$\s*(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?:/|per\b)\s*(?P<unit>.+)$", re.I)
_VIDEO_VARIANT = re.compile(r"(?P<res>\d+P)\s*,?\s*(?P<dur>\d+s)\b", re.I)
_UP_TO = re.compile(r"^up-to-(\d+) minutes music$", re.I)

# header unit (CNY pages) -> unit
_CNY_UNITS = {
    "元/百万tokens": TOKEN_UNIT,
    "元/万字符": "per 10K characters",
    "元/音色": "per voice",
    "元/视频": "per video",
    "元/首": "per song",
    "元/张": "per image",
}


def parse(body: bytes, url: str) -> ParsedPage:
    """Prices of a MiniMax pay-as-you-go page (English USD or Chinese CNY Markdown). An unknown column of a known
    table is a finding (``unknown_column``) and the table's other columns load."""
    found = Findings()
    text = body.decode("utf-8", errors="replace")
    # markdown_tables turns <br> into "\n" but then collapses it to a space; keep line breaks as a marker
    text = re.sub(r"<br\s*/?>", f" {_BR} ", text)
    out: list[ParsedPrice] = []
    for t in markdown_tables(text):
        out += _interpret(t, url, found)
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return found.page(out, url)


# ---------------------------------------------------------------- tables -> prices

#: stands for a ``<br>`` line break inside a cell (survives :func:`clean_text`); see :func:`parse`.
_BR = "\u241e"


def _split(cell: str) -> list[str]:
    """Lines of a cell (``<br>``-separated), each cleaned; empty lines dropped."""
    return [x for x in (clean_text(p) for p in re.split(f"[{_BR}\n]", cell)) if x]


def _label(h: str) -> str:
    """First line of a header cell, without Markdown bold, lowercase."""
    lines = _split(h.replace("**", ""))
    return lines[0].lower() if lines else ""


def _col(h: str) -> str:
    """Column name for messages: first line of the header cell, without bold."""
    lines = _split(h.replace("**", ""))
    return lines[0] if lines else ""


def _header_unit(h: str) -> str | None:
    """Unit line of a header cell (``元/百万 tokens``), no spaces; None if the header has none."""
    lines = _split(h.replace("**", "")) or [""]
    for line in lines[1:] + [lines[0]]:
        if "元/" in line:
            return re.sub(r"\s+", "", line[line.index("元/") :])
    return None


def _interpret(t: Table, url: str, found: Findings) -> list[ParsedPrice]:
    labels = [_label(h) for h in t.header]
    if any(lab in ("rpm", "tpm") for lab in labels):
        return []  # rate limits
    if not set(labels) & _MODEL_HEADERS:
        return []
    if any(lab in _TOKEN_COLS for lab in labels):
        return _token_table(t, labels, url, found)
    if set(labels) & _PRICE_HEADERS:
        return _unit_table(t, labels, url, found)
    raise ParseError(f"unrecognised table with columns {t.header!r}", url=url, where=t.where())


def _token_table(t: Table, labels: list[str], url: str, found: Findings) -> list[ParsedPrice]:
    out: list[ParsedPrice] = []
    model_col = next(c for c, lab in enumerate(labels) if lab in _MODEL_HEADERS)
    for c, lab in enumerate(labels):
        if c != model_col and lab not in _TOKEN_COLS:
            found.add("unknown_column", t.where(col=_col(t.header[c])), _col(t.header[c]))
    for r, row in enumerate(t.body, start=1):
        where_model = t.where(r, _col(t.header[model_col]))
        lines = _split(row[model_col].replace("**", ""))
        if not lines:
            raise ParseError("empty model cell", url=url, where=where_model)
        model = _model_id(lines[0], url, where_model)
        note = "; ".join(lines[1:]) or None
        for c, lab in enumerate(labels):
            if c == model_col or lab not in _TOKEN_COLS:
                continue
            where = t.where(r, _col(t.header[c]))
            money = _read(row[c], t.header[c], url, where)
            if money is None:
                continue
            amount, currency, unit, _extra = money
            if unit != TOKEN_UNIT:
                raise ParseError(f"text price not per 1M tokens: {row[c]!r}", url=url, where=where)
            out.append(_price(model, lines[0], _TOKEN_COLS[lab], amount, currency, unit, where, note))
    return out


def _unit_table(t: Table, labels: list[str], url: str, found: Findings) -> list[ParsedPrice]:
    """Audio / video / music / image tables: one price column, non-token units."""
    out: list[ParsedPrice] = []
    model_col = next(c for c, lab in enumerate(labels) if lab in _MODEL_HEADERS)
    price_col = next(c for c, lab in enumerate(labels) if lab in _PRICE_HEADERS)
    api_col = next((c for c, lab in enumerate(labels) if lab in _API_HEADERS), None)
    feat_col = next((c for c, lab in enumerate(labels) if lab in _FEATURE_HEADERS), None)
    for c, lab in enumerate(labels):
        if c not in (model_col, price_col, api_col, feat_col) and lab not in _IGNORED_HEADERS:
            found.add("unknown_column", t.where(col=_col(t.header[c])), _col(t.header[c]))  # not read
    section = t.heading
    for r, row in enumerate(t.body, start=1):
        where = t.where(r, _col(t.header[price_col]))
        # the price is the first line of the cell; further lines are notes (when charged, preview fees)
        first = (_split(row[price_col]) or [""])[0]
        money = _read(first, t.header[price_col], url, where)
        if money is None:
            continue
        amount, currency, unit, extra = money
        if unit == TOKEN_UNIT:
            raise ParseError(f"token price in a non-token table: {row[price_col]!r}", url=url, where=where)
        model_cell = " / ".join(_split(row[model_col].replace("**", "")))
        api = " ".join(_split(row[api_col].replace("**", ""))) if api_col is not None else ""
        feature = " ".join(_split(row[feat_col])) if feat_col is not None else ""
        # API fees (voice cloning / design): the model is the API endpoint
        fee = next(((m, k) for pat, m, k in API_FEES if pat.search(api.lower())), None)
        if fee is not None:
            model, kind = fee
            out.append(_price(model, api, kind, amount, currency, unit, where, f"models: {model_cell}"))
            continue
        kind, conditions = _unit_kind(unit, api, feature, extra, url, where, section)
        for shown in _model_lines(row[model_col]):
            model = _model_id(shown, url, t.where(r, _col(t.header[model_col])))
            out.append(_price(model, shown, kind, amount, currency, unit, where, conditions))
    return out


def _unit_kind(
    unit: str, api: str, feature: str, extra: str | None, url: str, where: str, section: str
) -> tuple[str, str | None]:
    """Kind (and conditions) of a non-token price, from its unit and the row's API / feature cells."""
    if unit.endswith("characters"):
        name = next((k for pat, k in SPEECH_APIS if pat.search(api.lower())), None)
        if name is None:
            raise ParseError(f"unknown speech API {api!r}", url=url, where=where)
        return "speech_output", f"api={name}"
    if unit == "per video":
        variant = extra or feature
        m = _VIDEO_VARIANT.search(variant or "")
        if not m:
            raise ParseError(f"video price without resolution and duration ({variant!r})", url=url, where=where)
        conditions = f"{m.group('res').upper()} {m.group('dur').lower()}"
        modes = clean_text(feature[: feature.find(m.group(0))].rstrip(" ,，")) if feature else ""
        return "video_output", f"{conditions}; {modes}" if modes else conditions
    if unit == "per song":
        return "music_output", extra
    if unit == "per image":
        return "image_output", None
    raise ParseError(f"no price kind for unit {unit!r} in section {section!r}", url=url, where=where)


def _model_lines(cell: str) -> list[str]:
    """Model ids of a cell, one per line, bullets (``•``) and bold dropped."""
    return [x for x in (line.lstrip("•").strip() for line in _split(cell.replace("**", ""))) if x]


def _model_id(shown: str, url: str, where: str) -> str:
    model = MODEL_ID_ALIASES.get(shown, shown)
    if not _MODEL_ID.match(model):
        raise ParseError(f"not a MiniMax model id: {shown!r} (add it to MODEL_ID_ALIASES)", url=url, where=where)
    return model


def _read(cell: str, header: str, url: str, where: str) -> tuple[Decimal, str, str, str | None] | None:
    """A price cell -> (amount, currency, unit, extra) or None when absent.

    USD cells carry their unit (``$0.3 / M tokens``); CNY cells are bare numbers whose unit is in the header
    (``元/百万 tokens``). ``extra``: the video variant (``768P, 6s``) or the music length condition.
    """
    s = " ".join(_split(cell.replace("**", ""))).replace("\\$", "$")
    if is_absent(s):
        return None
    header_unit = _header_unit(header)
    if header_unit is not None:
        unit = _CNY_UNITS.get(header_unit)
        if unit is None:
            raise ParseError(f"unknown unit {header_unit!r} in header", url=url, where=where)
        if s.lower() in FREE:
            return Decimal(0), "CNY", unit, None
        if not _NUMBER.match(s):
            raise ParseError(f"cannot read price {cell!r} (expected a number in {header_unit})", url=url, where=where)
        return Decimal(s.replace(",", "")), "CNY", unit, None
    m = _USD_CELL.match(s)
    if not m:
        raise ParseError(f"cannot read price {cell!r}", url=url, where=where)
    money = parse_money("$" + m.group("num"))
    assert money is not None
    unit, extra = _usd_unit(m.group("unit"), url, where)
    return money[0], money[1], unit, extra


def _usd_unit(text: str, url: str, where: str) -> tuple[str, str | None]:
    t = clean_text(text)
    low = t.lower()
    if low in ("m tokens", "1m tokens"):
        return TOKEN_UNIT, None
    if low in ("m characters", "1m characters"):
        return "per 1M characters", None
    if low == "voice":
        return "per voice", None
    if low == "image":
        return "per image", None
    if low.endswith(" video") and _VIDEO_VARIANT.search(t):
        return "per video", t[: -len(" video")]
    m = _UP_TO.match(t)
    if m:
        return "per song", f"up to {m.group(1)} minutes"
    raise ParseError(f"unknown price unit {text!r}", url=url, where=where)


def _price(
    model: str, shown: str, kind: str, amount: Decimal, currency: str, unit: str, where: str, conditions: str | None
) -> ParsedPrice:
    region = REGION_BY_CURRENCY.get(currency)
    if region is None:  # pragma: no cover - _read yields USD or CNY only
        raise ParseError(f"unexpected currency {currency}", where=where)
    return seller_price(PROVIDER, currency, model, shown, kind, amount, unit, where, conditions, region=region)


SOURCE_INTL = Source(
    name="minimax_pricing_intl",
    provider=PROVIDER,
    urls=("https://platform.minimax.io/docs/pricing/pay-as-you-go.md",),  # the .md export, the captures' form
    fmt="markdown",
    parse=parse,
    hosts=("platform.minimax.io",),
    description="MiniMax pay-as-you-go pricing, international site: USD per 1M tokens (input, output, cache "
    "read/write), speech per 1M characters, voice fees, video, music and image prices. region intl.",
)

SOURCE_CN = Source(
    name="minimax_pricing_cn",
    provider=PROVIDER,
    urls=("https://platform.minimaxi.com/docs/pricing/pay-as-you-go.md",),  # the .md export, the captures' form
    fmt="markdown",
    parse=parse,
    hosts=("platform.minimaxi.com",),
    description="MiniMax 按量计费 pricing, China site: CNY per 1M tokens (unit in the header), speech per 10K "
    "characters, voice fees, video, music and image prices. region cn-mainland.",
)

SOURCES = (SOURCE_INTL, SOURCE_CN)
SOURCE = SOURCE_INTL
