-- marts.billing_plan_history: effective-dated plan prices from every observation of staging.billing_plans (pages and
-- dated snapshots), reconciled like token prices: one observation per plan and day (a seller's own page outranks a
-- third-party snapshot of the same day), consecutive observations with the same price, quota and status merged into
-- one interval. valid_to is the next interval's valid_from or, for the last one, the first later observation of the
-- same scope (page URL, snapshot seller) that no longer lists the plan; NULL while it is still listed.
DELETE FROM marts.billing_plan_history;
INSERT INTO marts.billing_plan_history
WITH obs AS (
    SELECT *, CAST(observed_at AS DATE) AS day,
           CASE WHEN source = 'coding_plans_snapshots' THEN 2 ELSE 1 END AS precedence
    FROM staging.billing_plans
),
one AS (
    SELECT * FROM obs
    QUALIFY row_number() OVER (PARTITION BY provider, product, plan, billing_model, billing_period, region, currency, day
                               ORDER BY precedence, observed_at DESC, source) = 1
),
marked AS (
    SELECT *,
           CASE WHEN lag(day) OVER w IS NULL
                  OR lag(price) OVER w IS DISTINCT FROM price
                  OR lag(quota_amount) OVER w IS DISTINCT FROM quota_amount
                  OR lag(quota_unit) OVER w IS DISTINCT FROM quota_unit
                  OR lag(quota_per) OVER w IS DISTINCT FROM quota_per
                  OR lag(status) OVER w IS DISTINCT FROM status
                THEN 1 ELSE 0 END AS new_run
    FROM one
    WINDOW w AS (PARTITION BY provider, product, plan, billing_model, billing_period, region, currency ORDER BY day)
),
runs AS (
    SELECT *, sum(new_run) OVER (PARTITION BY provider, product, plan, billing_model, billing_period, region, currency
                                 ORDER BY day ROWS UNBOUNDED PRECEDING) AS run_id
    FROM marked
),
intervals AS (
    SELECT provider, product, plan, billing_model, billing_period, region, currency, run_id,
           min(day) AS valid_from, max(day) AS last_seen, count(*) AS n_observations,
           arg_min(price, day) AS price, arg_min(list_price, day) AS list_price, arg_min(usd_price, day) AS usd_price,
           arg_min(fx_date, day) AS fx_date, arg_min(quota_amount, day) AS quota_amount,
           arg_min(quota_unit, day) AS quota_unit, arg_min(quota_per, day) AS quota_per,
           bool_or(quota_is_estimate) AS quota_is_estimate, arg_max(unit_buys, day) AS unit_buys,
           arg_max(valid_days, day) AS valid_days, arg_max(valid_months, day) AS valid_months,
           arg_max(models, day) AS models, arg_min(status, day) AS status, arg_max(promo_text, day) AS promo_text,
           arg_max(promo_from, day) AS promo_from, arg_max(promo_until, day) AS promo_until,
           arg_max(conditions, day) AS conditions, arg_min(source, day) AS source,
           arg_min(source_url, day) AS source_url, arg_min(snapshot_sha256, day) AS snapshot_sha256,
           arg_min(location, day) AS location, arg_max(scope, day) AS last_scope, arg_max(source, day) AS last_source
    FROM runs GROUP BY ALL
),
scope_days AS (SELECT DISTINCT source, scope, CAST(observed_at AS DATE) AS day FROM staging.billing_plans),
bounded AS (
    SELECT i.*,
           coalesce(lead(valid_from) OVER (PARTITION BY provider, product, plan, billing_model, billing_period, region,
                                                        currency ORDER BY valid_from),
                    (SELECT min(s.day) FROM scope_days s
                     WHERE s.source = i.last_source AND s.scope = i.last_scope AND s.day > i.last_seen)) AS valid_to
    FROM intervals i
)
SELECT provider, product, plan, billing_model, billing_period, region, currency, price, list_price, usd_price, fx_date,
       quota_amount, quota_unit, quota_per, quota_is_estimate, unit_buys, valid_days, valid_months, models, status,
       promo_text, promo_from, promo_until, conditions, valid_from, valid_to, last_seen, n_observations, source,
       source_url, snapshot_sha256, location
FROM bounded
ORDER BY provider, product, plan, billing_period, region, valid_from;
