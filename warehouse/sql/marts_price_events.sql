-- marts.price_events: the price events the history shows (the Atom feed, `tokenprices changes` and the webhook read
-- them), with noticed_at, when tokenprices first saw each:
--   * price_change: every change of a price within one source (marts.price_changes);
--   * new_model: the first price run of a (provider, model) in any source (marts.source_price_history) (its input
--     price when it has one);
--   * plan_change: a change of a subscription's or resource pack's stated price (marts.billing_plan_changes): model
--     is the product (GLM Coding Plan), plan and billing_period say which, price_kind is the billing model, the
--     amounts are the plan's price per billing period in its currency (no usd_per_mtok).
-- effective is the first day of the new price; after today it is an announced future price (upcoming), never in
-- marts.latest_prices before its date. event_id is a hash of what the event is (not of the build), so a rebuild
-- keeps the events still shown with their noticed_at, adds the new ones with noticed_at = $now (what the webhook
-- announces) and drops those the history no longer shows (a corrected capture).
CREATE OR REPLACE TEMP TABLE price_events_current AS
WITH first_prices AS (
    SELECT * FROM marts.source_price_history
    QUALIFY row_number() OVER (PARTITION BY provider, model
                               ORDER BY valid_from, price_kind <> 'input', service_tier <> 'standard', tier_min_tokens,
                                        region <> 'global', currency <> 'USD', conditions, source) = 1
)
SELECT md5(concat_ws('|', 'price_change', provider, model, price_kind, service_tier, tier_min_tokens, region,
                     currency, conditions, source, changed_at)) AS event_id,
       'price_change' AS kind, provider, model, price_kind, service_tier, tier_min_tokens, region, currency,
       conditions, source, changed_at AS effective, old_amount, new_amount, old_usd_per_mtok, new_usd_per_mtok,
       pct_change, source_url, CAST(NULL AS VARCHAR) AS plan, CAST(NULL AS VARCHAR) AS billing_period
FROM marts.price_changes
UNION ALL
SELECT md5(concat_ws('|', 'new_model', provider, model)), 'new_model', provider, model, price_kind, service_tier,
       tier_min_tokens, region, currency, conditions, source, valid_from, NULL, original_amount, NULL, usd_per_mtok,
       NULL, source_url, NULL, NULL
FROM first_prices
UNION ALL
SELECT md5(concat_ws('|', 'plan_change', provider, product, plan, billing_model, billing_period, region, currency,
                     source, changed_at)),
       'plan_change', provider, product, billing_model, NULL, NULL, region, currency, NULL, source, changed_at,
       old_price, new_price, NULL, NULL, pct_change, source_url, plan, billing_period
FROM marts.billing_plan_changes;
CREATE TABLE IF NOT EXISTS marts.price_events AS
SELECT *, CAST(NULL AS TIMESTAMP) AS noticed_at FROM price_events_current WHERE false;
-- a marts.price_events built before plan changes were events gains their columns (NULL for token events)
ALTER TABLE marts.price_events ADD COLUMN IF NOT EXISTS plan VARCHAR;
ALTER TABLE marts.price_events ADD COLUMN IF NOT EXISTS billing_period VARCHAR;
DELETE FROM marts.price_events WHERE event_id NOT IN (SELECT event_id FROM price_events_current);
INSERT INTO marts.price_events BY NAME
SELECT *, CAST($now AS TIMESTAMP) AS noticed_at FROM price_events_current
WHERE event_id NOT IN (SELECT event_id FROM marts.price_events);
