-- Drop the decline rows of one method before they are recomputed.
DELETE FROM forecasts.price_decline WHERE method = $method;
