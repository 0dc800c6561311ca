-- The events of marts.price_events for `tokenprices changes`, the Atom feed and the webhook: effective on or after
-- $since (NULL: all), of $provider (NULL: all), of $kind (NULL: all), noticed at $noticed_at (NULL: any), newest
-- first, at most $limit.
SELECT kind, provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       effective, old_amount, new_amount, old_usd_per_mtok, new_usd_per_mtok, pct_change, source_url, plan,
       billing_period, event_id, noticed_at
FROM marts.price_events
WHERE ($since IS NULL OR effective >= CAST($since AS DATE))
  AND ($provider IS NULL OR provider = $provider)
  AND ($kind IS NULL OR kind = $kind)
  AND ($noticed_at IS NULL OR noticed_at = CAST($noticed_at AS TIMESTAMP))
ORDER BY effective DESC, provider, model, kind, plan, billing_period, price_kind, service_tier, tier_min_tokens,
         region, currency, source
LIMIT $limit;
