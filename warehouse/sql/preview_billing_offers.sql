-- The preview of marts/billing_offers in the Dagster UI: two offers of each kind per seller.
SELECT provider, coalesce(model, model_name) AS model, offer_kind, price_kind, region, amount, currency,
       unit, quantity, quantity_unit, valid_days, valid_until
FROM marts.billing_offers
QUALIFY row_number() OVER (PARTITION BY provider, offer_kind ORDER BY model, region) <= 2
ORDER BY provider, offer_kind;
