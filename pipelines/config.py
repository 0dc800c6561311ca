"""Settings: where things live and how the pipeline behaves, and the project-wide definitions every layer shares.

This is the one module that reads the environment: every ``TOKENPRICES_*`` variable is read here, by a function
called when the value is needed (so a changed environment is seen by the next run), and documented in
``.env.example``. Resources (pipelines/resources.py), assets and the CLI ask these functions; nothing else reads
``os.environ`` (tests/test_config.py).
"""

from __future__ import annotations

import os
from pathlib import Path

#: the checkout root (the folder holding pyproject.toml).
ROOT = Path(__file__).resolve().parents[1]


def _path(env: str, default: Path) -> Path:
    v = os.environ.get(env)
    return Path(v).expanduser().resolve() if v else default


#: First-party sellers: model makers that sell their own models through their own API (price-semantics.md,
#: "provider" and "creator"), as ``{seller slug: creator slug}``. The one definition: identity, forecasts and
#: workloads use it or the subsets below (tests/test_config.py). Volcengine is ByteDance's cloud selling ByteDance's
#: Doubao: its creator is not its own slug, so its ids are placed by family prefix (pipelines.history.models).
FIRST_PARTY: dict[str, str] = {
    "openai": "openai", "anthropic": "anthropic", "google": "google", "deepseek": "deepseek", "mistral": "mistral",
    "xai": "xai", "cohere": "cohere", "moonshot": "moonshot", "minimax": "minimax", "zai": "zai", "zhipu": "zhipu",
    "alibaba": "alibaba", "baidu": "baidu", "perplexity": "perplexity", "amazon": "amazon", "ai21": "ai21",
    "volcengine": "bytedance",
}
#: first-party sellers whose slug is also the creator's: a model id they sell with no creator in it is theirs.
SELF_NAMED_SELLERS = frozenset(s for s, creator in FIRST_PARTY.items() if s == creator)
#: the market index basket (``matched_model_blended``, docs/forecasting.md): the first-party sellers whose USD list
#: prices make up the market series, in the order the series lists them.
MARKET_INDEX_SELLERS = ("openai", "anthropic", "google", "deepseek", "mistral", "xai", "cohere", "moonshot", "minimax")

#: One slug per seller: other spellings of a seller the datasets use -> our slug (the one every mart carries).
#: Our slug is LiteLLM's provider name where LiteLLM has the seller (``together_ai``, ``fireworks_ai``,
#: ``voyage``, ``amazon_nova``), except the first-party sellers above (``google``, not LiteLLM's ``gemini``;
#: the export's names: pipelines/history/litellm_export.py). Each importer maps its dataset's names (its own
#: ``PROVIDER_MAP``, e.g. genai-prices' ``aws`` -> ``bedrock``), then through :func:`canonical_provider`;
#: tests/test_slugs.py checks that every provider in the marts is canonical and no two differ only in spelling.
PROVIDER_SLUGS: dict[str, str] = {
    "together": "together_ai", "fireworks": "fireworks_ai", "voyageai": "voyage",  # genai-prices' spelling
    "amazon-nova": "amazon_nova",  # LiteLLM's own earlier spelling of its amazon_nova provider
}


def canonical_provider(name: str) -> str:
    """Our one slug for a seller spelled ``name`` by a dataset (:data:`PROVIDER_SLUGS`), else ``name``."""
    return PROVIDER_SLUGS.get(name, name)


#: prefixes of DuckDB database names that are not local files (MotherDuck: https://motherduck.com/docs/).
REMOTE_DATABASE_PREFIXES = ("md:", "motherduck:")


def warehouse_database() -> str:
    """What DuckDB opens: ``TOKENPRICES_WAREHOUSE`` as given when it names a MotherDuck database (``md:name``;
    the token comes from ``motherduck_token`` in the environment), else the local file of
    :func:`warehouse_path` as an absolute path."""
    v = os.environ.get("TOKENPRICES_WAREHOUSE", "")
    return v if v.startswith(REMOTE_DATABASE_PREFIXES) else str(warehouse_path())


def is_remote(database: str) -> bool:
    """True for a database name DuckDB does not open as a local file (``md:...``)."""
    return str(database).startswith(REMOTE_DATABASE_PREFIXES)


def warehouse_path() -> Path:
    """The local DuckDB file (``TOKENPRICES_WAREHOUSE``; default ``warehouse/tokenprices.duckdb``). Raises
    ValueError when the variable names a MotherDuck database (use :func:`warehouse_database`)."""
    v = os.environ.get("TOKENPRICES_WAREHOUSE", "")
    if v.startswith(REMOTE_DATABASE_PREFIXES):
        raise ValueError(f"TOKENPRICES_WAREHOUSE={v} is a MotherDuck database, not a local file")
    return _path("TOKENPRICES_WAREHOUSE", ROOT / "warehouse" / "tokenprices.duckdb")


