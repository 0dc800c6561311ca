-- staging.billing_offers is rebuilt from the raw snapshots on every run of staging/billing_offers.
DELETE FROM staging.billing_offers;
