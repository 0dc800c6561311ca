-- Why one dataset's runs were quarantined (the reason's first part), most frequent first.
SELECT split_part(reason, ':', 1) AS reason, count(*) AS runs FROM staging.quarantined_runs
WHERE source = $source GROUP BY 1 ORDER BY 2 DESC;
