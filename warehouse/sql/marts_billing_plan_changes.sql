-- marts.billing_plan_changes: plan price changes, beside marts.price_changes (token prices only): one row per pair of
-- consecutive intervals of a plan in marts.billing_plan_history whose stated prices differ (both stated).
DELETE FROM marts.billing_plan_changes;
INSERT INTO marts.billing_plan_changes
WITH ordered AS (
    SELECT *,
           lag(price) OVER w AS old_price, lag(usd_price) OVER w AS old_usd_price,
           lag(CASE WHEN quota_amount IS NOT NULL
                    THEN CAST(quota_amount AS DOUBLE) || ' ' || quota_unit || ' per ' || quota_per END) OVER w AS old_quota
    FROM marts.billing_plan_history
    WINDOW w AS (PARTITION BY provider, product, plan, billing_model, billing_period, region, currency ORDER BY valid_from)
)
SELECT provider, product, plan, billing_model, billing_period, region, currency, valid_from AS changed_at,
       old_price, price AS new_price, old_usd_price, usd_price AS new_usd_price,
       CASE WHEN old_price = 0 THEN NULL
            ELSE round((CAST(price AS DOUBLE) / CAST(old_price AS DOUBLE) - 1) * 100, 4) END AS pct_change,
       old_quota,
       CASE WHEN quota_amount IS NOT NULL
            THEN CAST(quota_amount AS DOUBLE) || ' ' || quota_unit || ' per ' || quota_per END AS new_quota,
       source, source_url
FROM ordered
WHERE old_price IS NOT NULL AND price IS NOT NULL AND old_price <> price
ORDER BY changed_at, provider, product, plan, billing_period;
