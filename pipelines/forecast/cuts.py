"""Price cuts as events: a discrete-time hazard model of cuts (and rises) per price key, and its forecasts.

A single model's price is a step function (flat for months, then a cut), which neither a random walk nor a trend
describes. Here each **price key** (seller, model, price kind: ``input``, ``output`` or ``blended`` 3:1, USD per
1M tokens, the first-party sellers' USD lists of :func:`pipelines.forecast.fit.monthly_prices`) is a sequence of
monthly prices, and a month-to-month move is an event:

- **cut**: the next month's price is lower (log ratio < -:data:`TOL`), **rise**: higher; relatives beyond
  :data:`pipelines.forecast.fit.MAX_RELATIVE` are data errors and left out (as in the index). A key not priced the
  next month has no transition that month.
- **Hazard of a cut** (:func:`fit_hazard`): logit GLM (statsmodels ``GLM``, ``Binomial``) of "cut next month" on,
  at the month: ``log1p(months since first priced)`` (left-censored at the data's first month), ``log1p(months
  since the last change)``, ``log(price / the seller's cheapest price of that kind)``, ``log1p(number of cheaper
  models at the seller)``, the price kind, and the seller (sellers with fewer than :data:`MIN_SELLER_CUTS` cuts in
  the training data share the level ``other``). **Hazard of a rise**: the same GLM on ``log1p(months since the
  last change)`` only (rises are rare; intercept only below :data:`MIN_RISE_EVENTS` rises, zero without any).
  The three kinds of one model usually move together, so the standard errors are optimistic (pooled, not
  clustered by model): read the interval as a lower bound of the uncertainty.
- **Size** (:func:`size_pools`): the empirical distribution of the log ratios of cuts, by seller when the seller
  has at least :data:`MIN_SIZE_SAMPLE` cuts, pooled over sellers otherwise (rises: always pooled).
- **Simulation** (:func:`simulate`): :data:`N_PATHS` paths per key over 12 months with a seeded NumPy generator
  (deterministic for the same data): each month a cut with the fitted hazard, else a rise with its hazard, of a
  size drawn from the pool; months since the last change restart after a move. The seller's cheapest price and
  the count of cheaper models are held at their value at the origin (other models' moves are not simulated).
  Per key: ``p_cut_{3,6,12}m`` (share of paths with at least one cut within 3/6/12 months), ``expected_cut_pct``
  (mean size of a cut in the key's pool, % of the price), the path's median and 80%/95% intervals.
- **Series** (:func:`series_forecast`): a matched-model index (:data:`pipelines.forecast.fit.SERIES`, overall or
  per seller) moves by the geometric mean of its models' price relatives; per path, the mean of the simulated log
  relatives of the ``blended`` keys priced at the origin (all first-party sellers, or one) gives the index path.
  New models and delistings after the origin are not modelled. Other series (CNY lists, tiers, capability) are
  not modelled by cuts and say so in their backtest rows.

Backtest (:func:`backtest_origins`): rolling origin as :func:`pipelines.forecast.fit.backtest`; at every origin
month the hazards and sizes are refitted on the transitions that ended by it (nothing later is seen). Per key the
Brier score of ``p_cut_h`` against the outcome "a cut within h months" (keys priced through the horizon), beside
the Brier score of the training base rate ``1 - (1 - r)^h`` (``r``: share of key-months with a cut before the
origin); per series MAE(log), MASE and 80%/95% coverage in the rows of ``forecasts.backtest`` (model
:data:`MODEL`), so that the model competes with the others and is used only where it wins.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.config import MARKET_INDEX_SELLERS
from pipelines.forecast import fit as F

#: the name of the cut model among the candidate models of a series.
MODEL = "cut_hazard"
KINDS = ("input", "output", "blended")
#: |log ratio| at or below this is no change (prices are decimals: a real change is far larger).
TOL = 1e-9
#: a seller with fewer cuts than this in the training data shares the seller level ``other``.
MIN_SELLER_CUTS = 3
#: cut sizes by seller from this many cuts of that seller, else pooled.
MIN_SIZE_SAMPLE = 5
#: below this many rises the rise hazard is a constant (intercept only).
MIN_RISE_EVENTS = 5
#: iterations of the GLM's IRLS at most (on the bundled history every fit converges within 25).
MAXITER = 50
#: simulated paths per key, and the generator's seed.
N_PATHS = 500
SEED = 17
#: horizons of the cut probabilities, months.
CUT_HORIZONS = (3, 6, 12)
#: the cut hazard's covariates (after the intercept), in the order of the design matrix.
BASE_TERMS = ("log1p_age", "log1p_since_change", "log_rel_cheapest", "log1p_n_cheaper")


def _month_no(m) -> np.ndarray:
    m = pd.to_datetime(pd.Series(m))
    return (m.dt.year * 12 + m.dt.month - 1).to_numpy()


def _month_of(no: int):
    return pd.Timestamp(year=int(no) // 12, month=int(no) % 12 + 1, day=1).date()


# --------------------------------------------------------------------------------------------- the panel


def panel(prices: pd.DataFrame) -> pd.DataFrame:
    """One row per (provider, model, kind, month) priced, from monthly prices (columns ``month``, ``provider``,
    ``model`` and those of the :data:`KINDS` it has), with the covariates at the month and the transition to the next month.

    Columns: ``provider, model, kind, key`` (number of the price key, in that order), ``month, m`` (month number),
    ``price``, ``age`` (months since first priced), ``since`` (months since the last change, or since first
    priced), ``rel`` (log price / the seller's cheapest of the kind that month), ``n_cheaper``, ``logret`` (log
    of next month's price / this one; NaN when the key is not priced the next month or the relative is a data
    error), ``cut``, ``rise`` (0/1, NaN without a transition)."""
    kinds = [k for k in KINDS if k in prices.columns]
    long = prices.melt(id_vars=["month", "provider", "model"], value_vars=kinds, var_name="kind",
                       value_name="price")
    long = long[long["price"].notna() & (long["price"] > 0)].copy()
    long["m"] = _month_no(long["month"])
    long["month"] = pd.to_datetime(long["month"]).dt.date
    long = long.sort_values(["provider", "model", "kind", "m"]).reset_index(drop=True)
    g = long.groupby(["provider", "model", "kind"], sort=False)
    long.insert(3, "key", g.ngroup().to_numpy())
    first = g["m"].transform("min")
    long["age"] = long["m"] - first
    lp = np.log(long["price"].to_numpy(dtype=float))
    prev = g["price"].shift(1)
    changed = (prev.notna() & (np.abs(lp - np.log(prev.to_numpy(dtype=float))) > TOL)).to_numpy()
    # months since the last change: the month of the last change (or of first pricing), carried forward
    last_change = pd.Series(np.where(changed | (long["m"] == first).to_numpy(), long["m"], np.nan))
    long["since"] = long["m"] - last_change.groupby([long["provider"], long["model"], long["kind"]]).ffill()
    nxt_m, nxt_p = g["m"].shift(-1), g["price"].shift(-1)
    lr = np.log(nxt_p.to_numpy(dtype=float)) - lp
    ok = (nxt_m == long["m"] + 1).to_numpy() & (np.abs(lr) <= math.log(F.MAX_RELATIVE))
    long["logret"] = np.where(ok, lr, np.nan)
    long["cut"] = np.where(ok, (lr < -TOL).astype(float), np.nan)
    long["rise"] = np.where(ok, (lr > TOL).astype(float), np.nan)
    sk = long.groupby(["provider", "kind", "m"])["price"]
    long["rel"] = lp - np.log(sk.transform("min").to_numpy(dtype=float))
    long["n_cheaper"] = sk.rank(method="min").to_numpy() - 1
    return long


# --------------------------------------------------------------------------------------------- hazards


@dataclass
class Hazard:
    """A fitted discrete-time hazard: logit coefficients ``params`` on the columns ``terms`` of :func:`design`
    (``sellers``: the seller levels, the first one the reference), with standard errors, the events and the
    key-months it was fitted on. ``params`` None: no event in the data (hazard 0)."""

    event: str
    terms: list
    sellers: list
    params: np.ndarray | None
    bse: np.ndarray | None
    n_obs: int
    n_events: int
    note: str = ""

    def prob(self, x: np.ndarray) -> np.ndarray:
        if self.params is None:
            return np.zeros(len(x))
        return 1.0 / (1.0 + np.exp(-(x @ self.params)))


def design_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Every covariate of ``df`` (panel rows), one column per term, on ``df``'s index: ``const``,
    :data:`BASE_TERMS`, and ``kind:<kind>`` and ``seller:<seller>`` indicators of every kind and seller in ``df``.
    Built once for a panel; a fit selects its rows and terms."""
    x = pd.DataFrame({"const": 1.0, "log1p_age": np.log1p(df["age"].to_numpy(dtype=float)),
                      "log1p_since_change": np.log1p(df["since"].to_numpy(dtype=float)),
                      "log_rel_cheapest": df["rel"].to_numpy(dtype=float),
                      "log1p_n_cheaper": np.log1p(df["n_cheaper"].to_numpy(dtype=float))}, index=df.index)
    return pd.concat([x, pd.get_dummies(df["kind"], prefix="kind", prefix_sep=":", dtype=float),
                      pd.get_dummies(df["provider"], prefix="seller", prefix_sep=":", dtype=float)], axis=1)


