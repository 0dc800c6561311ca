-- Asset check marts/price_history runs_do_not_overlap: the reconciled history has one price per key and day, so two
-- runs of one price key (provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions)
-- in force on the same day are a defect, whatever their sources. Sorted by valid_from, a key's runs overlap exactly
-- when one starts before the previous one ended (valid_to exclusive; NULL = still in force). One row per offending
-- run, with the run it overlaps.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       prev_from, prev_to, valid_from, valid_to
FROM (
    SELECT *,
           lag(valid_from) OVER w AS prev_from,
           lag(valid_to) OVER w AS prev_to,
           row_number() OVER w AS n
    FROM marts.price_history
    WINDOW w AS (PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency,
                              conditions ORDER BY valid_from, valid_to NULLS LAST)
)
WHERE n > 1 AND (prev_to IS NULL OR prev_to > valid_from)
ORDER BY ALL;
