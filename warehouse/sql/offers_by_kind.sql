-- staging.billing_offers by kind of offer: offers and sellers (staging/billing_offers metadata).
SELECT offer_kind, count(*) AS offers, count(DISTINCT provider) AS sellers FROM staging.billing_offers
GROUP BY 1 ORDER BY 1;
