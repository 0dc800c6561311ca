"""Capability scores (LMArena text ratings) joined to our prices: the cheapest price at a capability level.

Source: the LMArena (formerly LMSYS Chatbot Arena) text leaderboard, as committed per snapshot by
fboulnois/llm-leaderboard-csv (see ``../shared/data/capability/README.md``). The upstream terms of the ratings
are not verified, so the data are **never shipped** in this repository: the folder is read at run time from
``TOKENPRICES_CAPABILITY_DIR`` (files ``lmarena_text_history_long.csv.gz`` — every snapshot, preferred — and/or
``lmarena_text_YYYY-MM-DD.csv`` — one snapshot).

Capability threshold. A threshold is a **reference model** named as on LMArena (configuration:
:data:`DEFAULT_THRESHOLDS`, the four Arena thresholds Epoch AI used). Ratings are re-fitted for every
snapshot, so raw scores from different snapshots are not compared: a model is "at or above" the reference when,
in the latest snapshot that rates both, its rating is >= the reference's (a within-snapshot comparison).

Joining LMArena names to our ``(provider, model)`` uses exact rules only, in this order (:func:`match_names`):
the organisation must be one of :data:`ORG_PROVIDER` (first-party sellers we price); then (1) the name
lower-cased equals one of that provider's model ids (``GPT-4o-2024-05-13`` -> ``gpt-4o-2024-05-13``); (2)
Anthropic's dated names ``Claude 3.5 Sonnet (20241022)`` / ``Claude Opus 4 (20250514)`` ->
``claude-3-5-sonnet-20241022`` / ``claude-opus-4-20250514``; (3) Cohere's ``Command R+ (08-2024)`` ->
``command-r-plus-08-2024``; (4) the hand-checked table :data:`ALIASES`. A rule's result must be a model id we
price, otherwise the name stays unmatched and is reported with the reason; nothing is joined fuzzily.
Reasoning models (:data:`REASONING_PATTERNS`) are left out, as Epoch AI does: they emit many more tokens, so
a per-token price understates what reaching the score costs.

Series (:func:`cheapest_series`): for each month, the lowest blended 3:1 price (USD per 1M tokens, standard
tier, base context tier, best-ranked source of staging.source_precedence, first-party sellers) among the matched,
non-reasoning models at or above the threshold with a price in force on the month's last day. Unweighted: one model, the
cheapest, sets the value. Models that LMArena had not rated by the data's last snapshot cannot enter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.config import capability_dir  # noqa: F401  (the setting; read in pipelines/config.py)

#: LMArena organisation -> our provider slug (the market index sellers, pipelines.config.MARKET_INDEX_SELLERS).
ORG_PROVIDER = {
    "OpenAI": "openai", "Anthropic": "anthropic", "Google": "google", "DeepSeek": "deepseek",
    "DeepSeek AI": "deepseek", "Mistral": "mistral", "xAI": "xai", "Cohere": "cohere", "Moonshot": "moonshot",
    "MiniMax": "minimax",
}
#: hand-checked LMArena names whose API id is not derivable by rule (organisation, LMArena name) -> model id.
#: Each was checked against the seller's model documentation (dated id behind an undated arena name).
ALIASES = {
    ("Anthropic", "Claude 3 Opus"): "claude-3-opus-20240229",
    ("Anthropic", "Claude 3 Sonnet"): "claude-3-sonnet-20240229",
    ("Anthropic", "Claude 3 Haiku"): "claude-3-haiku-20240307",
    ("Anthropic", "Claude 3.5 Sonnet"): "claude-3-5-sonnet-20240620",  # the only 3.5 Sonnet before 2024-10
    ("Anthropic", "Claude 3.7 Sonnet"): "claude-3-7-sonnet-20250219",
    ("Cohere", "Command R"): "command-r",
    ("Cohere", "Command R+"): "command-r-plus",
    ("Cohere", "Command R (04-2024)"): "command-r",
    ("Cohere", "Command R+ (04-2024)"): "command-r-plus",
    ("Mistral", "Mistral Medium"): "mistral-medium-2312",
    ("Mistral", "Mistral Medium 3"): "mistral-medium-2505",
}
#: reasoning models, by our id or LMArena name (case-insensitive regexes): OpenAI o-series, DeepSeek R1 /
#: reasoner, Magistral, QwQ, and any "thinking" or "-high" (reasoning-effort) variant.
REASONING_PATTERNS = (r"^o\d", r"reasoner", r"(^|-)r1($|-)", r"thinking", r"magistral", r"qwq", r"-high$")
#: reference models for the thresholds (LMArena names): Epoch AI's four Chatbot Arena thresholds.
DEFAULT_THRESHOLDS = ("GPT-3.5-Turbo-0314", "GPT-4-0314", "GPT-4-1106-preview", "GPT-4o-2024-05-13")
#: our threshold reference -> the name of the same threshold in Epoch AI's published results.
EPOCH_EQUIVALENT = {
    "GPT-3.5-Turbo-0314": "GPT-3.5 Turbo", "GPT-4-0314": "GPT-4-0314", "GPT-4-1106-preview": "GPT-4 Turbo",
    "GPT-4o-2024-05-13": "GPT-4o-2024-05",
}
HISTORY_FILE = "lmarena_text_history_long.csv.gz"
SERIES_PREFIX = "cheapest_at_lmarena"

_CLAUDE_A = re.compile(r"^Claude (\d+(?:\.\d+)?) (Opus|Sonnet|Haiku) \((\d{8})\)$")
_CLAUDE_B = re.compile(r"^Claude (Opus|Sonnet|Haiku) (\d+(?:\.\d+)?) \((\d{8})\)$")
_COHERE = re.compile(r"^Command (R\+|R|A) \((\d\d-\d{4})\)$")
_COHERE_BASE = {"R+": "command-r-plus", "R": "command-r", "A": "command-a"}


def series_name(reference: str) -> str:
    """``cheapest_at_lmarena/<reference, lower-cased>``."""
    return f"{SERIES_PREFIX}/{reference.lower()}"


def headline_reference(has_trend) -> str | None:
    """The threshold of the quality-adjusted headline: the highest of :data:`DEFAULT_THRESHOLDS` whose series
    (:func:`series_name`) ``has_trend`` (a predicate on the series name); None when none has. The forecast page
    and the demo summary both read it, so they show the same figure."""
    return next((r for r in reversed(DEFAULT_THRESHOLDS) if has_trend(series_name(r))), None)


def is_reasoning(name: str) -> bool:
    """True when ``name`` (a model id or LMArena name) matches :data:`REASONING_PATTERNS`."""
    return any(re.search(p, name, flags=re.IGNORECASE) for p in REASONING_PATTERNS)


def load_ratings(folder: Path) -> pd.DataFrame:
    """LMArena ratings as rows ``version`` (snapshot date), ``model`` (LMArena name), ``organization``,
    ``score`` (arena_score), one per (version, model) (upstream duplicates: the first row). Reads the history
    file when present, else every ``lmarena_text_YYYY-MM-DD.csv`` (version from the file name). Raises
    FileNotFoundError when the folder has neither."""
    folder = Path(folder)
    hist = folder / HISTORY_FILE
    if hist.is_file():
        df = pd.read_csv(hist, usecols=["leaderboard_version", "model", "organization", "arena_score"])
        df = df.rename(columns={"leaderboard_version": "version", "arena_score": "score"})
    else:
        frames = []
        for f in sorted(folder.glob("lmarena_text_*.csv")):
            m = re.fullmatch(r"lmarena_text_(\d{4}-\d{2}-\d{2})\.csv", f.name)
            if m:
                one = pd.read_csv(f, usecols=["model", "organization", "arena_score"])
                one = one.rename(columns={"arena_score": "score"})
                one.insert(0, "version", m.group(1))
                frames.append(one)
        if not frames:
            raise FileNotFoundError(f"no LMArena ratings in {folder} ({HISTORY_FILE} or lmarena_text_YYYY-MM-DD.csv)")
        df = pd.concat(frames, ignore_index=True)
    df["version"] = pd.to_datetime(df["version"]).dt.date
    df["organization"] = df["organization"].fillna("")
    df = df.dropna(subset=["score"]).drop_duplicates(subset=["version", "model"], keep="first")
    return df.reset_index(drop=True)


def _rule_ids(org: str, name: str) -> list[tuple[str, str]]:
    out = [(name.lower(), "lower-cased name")]
    if org == "Anthropic":
        m = _CLAUDE_A.match(name)
        if m:
            out.append((f"claude-{m[1].replace('.', '-')}-{m[2].lower()}-{m[3]}", "Claude <version> <tier> (date)"))
        m = _CLAUDE_B.match(name)
        if m:
            out.append((f"claude-{m[1].lower()}-{m[2].replace('.', '-')}-{m[3]}", "Claude <tier> <version> (date)"))
    if org == "Cohere":
        m = _COHERE.match(name)
        if m:
            out.append((f"{_COHERE_BASE[m[1]]}-{m[2]}", "Command <R|R+|A> (MM-YYYY)"))
    if (org, name) in ALIASES:
        out.append((ALIASES[(org, name)], "hand-checked alias"))
    return out


def match_names(names: pd.DataFrame, our_ids: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join LMArena ``names`` (columns ``model``, ``organization``) to ``our_ids`` (columns ``provider``,
    ``model``) by the exact rules of the module docstring.

    Returns ``(matched, unmatched)``: matched has ``lmarena_model``, ``organization``, ``provider``, ``model``,
    ``rule``, ``reasoning``; unmatched has ``lmarena_model``, ``organization``, ``reason``.
    """
    ids = {}
    for p, m in our_ids[["provider", "model"]].drop_duplicates().itertuples(index=False):
        ids.setdefault(p, {})[m.lower()] = m
    matched, unmatched = [], []
    for name, org in names[["model", "organization"]].drop_duplicates().itertuples(index=False):
        provider = ORG_PROVIDER.get(org)
        if provider is None:
            unmatched.append((name, org, "organisation is not a first-party seller we price"))
            continue
        hit = next(((ids[provider][cand], rule) for cand, rule in _rule_ids(org, name)
                    if cand in ids.get(provider, {})), None)
        if hit is None:
            unmatched.append((name, org, f"no rule gives a {provider} model id we price"))
            continue
        matched.append((name, org, provider, hit[0], hit[1], is_reasoning(name) or is_reasoning(hit[0])))
    return (
        pd.DataFrame(matched, columns=["lmarena_model", "organization", "provider", "model", "rule", "reasoning"]),
        pd.DataFrame(unmatched, columns=["lmarena_model", "organization", "reason"]),
    )