def lake_uri(data: Path | None = None) -> str:
    """Where the Parquet copies of the marts go (``TOKENPRICES_LAKE_URI``): a local folder (default
    ``<data dir>/lake``, of ``data`` when given) or an object-store URI that pyarrow's filesystems open
    (``s3://bucket/lake``, ``gs://bucket/lake``; credentials from the usual AWS/GCP environment)."""
    return os.environ.get("TOKENPRICES_LAKE_URI") or str((data or data_dir()) / "lake")


def feed_path(data: Path | None = None) -> Path:
    """The Atom feed of price events, written with the marts: ``<data dir>/price_changes.atom`` (of ``data`` when
    given; always a local file, also when the lake is in an object store)."""
    return (data or data_dir()) / "price_changes.atom"


def duckdb_memory_limit() -> str:
    """DuckDB ``memory_limit`` for warehouse connections (``TOKENPRICES_DUCKDB_MEMORY_LIMIT``; default ``1.5GB``;
    empty = DuckDB's own default, 80% of RAM). With 1.5GB the 5.4M-quote history build peaks at ~1.6 GB RSS
    (bench/scale.py) instead of ~3.8 GB; DuckDB spills to disk beyond it."""
    return os.environ.get("TOKENPRICES_DUCKDB_MEMORY_LIMIT", "1.5GB")


def data_dir() -> Path:
    """Folder for raw page bodies, the Parquet lake and plots (``TOKENPRICES_DATA_DIR``; default ``warehouse/``)."""
    return _path("TOKENPRICES_DATA_DIR", ROOT / "warehouse")


def archive_dir() -> Path:
    """The bundled archive of real captures used by replay (``TOKENPRICES_ARCHIVE``; default ``seed/pages``)."""
    return _path("TOKENPRICES_ARCHIVE", ROOT / "seed" / "pages")


def litellm_dir() -> Path:
    """LiteLLM price-history dataset folder (``TOKENPRICES_LITELLM_DIR``; default ``seed/litellm_price_history``)."""
    return _path("TOKENPRICES_LITELLM_DIR", ROOT / "seed" / "litellm_price_history")


def coding_plans_dir() -> Path:
    """Dated snapshots of the coding-plan scraper (MIT; ``TOKENPRICES_CODING_PLANS_DIR``; default
    ``seed/coding_plans``)."""
    return _path("TOKENPRICES_CODING_PLANS_DIR", ROOT / "seed" / "coding_plans")


def _optional_dir(env: str) -> Path | None:
    v = os.environ.get(env)
    return Path(v).expanduser() if v else None


def genai_prices_dir() -> Path:
    """pydantic/genai-prices feed folder (``TOKENPRICES_GENAI_PRICES_DIR``; default ``seed/genai_prices``)."""
    return _optional_dir("TOKENPRICES_GENAI_PRICES_DIR") or ROOT / "seed" / "genai_prices"


#: the unlicensed datasets (never shipped) imported from a folder given at run time, by importer: the variable
#: naming the folder.
OPTIONAL_DATASET_ENV = {
    "simonw_llm_prices": "TOKENPRICES_SIMONW_DIR",
    "openrouter_snapshots": "TOKENPRICES_OPENROUTER_SNAPSHOTS_DIR",
}


def optional_dataset_dir(name: str) -> Path | None:
    """Folder of the unlicensed dataset ``name`` (a key of :data:`OPTIONAL_DATASET_ENV`), or None when not set."""
    return _optional_dir(OPTIONAL_DATASET_ENV[name])


def capability_dir() -> Path | None:
    """The LMArena folder from ``TOKENPRICES_CAPABILITY_DIR`` (not shipped), or None when not configured."""
    return _optional_dir("TOKENPRICES_CAPABILITY_DIR")


#: where the LMArena text leaderboard is published as CSV, one file per snapshot committed over the previous one:
#: fboulnois/llm-leaderboard-csv (its script converts LMArena's published leaderboard tables; code under MPL-2.0,
#: the ratings are LMArena's, terms not verified: fetched at run time, never shipped).
LMARENA_CSV_URL = "https://raw.githubusercontent.com/fboulnois/llm-leaderboard-csv/main/csv/lmarena_text.csv"


def capability_fetch_url() -> str | None:
    """The LMArena leaderboard CSV a run fetches when ``TOKENPRICES_CAPABILITY_FETCH`` is set: ``1``/``yes``/``on``
    for :data:`LMARENA_CSV_URL`, or a URL of a file in the same format (tests: a local server). None when unset
    or ``0``/``no``/``off``."""
    value = os.environ.get("TOKENPRICES_CAPABILITY_FETCH", "").strip()
    if value.lower() in ("", "0", "no", "off", "false"):
        return None
    return LMARENA_CSV_URL if value.lower() in ("1", "yes", "on", "true") else value


