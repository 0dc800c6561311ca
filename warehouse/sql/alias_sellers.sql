-- Every seller's id of the model(s) a name stands for: the name is matched against marts.model_aliases
-- (exactly when $exact, else case-insensitively), and the identities it belongs to are expanded to all sellers.
SELECT DISTINCT a.provider, a.model, a.creator, a.canonical_model
FROM marts.model_aliases a
JOIN (SELECT DISTINCT creator, canonical_model FROM marts.model_aliases
      WHERE CASE WHEN $exact THEN alias = $a OR model = $a ELSE lower(alias) = lower($a) END) i
USING (creator, canonical_model)
ORDER BY ALL;
