"""Step order inside a run (Dagster's ``dagster/priority`` op tag: among the steps ready to run, higher first).

``warehouse_job`` runs its steps one at a time in one process, while the forecast workers fit and draw on the other
core from the moment a series asset has written its series (:func:`pipelines.forecast.fit.prefit`) and
``marts/workload_costs`` its cost series. The steps that collect those results (``price_forecast``,
``price_decline``, ``workload_cost_forecast``) wait for the workers. So the run starts the workers' jobs as early
as it can and collects as late as it can:

- :data:`FIRST`: the path to the workers' longest job, ``forecasts/provider_indexes`` (21 series, 8 of the 9 long
  enough to backtest, and the 21-panel figure): the importers ``marts/price_history`` reads, the history, the
  provider indexes;
- :data:`EARLY`: the other series assets, and the path to the cost series (billing offers, ``marts/workload_costs``);
- the other marts keep Dagster's default 0;
- :data:`LAST`: the steps that collect the workers' results.

The order changes no result (each step still runs after its dependencies), only when each step runs.
"""

FIRST = {"dagster/priority": "2"}
EARLY = {"dagster/priority": "1"}
LAST = {"dagster/priority": "-1"}
