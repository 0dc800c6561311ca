-- Whether marts.price_events exists yet (its first build announces nothing: every event would be new).
SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = 'marts' AND table_name = 'price_events';