def plots_url() -> str | None:
    """Base URL at which the plots folder (``<data dir>/plots``) is served over HTTP (``TOKENPRICES_PLOTS_URL``),
    or None. With it the forecast metadata links each figure by URL, which the Dagster UI shows inline; without it
    the figure is embedded as base64, which the UI shows behind "[Show Markdown]" (markdown over 1000
    characters)."""
    value = os.environ.get("TOKENPRICES_PLOTS_URL", "").strip()
    return value.rstrip("/") or None


def epoch_dir() -> Path | None:
    """Folder of Epoch AI's dataset from ``TOKENPRICES_EPOCH_DIR`` (not shipped), or None when not configured."""
    return _optional_dir("TOKENPRICES_EPOCH_DIR")


def overrides_path() -> Path:
    """A person's price corrections (``TOKENPRICES_OVERRIDES``; default ``overrides/price_overrides.csv``)."""
    return Path(os.environ.get("TOKENPRICES_OVERRIDES") or ROOT / "overrides" / "price_overrides.csv")


def import_live() -> bool:
    """``TOKENPRICES_IMPORT_LIVE=1`` (or true/yes): importers fetch the datasets' current files from their public
    URLs instead of the bundled copies."""
    return os.environ.get("TOKENPRICES_IMPORT_LIVE", "") in ("1", "true", "yes")


def fetch_mode() -> str:
    """The code location's fetcher mode (``TOKENPRICES_FETCH_MODE``: replay | live | wayback; default replay)."""
    return os.environ.get("TOKENPRICES_FETCH_MODE", "replay")


def lock_timeout_s() -> float:
    """``TOKENPRICES_LOCK_TIMEOUT_S`` (default 60): how long a writer waits for the DuckDB file lock."""
    return float(os.environ.get("TOKENPRICES_LOCK_TIMEOUT_S", "60"))


def executor_name() -> str:
    """The jobs' executor (``TOKENPRICES_EXECUTOR``: in_process | multiprocess | k8s; default in_process),
    lower-cased."""
    return os.environ.get("TOKENPRICES_EXECUTOR", "in_process").strip().lower()


def forecast_workers() -> int | None:
    """Processes fitting forecast series (``TOKENPRICES_FORECAST_WORKERS``, at least 1), or None when not set."""
    v = os.environ.get("TOKENPRICES_FORECAST_WORKERS")
    return max(1, int(v)) if v else None


def delist_after() -> int:
    """Consecutive observations a model must be missing from its page before it counts as delisted
    (``TOKENPRICES_DELIST_AFTER``, default 3)."""
    return int(os.environ.get("TOKENPRICES_DELIST_AFTER", "3"))


WEBHOOK_ENV = "TOKENPRICES_WEBHOOK_URL"
NOTIFY_ENV = "TOKENPRICES_WEBHOOK_NOTIFY"
UI_URL_ENV = "TOKENPRICES_UI_URL"
WEBHOOK_PROVIDERS_ENV = "TOKENPRICES_WEBHOOK_PROVIDERS"


def webhook_url() -> str | None:
    """The configured webhook (``TOKENPRICES_WEBHOOK_URL``), or None when notifications are off."""
    url = os.environ.get(WEBHOOK_ENV, "").strip()
    return url or None


def notify_all() -> bool:
    """True when every run summary is posted (``TOKENPRICES_WEBHOOK_NOTIFY=all``), not only failures."""
    return os.environ.get(NOTIFY_ENV, "failures").strip().lower() == "all"


def webhook_providers() -> frozenset[str] | None:
    """The sellers whose price events (changes, new models, announced prices) are posted to the webhook
    (``TOKENPRICES_WEBHOOK_PROVIDERS``: comma-separated slugs, e.g. ``openai,anthropic,google``), or None for every
    seller (not set or empty)."""
    v = os.environ.get(WEBHOOK_PROVIDERS_ENV, "")
    slugs = frozenset(canonical_provider(p.strip().lower()) for p in v.split(",") if p.strip())
    return slugs or None


def ui_url() -> str:
    """Base URL of the Dagster UI for links in messages (``TOKENPRICES_UI_URL``; default http://127.0.0.1:3000)."""
    return os.environ.get(UI_URL_ENV, "http://127.0.0.1:3000").rstrip("/")


#: the ECB's daily euro reference rates (``eurofxref-hist.zip`` beside it holds the whole history).
ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref.zip"


def ecb_rates_url() -> str:
    """The ECB reference-rate file a live run fetches (``TOKENPRICES_ECB_URL``; default the ECB's daily
    ``eurofxref.zip``; its ``eurofxref-hist.zip`` fills a longer gap)."""
    return os.environ.get("TOKENPRICES_ECB_URL") or ECB_DAILY_URL


def debug() -> bool:
    """``TOKENPRICES_DEBUG`` set (to anything): the CLI shows the traceback of an error instead of its one line."""
    return bool(os.environ.get("TOKENPRICES_DEBUG"))
