-- Models a source produced in its most recent earlier partition (for the "no models lost" check).
SELECT DISTINCT provider, model
FROM staging.price_quotes
WHERE source = $source
  AND partition_date = (
      SELECT max(partition_date) FROM staging.price_quotes
      WHERE source = $source AND partition_date < $partition_date
  );
