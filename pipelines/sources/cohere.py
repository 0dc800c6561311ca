"""Cohere pricing page (https://cohere.com/pricing) -> prices.

The captured page (Jina Reader Markdown, 2025-10) is mostly navigation and a cookie banner; the model
price cards of the live page are client-side tabs that the capture does not contain. The prices it does
contain are prose sentences in the FAQ, one per line (bullet or paragraph):

- ``Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for output``
- ``Aya Expanse models (8B and 32B) on the API are charged at $0.50/1M tokens for input and $1.50/1M tokens
  for output. Find more information …`` (further sentences after the price sentence are ignored)

Document -> price statements: every line that mentions ``tokens for input`` / ``tokens for output`` must
match :data:`_SENTENCE` exactly, or :class:`ParseError` names the line (a price sentence is never skipped
silently). A further ``and $X/1M tokens for <something>`` clause after the output price (a price the parser does
not know, e.g. cached input) is an ``unknown_column`` finding; the input and output prices of the sentence still
load. Statements -> prices: the display name before ``pricing is`` / ``… are charged at`` is mapped to
Cohere API model ids through :data:`MODEL_ID_ALIASES`; an unknown name is an ``unknown_row`` finding naming the
line (its prices are not loaded: no id is guessed), the other sentences still load (issue 19). Prices under the
FAQ entry about *legacy* models get ``conditions`` saying so (the page: "For existing customers").

USD; ``/1M tokens`` -> ``per 1M tokens`` (``/1K tokens`` -> ``per 1K tokens``).
"""

from __future__ import annotations

import re

from pipelines.sources.base import ParsedPage, ParsedPrice, ParseError, Source, clean_text, parse_money, seller_price
from pipelines.sources.reader import Findings

PROVIDER = "cohere"

#: display name on cohere.com/pricing -> Cohere API model id(s). Source: Cohere's model docs,
#: https://docs.cohere.com/docs/models (Command table, column "Model Name"; deprecated models in
#: https://docs.cohere.com/docs/deprecations) and https://docs.cohere.com/docs/aya (``c4ai-aya-expanse-8b``,
#: ``c4ai-aya-expanse-32b``). Names the page may show for current models are listed too; ambiguous undated
#: names (``Command R``, ``Command R+``, whose API alias moved between versions) are deliberately absent.
MODEL_ID_ALIASES: dict[str, tuple[str, ...]] = {
    "Command": ("command",),
    "Command-light": ("command-light",),
    "Command Light": ("command-light",),
    "Command R 03-2024": ("command-r-03-2024",),
    "Command R 08-2024": ("command-r-08-2024",),
    "Command R+ 04-2024": ("command-r-plus-04-2024",),
    "Command R+ 08-2024": ("command-r-plus-08-2024",),
    "Command R7B": ("command-r7b-12-2024",),
    "Command A": ("command-a-03-2025",),
    "Aya Expanse models (8B and 32B)": ("c4ai-aya-expanse-8b", "c4ai-aya-expanse-32b"),
    "Aya Expanse 8B": ("c4ai-aya-expanse-8b",),
    "Aya Expanse 32B": ("c4ai-aya-expanse-32b",),
}

_MONEY = r"\$\s*\d[\d,]*(?:\.\d+)?"
_SENTENCE = re.compile(
    r"^(?P<name>\S.*?)\s+(?:pricing is|(?:on the API\s+)?(?:is|are) (?:charged|priced) at)\s+"
    rf"(?P<input>{_MONEY})\s*/\s*(?P<iu>1[MK]) tokens for input\s+and\s+"
    rf"(?P<output>{_MONEY})\s*/\s*(?P<ou>1[MK]) tokens for output"
    rf"(?P<extra>(?:,?\s+and\s+{_MONEY}\s*/\s*1[MK] tokens for [^.,$]+?)+)?(?:\.(?:\s+.*)?)?$"
)
_EXTRA = re.compile(rf"({_MONEY}\s*/\s*1[MK] tokens for [^.,$]+?)(?=,?\s+and\s+\$|$)")
_MENTION = re.compile(r"tokens for (?:input|output)", re.I)
_UNITS = {"1M": "per 1M tokens", "1K": "per 1K tokens"}
_BULLET = re.compile(r"^\s*(?:[*+-]|\d+\.)\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$|^\s*[*+-]\s+#{1,6}\s+(.*)$")


def parse(body: bytes, url: str) -> ParsedPage:
    """Token prices stated in the prose of Cohere's pricing page (Markdown copy or plain text); unknown models
    and unknown price clauses as findings."""
    text = body.decode("utf-8", errors="replace")
    out: list[ParsedPrice] = []
    findings = Findings()
    heading = ""
    for n, raw in enumerate(text.splitlines(), start=1):
        h = _HEADING.match(raw)
        if h:
            heading = clean_text(h.group(1) or h.group(2))
            continue
        if not _MENTION.search(raw):
            continue
        line = clean_text(_BULLET.sub("", raw))
        where = f"line {n}" + (f" (under {heading!r})" if heading else "")
        m = _SENTENCE.match(line)
        if not m:
            raise ParseError(f"cannot read price sentence {line!r}", url=url, where=where)
        name = m.group("name")
        models = MODEL_ID_ALIASES.get(name)
        if models is None:  # no id is guessed: reported, the rest of the page loads
            findings.add("unknown_row", where, f"unknown Cohere model name {name!r} (add it to MODEL_ID_ALIASES)")
            continue
        for extra in _EXTRA.findall(m.group("extra") or ""):
            findings.add("unknown_column", where, extra.strip())
        conditions = "legacy model pricing (for existing customers)" if "legacy" in heading.lower() else None
        for kind, amount_group, unit_group in (("input", "input", "iu"), ("output", "output", "ou")):
            money = parse_money(m.group(amount_group))
            if money is None:  # pragma: no cover - the sentence regex admits only a number
                raise ParseError(f"cannot read {kind} price in {line!r}", url=url, where=where)
            for model in models:
                out.append(
                    seller_price(PROVIDER, money[1], model, name, kind, money[0], _UNITS[m.group(unit_group)],
                                 f"{where} {kind}", conditions)
                )
    if not out:
        raise ParseError("no prices found on the page", url=url)
    return findings.page(out, url)


SOURCE = Source(
    name="cohere_pricing",
    provider=PROVIDER,
    urls=("https://cohere.com/pricing",),
    fmt="markdown",
    parse=parse,
    hosts=("cohere.com",),
    description="Cohere pricing page: per-model input/output prices stated in prose (FAQ, legacy models, Aya "
    "Expanse), USD per 1M tokens. Display names mapped to API ids by MODEL_ID_ALIASES. Written on a crawler (Jina) "
    "Markdown capture; the live page serves HTML with its prices in the Next.js flight payload, of which there is "
    "no capture yet.",
)
