-- marts.price_history: the reconciled history, one true price per price key and day (issue 20). One row per run of
-- an unchanged price per (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions);
-- the runs of one key never overlap. Built by the asset marts/price_history from every source's evidence
-- (warehouse/sql/price_evidence.sql: the page runs of marts.source_price_history and every dataset key's runs of
-- staging.imported_price_runs) with the rules of pipelines/history/reconcile.py (docs/price-semantics.md, History):
-- this file is the table's DDL; the asset fills it in the same transaction.
--   source, source_rank, source_url, original_amount, original_unit: the evidence that dated the run (the earliest
--     credible evidence of the value; on one day the best-ranked), as that source wrote it;
--   sources, n_sources: every source that showed the value while the run was in force;
--   last_confirmed: the last day one of them was seen showing it (a page: its last capture; a dataset run: the day
--     before it ended, or for a run still open the day it first showed the value).
CREATE OR REPLACE TABLE marts.price_history (
    provider        VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    price_kind      VARCHAR NOT NULL,
    service_tier    VARCHAR NOT NULL,
    tier_min_tokens BIGINT NOT NULL,
    region          VARCHAR NOT NULL,
    currency        VARCHAR NOT NULL,
    conditions      VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    valid_from      DATE NOT NULL,
    valid_to        DATE,
    usd_per_mtok    DECIMAL(38, 12) NOT NULL,
    original_amount DECIMAL(38, 12),
    original_unit   VARCHAR,
    source_url      VARCHAR,
    source_rank     INTEGER NOT NULL,
    sources         VARCHAR[] NOT NULL,
    n_sources       INTEGER NOT NULL,
    last_confirmed  DATE NOT NULL
);
