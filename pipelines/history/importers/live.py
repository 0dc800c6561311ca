"""Live import: fetch a dataset's current files from its public URL with the same polite client as the scrape
(robots.txt, User-Agent, delay, retries, size cap, host allow-list) into a temporary folder laid out like the
bundled copy, so the same ``read_runs`` reads it.

Used when ``TOKENPRICES_IMPORT_LIVE=1``: genai-prices' v2 feed, and simonw/llm-prices' per-vendor files. (The
LiteLLM and OpenRouter histories are derived from git history; their live counterparts are the scrape sources
``litellm_price_map`` and ``openrouter_models_api``.)
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.sources.fetch import LiveFetcher, PolitePolicy
from pipelines.sources.base import Source

#: genai-prices v2 feed (pydantic/genai-prices, MIT).
GENAI_PRICES_URL = "https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/new_data/v2/data.json"
#: simonw/llm-prices per-vendor files (the vendor list of the pinned copy; a vendor added later is not seen).
SIMONW_BASE = "https://raw.githubusercontent.com/simonw/llm-prices/main/data/"
SIMONW_VENDORS = ("amazon", "anthropic", "deepseek", "google", "meta-ai", "minimax", "mistral", "moonshot-ai",
                  "openai", "qwen", "xai")


def fetch_files(files: dict[str, str], policy: PolitePolicy | None = None, into: Path | None = None) -> Path:
    """Fetch ``{relative path: url}`` into a folder (a new temporary one unless ``into``); returns the folder.

    Only the URLs' own hosts are allowed. Raises FetchError naming the URL that failed.
    """
    folder = Path(into or tempfile.mkdtemp(prefix="tokenprices-import-"))
    hosts = tuple(sorted({urlsplit(u).hostname or "" for u in files.values()}))
    fetcher = LiveFetcher(policy)
    source = Source(name="dataset", provider="dataset", urls=(), fmt="json", parse=None, hosts=hosts)
    results = fetcher.get_urls(source, list(files.values()))
    for (rel, _), r in zip(files.items(), results):
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(r.body)
    return folder


def genai_prices_live(policy: PolitePolicy | None = None, url: str = GENAI_PRICES_URL) -> tuple[Path, dt.date]:
    """Today's genai-prices feed in a folder for :func:`pipelines.history.importers.genai_prices.read_runs`, and today's
    date (the ``as_of`` to read it with)."""
    return fetch_files({"data_v2.json": url}, policy), dt.datetime.now(dt.UTC).date()


def simonw_live(policy: PolitePolicy | None = None, base: str = SIMONW_BASE) -> tuple[Path, dt.date]:
    """Today's llm-prices vendor files in a folder for :func:`pipelines.history.importers.simonw.read_runs`."""
    files = {f"data/{v}.json": f"{base}{v}.json" for v in SIMONW_VENDORS}
    return fetch_files(files, policy), dt.datetime.now(dt.UTC).date()