def design(x: pd.DataFrame, terms: list) -> np.ndarray:
    """The design matrix of ``terms`` (``const``, :data:`BASE_TERMS`, ``kind:<kind>``, ``seller:<seller>``) from
    :func:`design_frame` ``x``; a kind or seller absent from ``x`` is a column of zeros (a seller without a level
    of its own is in the reference level ``other``)."""
    unknown = [t for t in terms if t not in ("const", *BASE_TERMS) and not t.startswith(("kind:", "seller:"))]
    if unknown:
        raise KeyError(unknown[0])
    return np.ascontiguousarray(x.reindex(columns=list(terms), fill_value=0.0).to_numpy(dtype=float))


def _glm(y: np.ndarray, x: np.ndarray, log: Counter | None):
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = GLM(y, x, family=families.Binomial()).fit(maxiter=MAXITER)
    if log is not None:
        for w in caught:
            log[f"{MODEL}: {w.category.__name__}: {str(w.message).splitlines()[0][:90]}"] += 1
    return res


def fit_hazard(train: pd.DataFrame, event: str = "cut", log: Counter | None = None,
               x: pd.DataFrame | None = None) -> Hazard:
    """The hazard of ``event`` (``cut`` or ``rise``) fitted on the panel rows ``train`` that have a transition.

    Cut: intercept, :data:`BASE_TERMS`, kind and seller indicators (sellers with at least
    :data:`MIN_SELLER_CUTS` cuts get a level; the others share ``other``, the reference when there is one). Rise:
    intercept and ``log1p_since_change`` (intercept only below :data:`MIN_RISE_EVENTS` rises). No event at all:
    hazard 0 (``params`` None), said in ``note``. ``x``: the rows of ``train`` in :func:`design_frame` of the
    panel (built from ``train`` when not given)."""
    y = train[event].to_numpy(dtype=float)
    seen = ~np.isnan(y)
    y = y[seen]
    x = (design_frame(train) if x is None else x)[seen]
    n_ev = int(y.sum())
    if n_ev == 0:
        return Hazard(event, [], [], None, None, len(y), 0, f"no {event} in {len(y)} key-months: hazard 0")
    if event == "cut":
        seller_cols = [c for c in x.columns if c.startswith("seller:")]
        counts = y @ x[seller_cols].to_numpy(dtype=float)
        big = sorted(c[7:] for c, n in zip(seller_cols, counts) if n >= MIN_SELLER_CUTS)
        has_other = bool((x[[f"seller:{s}" for s in big]].to_numpy(dtype=float).sum(axis=1) == 0).any())
        levels = (["other"] if has_other else []) + big
        kinds = sorted(c[5:] for c in x.columns if c.startswith("kind:") and x[c].to_numpy().any())
        terms = ["const", *BASE_TERMS, *[f"kind:{k}" for k in kinds[1:]], *[f"seller:{s}" for s in levels[1:]]]
        note = f"reference: kind {kinds[0]}, seller {levels[0]}"
    else:
        levels = []
        terms = ["const", "log1p_since_change"] if n_ev >= MIN_RISE_EVENTS else ["const"]
        note = "" if n_ev >= MIN_RISE_EVENTS else f"{n_ev} rises < {MIN_RISE_EVENTS}: constant hazard"
    x = design(x, terms)
    # drop columns that never vary (a kind or a level absent from this window) so that the GLM stays identified
    keep = [i for i, t in enumerate(terms) if t == "const" or np.ptp(x[:, i]) > 0]
    terms = [terms[i] for i in keep]
    try:
        res = _glm(y, x[:, keep], log)
    except Exception as exc:  # noqa: BLE001 - e.g. a singular design on a few months: fall back to the base rate
        terms, levels = ["const"], []
        note = f"full model failed ({type(exc).__name__}): constant hazard (the base rate)"
        res = _glm(y, np.ones((len(y), 1)), log)
    return Hazard(event, terms, levels, np.asarray(res.params, dtype=float), np.asarray(res.bse, dtype=float),
                  len(y), n_ev, note)


