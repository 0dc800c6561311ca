-- marts.price_changes: one row per change of a price within one source's own history (marts.source_price_history).
-- old/new are in the price list's own currency (original amounts, so FX moves are not changes) and in
-- USD per 1M tokens; pct_change = (new/old - 1) * 100 on the original amounts (NULL when old is 0).
-- A price that disappears and comes back unchanged is not a change.
CREATE OR REPLACE TABLE marts.price_changes AS
WITH ordered AS (
    SELECT *,
           lag(original_amount) OVER w AS old_amount,
           lag(usd_per_mtok) OVER w AS old_usd_per_mtok
    FROM marts.source_price_history
    WINDOW w AS (PARTITION BY provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source
                 ORDER BY valid_from)
)
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source,
       valid_from AS changed_at,
       old_amount, original_amount AS new_amount,
       old_usd_per_mtok AS old_usd_per_mtok, usd_per_mtok AS new_usd_per_mtok,
       CASE WHEN old_amount = 0 THEN NULL
            ELSE round((CAST(original_amount AS DOUBLE) / CAST(old_amount AS DOUBLE) - 1) * 100, 4) END AS pct_change,
       source_url
FROM ordered
WHERE old_amount IS NOT NULL AND old_amount <> original_amount
ORDER BY changed_at, provider, model, price_kind;