def at_or_above(ratings: pd.DataFrame, reference: str) -> pd.DataFrame:
    """For every LMArena name, whether it is rated at or above ``reference`` in the latest snapshot rating both.

    Returns columns ``lmarena_model``, ``version`` (the snapshot compared in), ``score``, ``reference_score``,
    ``qualifies``. Names never rated beside the reference are absent. Raises KeyError when ``reference`` is
    not in ``ratings``.
    """
    if reference not in set(ratings["model"]):
        raise KeyError(f"threshold reference {reference!r} is not an LMArena model name in the ratings")
    ref = ratings[ratings["model"] == reference][["version", "score"]].rename(columns={"score": "reference_score"})
    both = ratings.merge(ref, on="version")
    last = both.sort_values("version").groupby("model", as_index=False).tail(1)
    out = last.rename(columns={"model": "lmarena_model"})[["lmarena_model", "version", "score", "reference_score"]]
    out["qualifies"] = out["score"] >= out["reference_score"]
    return out.reset_index(drop=True)


def qualifying_models(ratings: pd.DataFrame, matched: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Our ``(provider, model)`` at or above ``reference``, reasoning models excluded. When several LMArena
    names join one model, the one rated most recently decides. Columns ``provider``, ``model``,
    ``lmarena_model``, ``score``, ``reference_score``, ``version``."""
    q = at_or_above(ratings, reference)
    m = matched[~matched["reasoning"]].merge(q, on="lmarena_model")
    m = m.sort_values("version").groupby(["provider", "model"], as_index=False).tail(1)
    m = m[m["qualifies"]]
    return m[["provider", "model", "lmarena_model", "score", "reference_score", "version"]].reset_index(drop=True)


def cheapest_series(prices: pd.DataFrame, qualifying: pd.DataFrame) -> pd.DataFrame:
    """Monthly cheapest qualifying price. ``prices``: monthly blended prices (columns ``month``, ``provider``,
    ``model``, ``blended``, USD per 1M tokens). Returns columns ``month``, ``value`` (USD per 1M tokens),
    ``n_items`` (qualifying models priced that month), ``detail`` (``provider/model`` of the cheapest), from
    the first month with a qualifying model; a later month without one repeats nothing and is absent."""
    p = prices.merge(qualifying[["provider", "model"]], on=["provider", "model"])
    if p.empty:
        return pd.DataFrame(columns=["month", "value", "n_items", "detail"])
    p = p.sort_values(["month", "blended", "provider", "model"])
    first = p.groupby("month", as_index=False).first()
    n = p.groupby("month").size().rename("n_items").reset_index()
    out = first.merge(n, on="month")
    out["detail"] = out["provider"] + "/" + out["model"]
    return out.rename(columns={"blended": "value"})[["month", "value", "n_items", "detail"]]


def running_min_inputs(points: pd.DataFrame, qualifying: pd.DataFrame) -> pd.DataFrame:
    """Dated price points (columns ``day``, ``provider``, ``model``, ``blended``) restricted to ``qualifying``
    models, in date order: the input of Epoch AI's running-minimum method on our history."""
    p = points.merge(qualifying[["provider", "model"]], on=["provider", "model"])
    return p.sort_values(["day", "blended"], kind="stable").reset_index(drop=True)


def ratings_summary(ratings: pd.DataFrame) -> str:
    """``N snapshots VERSION..VERSION, M names``."""
    v = sorted(ratings["version"].unique())
    return f"{len(v)} snapshots {v[0]}..{v[-1]}, {ratings['model'].nunique()} names" if v else "no snapshots"


@dataclass
class CapabilityBuild:
    """Everything :func:`build` derives: monthly-series rows (family ``cheapest_at_capability``), the LMArena
    join (matched / unmatched), Epoch's running-minimum trend per threshold (``trends``, 90% CI, table
    ``forecasts.capability_trend``), its ``price_decline`` rows (method ``epoch_running_min_ols``, 95% CI), and
    a summary row per threshold."""

    rows: pd.DataFrame
    matched: pd.DataFrame
    unmatched: pd.DataFrame
    trends: pd.DataFrame
    declines: pd.DataFrame
    per_threshold: pd.DataFrame
    ratings: str


def build(con, last, folder: Path, thresholds=DEFAULT_THRESHOLDS, prices: pd.DataFrame | None = None,
          points: pd.DataFrame | None = None) -> CapabilityBuild:
    """Cheapest-at-capability series and trends up to month ``last`` from the warehouse (``con``) and the
    LMArena ``folder``. A threshold whose reference is not an LMArena name is reported, not raised. Raises
    FileNotFoundError when the folder has no ratings."""
    from pipelines.forecast import epoch
    from pipelines.forecast import fit as forecast

    ratings = load_ratings(folder)
    prices = forecast.monthly_prices(con, last) if prices is None else prices
    points = forecast.price_points(con, last) if points is None else points
    ids = pd.concat([prices[["provider", "model"]], points[["provider", "model"]]]).drop_duplicates()
    matched, unmatched = match_names(ratings[["model", "organization"]].drop_duplicates(), ids)
    frames, trends, declines, per = [], [], [], []
    for ref in thresholds:
        name = series_name(ref)
        try:
            q = qualifying_models(ratings, matched, ref)
        except KeyError as exc:
            per.append({"reference": ref, "qualifying": 0, "months": 0, "note": str(exc.args[0])})
            continue
        s = cheapest_series(prices, q)
        if len(s):
            frames.append(forecast.series_rows(name, "cheapest_at_capability", s["month"], s["value"],
                                               forecast.USD_MTOK, s["n_items"], s["detail"]))
        inp = running_min_inputs(points, q)
        fit, pts = epoch.running_min_trend(inp["day"], inp["blended"], [True] * len(inp), ci_level=0.90)
        listed = "; ".join(f"{r.day:%Y-%m-%d} {r.provider}/{r.model} {r.blended:.4g}"
                           for r in inp.iloc[pts["pos"]].itertuples()) if len(pts) else ""
        note = "" if fit else f"{len(pts)} running-minimum points < {epoch.MIN_POINTS}: no regression"
        trends.append({
            "series": name, "reference": ref, "epoch_threshold": EPOCH_EQUIVALENT.get(ref), "n_points": len(pts),
            "start_date": fit.start if fit else None, "end_date": fit.end if fit else None,
            "factor": fit.factor if fit else None, "ci90_low": fit.ci_low if fit else None,
            "ci90_high": fit.ci_high if fit else None, "r_squared": fit.r_squared if fit else None,
            "points": listed, "note": note,
        })
        if fit:
            f95 = epoch.trend(pts["date"], pts["price"], ci_level=0.95)
            slope_month = f95.slope_per_day * 365 / 12 * np.log(10)
            declines.append({
                "series": name, "method": "epoch_running_min_ols", "factor": f95.factor, "ci_low": f95.ci_low,
                "ci_high": f95.ci_high,
                "half_life_months": float(np.log(2) / -slope_month) if slope_month < 0 else None,
                "n_obs": f95.n, "window": f"{f95.start}..{f95.end}",
            })
        per.append({
            "reference": ref, "qualifying": len(q), "months": len(s),
            "last_value": float(s["value"].iloc[-1]) if len(s) else None,
            "cheapest_last": s["detail"].iloc[-1] if len(s) else "",
            "epoch_method_factor": fit.factor if fit else None, "n_points": len(pts), "note": note,
        })
    trend_cols = ["series", "reference", "epoch_threshold", "n_points", "start_date", "end_date", "factor",
                  "ci90_low", "ci90_high", "r_squared", "points", "note"]
    decline_cols = ["series", "method", "factor", "ci_low", "ci_high", "half_life_months", "n_obs", "window"]
    return CapabilityBuild(
        rows=forecast.concat_rows(frames), matched=matched, unmatched=unmatched,
        trends=pd.DataFrame(trends, columns=trend_cols), declines=pd.DataFrame(declines, columns=decline_cols),
        per_threshold=pd.DataFrame(per), ratings=ratings_summary(ratings),
    )
