INSERT INTO staging.parse_runs
    (partition_date, source, url, snapshot_sha256, parsed_at, status, n_quotes, n_unit_prices, n_models, detail,
     code_version)
VALUES ($partition_date, $source, $url, $snapshot_sha256, now() AT TIME ZONE 'UTC', $status, $n_quotes,
        $n_unit_prices, $n_models, $detail, $code_version);
