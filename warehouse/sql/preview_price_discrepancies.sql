-- The preview of marts/price_discrepancies in the Dagster UI: the widest disagreements.
SELECT day, provider, model, price_kind, source_a, currency_a, usd_a, source_b, currency_b, usd_b, ratio
FROM marts.price_discrepancies ORDER BY abs(ln(ratio)) DESC LIMIT 12;
