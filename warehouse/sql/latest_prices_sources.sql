-- tokenprices latest's header: which sources the listed prices come from (rows of marts.latest_prices of one seller
-- $provider or all, by the source that dated each price), and how many prices only an aggregator shows (left out
-- unless $all; see latest_prices_list.sql). One row per source: source, shown, hidden (aggregator-only rows).
WITH agg AS (SELECT list(source) AS aggregators FROM staging.source_precedence WHERE kind = 'aggregator')
SELECT source,
       count(*) FILTER (WHERE $all OR NOT list_has_all(agg.aggregators, sources)) AS shown,
       count(*) FILTER (WHERE NOT $all AND list_has_all(agg.aggregators, sources)) AS hidden
FROM marts.latest_prices, agg
WHERE $provider IS NULL OR provider = $provider
GROUP BY source
ORDER BY shown DESC, source;
