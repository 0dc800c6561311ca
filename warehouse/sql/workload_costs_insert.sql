-- Rows of marts.workload_costs registered as the view new_rows by marts/workload_costs (money as exact decimal text).
INSERT INTO marts.workload_costs
SELECT profile, CAST(month AS DATE), CAST(priced_on AS DATE), covered, rank, provider, model, region, list_currency,
       currency, CAST(input AS DECIMAL(38, 6)), CAST(cache AS DECIMAL(38, 6)), CAST(output AS DECIMAL(38, 6)),
       CAST(tier_surcharge AS DECIMAL(38, 6)), CAST(discounts AS DECIMAL(38, 6)), CAST(free_quota AS DECIMAL(38, 6)),
       CAST(total AS DECIMAL(38, 6)), CAST(fx_rate AS DECIMAL(38, 18)), CAST(fx_date AS DATE),
       CAST(free_tokens AS DECIMAL(38, 6)), notes
FROM new_rows;
