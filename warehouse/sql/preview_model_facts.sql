-- Preview of marts.model_facts: facts by source and kind.
SELECT source, fact, count(*) AS n, count(*) FILTER (WHERE chosen) AS chosen,
       count(*) FILTER (WHERE sources_disagree) AS disagreeing
FROM marts.model_facts GROUP BY ALL ORDER BY source, fact;
