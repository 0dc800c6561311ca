"""The registry of price sources (modules under ``pipelines/sources/``, each exposing ``SOURCE`` and ``parse``).

To add a provider: write ``pipelines/sources/<name>.py`` with a pure ``parse(body, url)`` and a ``SOURCE``,
add it to :data:`SOURCES` in ``pipelines/sources/registry.py``, and add its parser test. Nothing else changes.
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
    volcengine,
    xai,
    zai,
    zhipu,
)
from pipelines.sources.base import ParsedPrice, ParseError, Source

#: source modules; a module serving two sites (Moonshot's .cn and .ai platforms) exports ``SOURCES``.
_MODULES = (
    anthropic, openai, google, deepseek, openrouter, moonshot, minimax, cohere, perplexity, xai, zai,
    mistral, groq, alibaba, volcengine, zhipu, baidu, litellm_map,
)

#: every source the pipeline knows, by name.
SOURCES: dict[str, Source] = {s.name: s for m in _MODULES for s in getattr(m, "SOURCES", (m.SOURCE,))}


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


__all__ = ["SOURCES", "Source", "ParsedPrice", "ParseError", "source_for_url", "norm_url"]
