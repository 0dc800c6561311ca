-- Speech prices per characters of the $models (speech_output in staging.unit_prices): the latest observation on or
-- before $day of each (provider, model, region, unit), in USD per unit.
SELECT provider, model, unit, usd_per_unit
FROM staging.unit_prices
WHERE price_kind = 'speech_output' AND unit LIKE 'per %character%' AND list_contains($models, model)
  AND CAST(observed_at AS DATE) <= $day
QUALIFY row_number() OVER (PARTITION BY provider, model, region, unit ORDER BY observed_at DESC) = 1
ORDER BY provider, model;
