-- marts.billing_plans: the plans in force, i.e. the open intervals of marts.billing_plan_history (the plans their
-- latest observation still lists), with the first day of those values and the latest observation.
DELETE FROM marts.billing_plans;
INSERT INTO marts.billing_plans
SELECT provider, product, plan, billing_model, billing_period, region, price, currency, list_price, usd_price, fx_date,
       quota_amount, quota_unit, quota_per, quota_is_estimate, unit_buys, valid_days, valid_months, models, status,
       promo_text, promo_from, promo_until, conditions, valid_from AS first_seen, last_seen, source, source_url,
       snapshot_sha256, location
FROM marts.billing_plan_history
WHERE valid_to IS NULL
ORDER BY provider, product, plan, billing_period, region;
