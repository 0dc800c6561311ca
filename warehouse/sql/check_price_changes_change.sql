-- Asset check marts/price_changes records_a_change: every row of marts.price_changes is a change (the amount as
-- the source wrote it differs) and has the price before and after.
SELECT provider, model, price_kind, service_tier, tier_min_tokens, region, currency, conditions, source, changed_at,
       old_amount, new_amount
FROM marts.price_changes
WHERE old_amount IS NULL OR new_amount IS NULL OR old_amount = new_amount
ORDER BY ALL;
