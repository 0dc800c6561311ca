-- The last day the price history covers: the latest valid_from or confirmation in marts.price_history (reconciled) that is not
-- after the latest fetch (raw.page_snapshots; today, UTC, when nothing was fetched). A dataset's scheduled future
-- price (valid_from after every fetch, e.g. a change announced for next month) does not extend the coverage.
WITH cap AS (
    SELECT coalesce(CAST(max(fetched_at) AS DATE), CAST(current_timestamp AT TIME ZONE 'UTC' AS DATE)) AS day
    FROM raw.page_snapshots
)
SELECT max(least(greatest(h.valid_from, h.last_confirmed), cap.day))
FROM marts.price_history h, cap
WHERE h.valid_from <= cap.day;