def hazard_table(h: Hazard) -> pd.DataFrame:
    """The coefficients of ``h`` with their 95% intervals (Wald), as rows of ``forecasts.cut_hazard``."""
    cols = ["event", "term", "coef", "se", "ci_low", "ci_high", "n_obs", "n_events", "note"]
    if h.params is None:
        return pd.DataFrame([[h.event, "const", None, None, None, None, h.n_obs, 0, h.note]], columns=cols)
    return pd.DataFrame([[h.event, t, float(c), float(s), float(c - F.Z95 * s), float(c + F.Z95 * s), h.n_obs,
                          h.n_events, h.note] for t, c, s in zip(h.terms, h.params, h.bse)], columns=cols)


def size_pools(train: pd.DataFrame) -> tuple[dict, np.ndarray, np.ndarray]:
    """``(by_seller, pooled_cuts, pooled_rises)``: log ratios of the cuts per seller with at least
    :data:`MIN_SIZE_SAMPLE` of them, all cuts pooled, all rises pooled (sorted arrays)."""
    seen = train["logret"].notna().to_numpy()
    cuts = train.loc[seen & (train["cut"] == 1).to_numpy(), ["provider", "logret"]]
    rises = train.loc[seen & (train["rise"] == 1).to_numpy(), ["logret"]]
    by = {p: np.sort(g["logret"].to_numpy(dtype=float)) for p, g in cuts.groupby("provider")
          if len(g) >= MIN_SIZE_SAMPLE}
    return by, np.sort(cuts["logret"].to_numpy(dtype=float)), np.sort(rises["logret"].to_numpy(dtype=float))


