-- The LMArena join and the running-minimum trends are recomputed together.
DELETE FROM forecasts.capability_matches;
