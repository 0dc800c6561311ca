-- Every stored ECB rate, for the conversions of a run (pipelines.history.normalise.refresh_rates -> EcbRates).
SELECT rate_date, currency, per_eur FROM raw.ecb_rates ORDER BY rate_date, currency;
