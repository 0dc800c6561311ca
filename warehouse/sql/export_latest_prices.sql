-- Every current price (tokenprices export --format csv), in a stable order.
SELECT * FROM marts.latest_prices ORDER BY provider, model, price_kind, service_tier;
