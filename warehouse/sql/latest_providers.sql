-- The sellers marts.latest_prices knows (tokenprices latest --provider checks its argument against them).
SELECT DISTINCT provider FROM marts.latest_prices ORDER BY 1;