# --------------------------------------------------------------------------------------------- simulation


@dataclass
class Simulation:
    """Simulated paths of the keys priced at an origin month: ``keys`` (panel rows at the origin, in order),
    ``logrel`` (keys x paths x months: log of the price relative to the origin's), ``first_cut`` (keys x paths:
    the month of the first cut, 1-based, 0 for none), and per key the cut-size pool's origin and mean."""

    origin: object
    keys: pd.DataFrame
    logrel: np.ndarray
    first_cut: np.ndarray
    sizes_from: list
    mean_cut: np.ndarray

    def p_cut(self, h: int) -> np.ndarray:
        """Per key: the share of paths with a cut within ``h`` months."""
        return ((self.first_cut > 0) & (self.first_cut <= h)).mean(axis=1)


def simulate(keys: pd.DataFrame, cut: Hazard, rise: Hazard, pools, horizon: int = F.FORECAST_HORIZON,
             n_paths: int = N_PATHS, seed: int = SEED) -> Simulation:
    """:data:`N_PATHS` price paths of each key (panel rows at one month, sorted) over ``horizon`` months.

    All keys and paths at once (arrays keys x paths): each month one uniform draw per path decides a cut
    (below the cut hazard), a rise (below cut + rise hazard) or no move. Moves are rare, so the hazards are
    evaluated per path only where they can differ from the key's: on the paths that moved before (their months
    since the last change restarted) and on those whose draw is below the key's hazard without a move."""
    by, pooled, rises = pools
    keys = keys.sort_values(["provider", "model", "kind"]).reset_index(drop=True)
    k = len(keys)
    rng = np.random.default_rng(seed)
    # the cut sizes of each key's seller (its own pool or the pooled one): one row per seller, ``seller[key]``
    provider = keys["provider"].to_numpy(dtype=object)
    sellers, seller = np.unique(provider, return_inverse=True)
    pool_list = [by.get(p, pooled) for p in sellers]
    sizes_from = [p if p in by else "pooled" for p in provider]
    pad = np.zeros((len(sellers), max([len(x) for x in pool_list] + [1])))
    for i, x in enumerate(pool_list):
        pad[i, : len(x)] = x
    n_pool = np.array([len(x) for x in pool_list], dtype=int)[seller]
    mean_cut = np.array([float(np.mean(1 - np.exp(x))) if len(x) else np.nan for x in pool_list])[seller]
    # a move adds its size to the path's month and the months after it
    logrel = np.zeros((k, n_paths, horizon))
    first_cut = np.zeros((k, n_paths), dtype=int)
    if k == 0:
        return Simulation(None, keys, logrel, first_cut, sizes_from, mean_cut)
    age0 = keys["age"].to_numpy(dtype=float)
    since0 = keys["since"].to_numpy(dtype=float)
    log_since0 = np.log1p(since0)
    # the linear predictors at the origin's months since the last change: the cut hazard's per month (age moves
    # with the month, the same on every path), the rise hazard's; and the months-since-change coefficients
    xk = design_frame(keys)
    lin_c = lin_r = None
    b_since = r_since = 0.0
    if cut.params is not None:
        xc = design(xk, cut.terms)
        i_age = cut.terms.index("log1p_age") if "log1p_age" in cut.terms else None
        lin_c = []
        for s in range(horizon):
            x = xc.copy()
            if i_age is not None:
                x[:, i_age] = np.log1p(age0 + s)
            lin_c.append(x @ cut.params)
        if "log1p_since_change" in cut.terms:
            b_since = float(cut.params[cut.terms.index("log1p_since_change")])
    if rise.params is not None:
        lin_r = design(xk, rise.terms) @ rise.params
        if "log1p_since_change" in rise.terms:
            r_since = float(rise.params[rise.terms.index("log1p_since_change")])

    def hazards(i: np.ndarray, s: int, since: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cut and rise hazards of keys ``i`` in month ``s`` at ``since`` months since the last change."""
        pc, pr = np.zeros(len(i)), np.zeros(len(i))
        if lin_c is not None:
            pc = 1.0 / (1.0 + np.exp(-(lin_c[s][i] + b_since * (np.log1p(since) - log_since0[i]))))
        if lin_r is not None:
            pr = 1.0 / (1.0 + np.exp(-(lin_r[i] + r_since * (np.log1p(since) - log_since0[i]))))
        return pc, pr

    # paths by their flat index key * n_paths + path (keys x paths order, the order of the size draws)
    every = np.arange(k)
    path, first = logrel.reshape(k * n_paths, horizon), first_cut.reshape(k * n_paths)
    last_move = np.full(k * n_paths, -1)  # the month of the path's last move, -1 before the first
    moved = np.zeros(0, dtype=np.intp)  # the paths that moved
    u, below = np.empty((k, n_paths)), np.empty((k, n_paths), dtype=bool)  # this month's draws, reused
    for s in range(horizon):
        rng.random(out=u)
        pc0, pr0 = hazards(every, s, since0 + s)  # on the paths that have not moved
        cand = np.flatnonzero(np.less(u, (pc0 + pr0)[:, None], out=below))
        f = np.sort(np.concatenate([cand[last_move[cand] < 0], moved]))
        i, last, uu = f // n_paths, last_move[f], u.reshape(-1)[f]
        pc, pr = hazards(i, s, np.where(last < 0, since0[i] + s, s - last - 1))
        is_cut = (uu < pc) & (n_pool[i] > 0)
        is_rise = ~is_cut & (uu < pc + pr) & (len(rises) > 0)
        fc, ic = f[is_cut], i[is_cut]
        path[fc, s:] += pad[seller[ic], (rng.random(len(fc)) * n_pool[ic]).astype(int)][:, None]
        if len(rises):
            fr = f[is_rise]
            path[fr, s:] += rises[(rng.random(len(fr)) * len(rises)).astype(int)][:, None]
        first[fc[first[fc] == 0]] = s + 1
        move = is_cut | is_rise
        moved = np.concatenate([moved, f[move & (last < 0)]])
        last_move[f[move]] = s
    return Simulation(None, keys, logrel, first_cut, sizes_from, mean_cut)


def fit_and_simulate(pan: pd.DataFrame, origin_m: int, horizon: int = F.FORECAST_HORIZON,
                     log: Counter | None = None, x: pd.DataFrame | None = None) -> tuple[Simulation, Hazard, Hazard]:
    """Hazards and sizes fitted on the transitions of ``pan`` that end by month number ``origin_m`` (rows before
    it), and the simulation of the keys priced at ``origin_m``. ``x``: :func:`design_frame` of ``pan`` (built here
    when not given; pass it when fitting at several origins)."""
    before = (pan["m"] < origin_m).to_numpy()
    train = pan[["provider", "cut", "rise", "logret"]][before]
    xt = (design_frame(pan) if x is None else x)[before]
    cut, rise = fit_hazard(train, "cut", log, xt), fit_hazard(train, "rise", log, xt)
    sim = simulate(pan[pan["m"] == origin_m], cut, rise, size_pools(train), horizon)
    sim.origin = _month_of(origin_m)
    return sim, cut, rise


# --------------------------------------------------------------------------------------------- per key


PROB_COLUMNS = ["seller", "model", "price_kind", "as_of", "price", "months_since_change", "p_cut_3m", "p_cut_6m",
                "p_cut_12m", "p_rise_12m", "expected_cut_pct", "cut_sizes_from"]
PATH_COLUMNS = ["seller", "model", "price_kind", "as_of", "month", "yhat", "lo80", "hi80", "lo95", "hi95"]


def key_tables(sim: Simulation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(cut_probability rows, price path rows)`` of every simulated key (:data:`PROB_COLUMNS`,
    :data:`PATH_COLUMNS`); the path's median and intervals are quantiles of the simulated prices."""
    k = sim.keys
    price = k["price"].to_numpy(dtype=float)
    moved_up = (sim.logrel > TOL)
    rows = pd.DataFrame({
        "seller": k["provider"], "model": k["model"], "price_kind": k["kind"], "as_of": sim.origin,
        "price": price, "months_since_change": k["since"].astype(int),
        **{f"p_cut_{h}m": sim.p_cut(h) for h in CUT_HORIZONS},
        "p_rise_12m": moved_up.any(axis=2).mean(axis=1) if sim.logrel.size else np.zeros(len(k)),
        "expected_cut_pct": 100 * sim.mean_cut, "cut_sizes_from": sim.sizes_from,
    }, columns=PROB_COLUMNS)
    q = np.quantile(sim.logrel, [0.5, 0.1, 0.9, 0.025, 0.975], axis=1) if len(k) else np.zeros((5, 0, 0))
    h = sim.logrel.shape[2]
    months = F._month_seq(sim.origin, h)
    paths = pd.DataFrame({
        "seller": np.repeat(k["provider"].to_numpy(), h), "model": np.repeat(k["model"].to_numpy(), h),
        "price_kind": np.repeat(k["kind"].to_numpy(), h), "as_of": sim.origin, "month": months * len(k),
        **{c: (price[:, None] * np.exp(q[i])).ravel() for i, c in enumerate(["yhat", "lo80", "hi80", "lo95", "hi95"])},
    }, columns=PATH_COLUMNS)
    return rows, paths


# --------------------------------------------------------------------------------------------- per series


def series_providers(series: str) -> tuple | None:
    """The sellers whose ``blended`` keys make the matched-model index ``series``; None for a series the cut
    model does not describe (CNY lists, tiers, capability)."""
    if series == F.SERIES:
        return tuple(MARKET_INDEX_SELLERS)
    if series.startswith(F.SERIES + "/"):
        return (series.split("/", 1)[1],)
    return None


def series_paths(sim: Simulation, providers: tuple) -> np.ndarray | None:
    """Paths x months of the log index relative to the origin: the mean of the simulated log relatives of the
    sellers' ``blended`` keys priced at the origin (Jevons); None when there is no such key."""
    sel = (sim.keys["kind"] == "blended").to_numpy() & sim.keys["provider"].isin(providers).to_numpy()
    if not sel.any():
        return None
    return sim.logrel[sel].mean(axis=0)


def _path_forecast(y_last: float, paths: np.ndarray) -> F.PathForecast:
    q = np.quantile(paths, [0.5, 0.1, 0.9, 0.025, 0.975], axis=0)
    return F.PathForecast(y_last + q[0], y_last + q[1], y_last + q[2], y_last + q[3], y_last + q[4])


def series_forecast(series: str, months, values, sim: Simulation) -> pd.DataFrame | None:
    """The 12-month forecast of ``series`` (rows as :attr:`pipelines.forecast.fit.SeriesFit.forecast`, model
    :data:`MODEL`) from the simulation at its last month; None when the series is not modelled by cuts or its
    last month is not the simulation's origin."""
    months = list(months)
    providers = series_providers(series)
    if providers is None or pd.Timestamp(months[-1]).date() != sim.origin:
        return None
    paths = series_paths(sim, providers)
    if paths is None:
        return None
    p = _path_forecast(float(np.log(values[-1])), paths)
    return pd.DataFrame({"month": F._month_seq(months[-1], paths.shape[1]), "yhat": np.exp(p.mean),
                         "lo80": np.exp(p.lo80), "hi80": np.exp(p.hi80), "lo95": np.exp(p.lo95),
                         "hi95": np.exp(p.hi95), "model": MODEL})


def series_backtest(series: str, months, values, sims: dict) -> pd.DataFrame:
    """Rows of ``forecasts.backtest`` (:data:`pipelines.forecast.fit.BACKTEST_COLUMNS`, model :data:`MODEL`) of
    one series, at the origins of :func:`pipelines.forecast.fit.backtest` (``sims``: origin month -> simulation
    fitted on the data before it). A series the cut model does not describe gets rows without a score, saying so.
    """
    y = np.log(np.asarray(values, dtype=float))
    months = [pd.Timestamp(m).date() for m in months]
    providers = series_providers(series)
    if providers is None:
        return pd.DataFrame([[series, MODEL, h, None, None, None, None, None, 0,
                              "not modelled by cuts (only the matched-model indexes of USD lists are)"]
                             for h in F.HORIZONS], columns=F.BACKTEST_COLUMNS)
    errs = {h: [] for h in F.HORIZONS}
    scale_n = {h: [] for h in F.HORIZONS}
    scale_d = {h: [] for h in F.HORIZONS}
    for t in range(F.MIN_TRAIN, len(y) - min(F.HORIZONS) + 1):
        sim = sims.get(months[t - 1])
        paths = series_paths(sim, providers) if sim is not None else None
        if paths is None:
            continue
        p = _path_forecast(float(y[t - 1]), paths)
        d = np.diff(y[:t])
        for h in F.HORIZONS:
            if t + h - 1 < len(y):
                a = y[t + h - 1]
                errs[h].append((a - p.mean[h - 1], p.lo80[h - 1] <= a <= p.hi80[h - 1],
                                p.lo95[h - 1] <= a <= p.hi95[h - 1]))
                scale_n[h].append(float(np.mean(np.abs(d))))
                scale_d[h].append(float(np.mean(np.abs(d - d.mean()))))
    return pd.DataFrame([F.score_row(series, MODEL, h, errs[h], scale_n[h], scale_d[h]) for h in F.HORIZONS],
                        columns=F.BACKTEST_COLUMNS)


# --------------------------------------------------------------------------------------------- Brier backtest


BRIER_COLUMNS = ["horizon", "price_kind", "brier", "brier_base", "skill", "base_rate", "observed_rate",
                 "n_origins", "n_predictions", "wins", "note"]


def brier(p, outcome) -> float:
    """Mean squared difference between probabilities ``p`` and 0/1 outcomes."""
    p, o = np.asarray(p, dtype=float), np.asarray(outcome, dtype=float)
    return float(np.mean((p - o) ** 2))


def outcomes(pan: pd.DataFrame) -> tuple[int, np.ndarray, np.ndarray]:
    """The transitions of every key (``key`` of :func:`panel`) as cumulative counts over the months, from which
    "a cut within ``h`` months of ``origin_m``" is read for any origin and horizon: ``(first month number,
    observed, cuts)``, with ``observed[key, t]`` / ``cuts[key, t]`` the number of transitions observed / of cuts
    in the months before ``first + t``."""
    first = int(pan["m"].min())
    key, col = pan["key"].to_numpy(), pan["m"].to_numpy() - first
    cut = pan["cut"].to_numpy(dtype=float)
    seen = ~np.isnan(cut)
    observed = np.zeros((int(key.max()) + 1, int(col.max()) + 2))
    cuts_ = np.zeros_like(observed)
    observed[key[seen], col[seen] + 1] = 1
    cuts_[key[seen], col[seen] + 1] = cut[seen]
    return first, np.cumsum(observed, axis=1), np.cumsum(cuts_, axis=1)


def brier_backtest(pan: pd.DataFrame, sims: dict, min_origins: int = F.MIN_ORIGINS) -> pd.DataFrame:
    """Brier score of the cut probabilities at every origin of ``sims`` and horizon of :data:`CUT_HORIZONS`, against
    the training base rate, per price kind and pooled (``all``); rows :data:`BRIER_COLUMNS`. The outcome of a key:
    a cut within ``h`` months; keys with a gap or a data error in those months are left out."""
    rows = []
    preds = {h: [] for h in CUT_HORIZONS}
    first, observed, n_cuts = outcomes(pan)
    last_col = observed.shape[1] - 1
    m, cut = pan["m"].to_numpy(), pan["cut"].to_numpy(dtype=float)
    for origin, sim in sorted(sims.items()):
        om = int(_month_no([origin])[0])
        train = cut[(m < om) & ~np.isnan(cut)]
        r = float(train.mean()) if len(train) else 0.0
        key, kind = sim.keys["key"].to_numpy(), sim.keys["kind"].to_numpy(dtype=object)
        t0 = om - first
        for h in CUT_HORIZONS:
            t1 = min(t0 + h, last_col)
            ok = observed[key, t1] - observed[key, t0] == h
            if ok.any():
                preds[h].append(pd.DataFrame({
                    "kind": kind[ok], "p": sim.p_cut(h)[ok],
                    "cut_within": ((n_cuts[key, t1] - n_cuts[key, t0])[ok] > 0).astype(float),
                    "base": 1 - (1 - r) ** h, "origin": origin}))
    for h in CUT_HORIZONS:
        allp = pd.concat(preds[h], ignore_index=True) if preds[h] else pd.DataFrame(
            columns=["kind", "p", "base", "cut_within", "origin"])
        for kind in ("all", *KINDS):
            d = allp if kind == "all" else allp[allp["kind"] == kind]
            k = int(d["origin"].nunique()) if len(d) else 0
            if k < min_origins:
                rows.append([h, kind, None, None, None, None, None, k, len(d), None,
                             f"too few origins ({k} < {min_origins}): no score"])
                continue
            b, b0 = brier(d["p"], d["cut_within"]), brier(d["base"], d["cut_within"])
            rows.append([h, kind, b, b0, (1 - b / b0) if b0 > 0 else None, float(d["base"].mean()),
                         float(d["cut_within"].mean()), k, len(d), bool(b < b0), ""])
    return pd.DataFrame(rows, columns=BRIER_COLUMNS)


def origin_months(pan: pd.DataFrame, last_m: int | None = None) -> list[int]:
    """Month numbers of the backtest origins: every month once :data:`pipelines.forecast.fit.MIN_TRAIN` months of
    data exist, up to the last month with a transition after it."""
    first = int(pan["m"].min())
    last_m = int(pan["m"].max()) if last_m is None else last_m
    return list(range(first + F.MIN_TRAIN - 1, last_m - min(F.HORIZONS) + 1))


@dataclass
class CutRun:
    """Everything the cut model makes on one panel: the simulation at the last month with its hazards, the
    simulations at the backtest origins, the Brier backtest, and warnings caught."""

    sim: Simulation
    cut: Hazard
    rise: Hazard
    sims: dict
    brier: pd.DataFrame
    warnings: Counter


def run(prices: pd.DataFrame, last) -> CutRun:
    """The cut model on monthly prices (:func:`pipelines.forecast.fit.monthly_prices`) up to the month ``last``:
    fitted on everything for the forecast at ``last``, refitted at every backtest origin."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # tiny least-squares steps: BLAS threads only contend
        return _run(prices, last)


def _run(prices: pd.DataFrame, last) -> CutRun:
    log: Counter = Counter()
    pan = panel(prices)
    last_m = int(_month_no([last])[0])
    pan = pan[pan["m"] <= last_m]
    if pan.empty:
        raise ValueError(f"no monthly prices up to {last}: nothing for the cut model to fit")
    x = design_frame(pan)  # once: every origin fits on a slice of it
    sims = {}
    for om in origin_months(pan, last_m):
        s, _, _ = fit_and_simulate(pan, om, log=log, x=x)
        sims[s.origin] = s
    sim, cut, rise = fit_and_simulate(pan, last_m, log=log, x=x)
    return CutRun(sim, cut, rise, sims, brier_backtest(pan, sims), log)
