-- tokenprices price: the reconciled prices of one seller's model ($p, $m) in force on $day (marts.price_history), every
-- region, tier and condition; pipelines/history/lookup.py prices_at picks which to show.
SELECT price_kind, service_tier, tier_min_tokens, region, currency, conditions, usd_per_mtok, source, n_sources,
       sources, valid_from, valid_to, last_confirmed
FROM marts.price_history
WHERE provider = $p AND model = $m AND valid_from <= CAST($day AS DATE)
  AND (valid_to IS NULL OR valid_to > CAST($day AS DATE))
ORDER BY ALL;
