-- The plans of marts.billing_plan_history in force on $day (valid_from <= day < valid_to), optionally of one seller.
SELECT provider, product, plan, billing_model, billing_period, region, price, currency, list_price, usd_price, fx_date,
       quota_amount, quota_unit, quota_per, quota_is_estimate, unit_buys, valid_days, valid_months, models, status,
       promo_text, promo_from, promo_until, conditions, valid_from, valid_to, source, source_url, location
FROM marts.billing_plan_history
WHERE valid_from <= $day AND (valid_to IS NULL OR valid_to > $day)
  AND ($provider IS NULL OR provider = $provider)
ORDER BY provider, product, billing_model, plan, billing_period, region;
