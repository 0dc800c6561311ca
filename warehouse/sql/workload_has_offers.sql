-- 1 when marts.billing_offers exists (a warehouse built before the offers were added has none).
SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' AND table_name = 'billing_offers';
