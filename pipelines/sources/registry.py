"""The registry of price sources (modules under ``pipelines/sources/``, each exposing ``SOURCE`` and ``parse``).

To add a provider: write ``pipelines/sources/<name>.py`` with a pure ``parse(body, url)`` and a ``SOURCE``,
add it to :data:`SOURCES` in ``pipelines/sources/registry.py``, and add its parser test. Nothing else changes.
A page that also states offers (free quotas, TPM packs, promotions ...) gets a pure ``parse_offers(body, url)``
named in its ``SOURCE`` (``parse_offers=parse_offers``): :func:`offer_parsers` finds it there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pipelines.sources import (
    alibaba,
    anthropic,
    baidu,
    cohere,
    deepseek,
    google,
    groq,
    litellm_map,
    minimax,
    mistral,
    moonshot,
    openai,
    openrouter,
    perplexity,
    plans,
    volcengine,
    xai,
    zai,
    zhipu,
)
from pipelines.sources.base import ParsedPrice, ParseError, Source

#: source modules; a module serving two sites (Moonshot's .cn and .ai platforms) exports ``SOURCES``.
_MODULES = (
    anthropic, openai, google, deepseek, openrouter, moonshot, minimax, cohere, perplexity, xai, zai,
    mistral, groq, alibaba, volcengine, zhipu, baidu, litellm_map, plans,
)

#: every source the pipeline knows, by name.
SOURCES: dict[str, Source] = {s.name: s for m in _MODULES for s in getattr(m, "SOURCES", (m.SOURCE,))}

#: the live form of the sources whose module does not declare it (``Source.live_form`` / ``live_proof``): what the
#: live URL serves and the seed/pages capture of exactly that form that a parser test reads; an empty proof means
#: the live form is unproven (no capture of it), and its first live fetch is stored and reported for review.
#: Evidence: seed/pages/README.md ("Third harvest": how each live URL serves its prices) and manifest.csv.
LIVE_FORMS: dict[str, tuple[str, str]] = {
    "anthropic_pricing": ("html (server-rendered tables)", "anthropic/2026-04-26_platform-claude-docs-pricing.html"),
    "openai_pricing": ("html (static tables; a .md export also exists, not captured)",
                       "openai/2026-04-27_developers-openai-api-docs-pricing.html"),
    "google_gemini_pricing": ("html (static tables)", "gemini/2026-04-27_ai-google-dev-gemini-api-pricing.html"),
    "deepseek_pricing": ("html (static table; the zh-cn page's html is not captured)",
                         "deepseek/undated-cd6cb74b_api-docs-quick-start-pricing.html"),
    "openrouter_models_api": ("json (public models API)", "openrouter/2026-08-19_api-v1-models.json"),
    "moonshot_pricing_cn": ("html (captures are crawler Markdown only)", ""),
    "minimax_pricing_intl": ("markdown (the docs page's .md export)", "minimax/2025-12-20_pricing-pay-as-you-go_en.md"),
    "minimax_pricing_cn": ("markdown (the docs page's .md export)", "minimax/2025-12-20_pricing-pay-as-you-go_zh-cn.md"),
    "cohere_pricing": ("html (prices in the Next.js flight payload; captures are crawler Markdown only)", ""),
    "perplexity_pricing": ("markdown (Mintlify .md export; captures are crawler Markdown only)", ""),
    "zai_pricing": ("html (Mintlify; the capture is re-serialised html, not the wire bytes)", ""),
    "alibaba_model_studio_pricing": ("html (captures are crawler Markdown only)", ""),
    "volcengine_ark_pricing": ("html (renders its document JSON client-side; the captures are that JSON and its "
                               "Markdown as crawlers saved them, not the live response)", ""),
    "zhipu_model_pages": ("markdown (the docs page's .md export)",
                          "zhipu/2025-12-20_docs-bigmodel-guide-models-text-glm-4.md"),
    "baidu_qianfan_pricing": ("html (the capture is a text rendering)", ""),
    "litellm_price_map": ("json (the price map file)", "seed/litellm_price_history/model_prices_latest.json"),
}
for _name, (_form, _proof) in LIVE_FORMS.items():
    if _name in SOURCES and not SOURCES[_name].live_form:  # a module's own declaration wins
        SOURCES[_name].live_form, SOURCES[_name].live_proof = _form, _proof



#: pages that show their prices only after a browser runs their scripts (nothing in the HTML, no embedded data, no
#: .md export): listed, not scraped blind. URL -> why, and where the seller's prices are read instead.
NEEDS_BROWSER: dict[str, str] = {
    "https://bigmodel.cn/pricing": "rendered client-side (no prices in the HTML); Zhipu's prices are read from the "
    "docs.bigmodel.cn model pages' .md export (zhipu_model_pages)",
}


def live_form_unproven(source: Source) -> bool:
    """True when no bundled capture of the form the source's live URL serves proves its parser."""
    return not source.live_proof


def offer_parsers() -> dict:
    """``{source name: parse_offers}`` of the sources whose pages state offers (``Source.parse_offers`` set)."""
    return {name: s.parse_offers for name, s in SOURCES.items() if s.parse_offers is not None}


def source_for_url(url: str) -> Source:
    """The source whose live URL or allowed host matches ``url``.

    Exact URL match wins (ignoring a trailing ``/``, ``.md`` twin and query); otherwise the host must be one of a
    source's ``hosts``. Raises KeyError naming the URL when no source claims it.
    """
    norm = norm_url(url)
    for s in SOURCES.values():
        if any(norm_url(u) == norm for u in (*s.urls, *s.archive_urls)):
            return s
    host = urlsplit(url).hostname or ""
    for s in SOURCES.values():
        if host in s.hosts:
            return s
    known = ", ".join(sorted(h for s in SOURCES.values() for h in s.hosts))
    raise KeyError(f"no source handles {url!r} (known hosts: {known})")


def norm_url(url: str) -> str:
    p = urlsplit(url)
    path = p.path.rstrip("/")
    if path.endswith(".md"):
        path = path[:-3]
    return f"{p.hostname}{path}"


__all__ = ["SOURCES", "LIVE_FORMS", "NEEDS_BROWSER", "Source", "ParsedPrice", "ParseError", "offer_parsers",
           "source_for_url", "norm_url", "live_form_unproven"]
