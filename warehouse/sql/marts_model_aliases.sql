-- marts.model_aliases and marts.unmatched_aliases, rebuilt as a whole from the names marts/model_aliases placed
-- (registered as the views aliases_df and unmatched_df; the rules are pipelines.history.models.resolve).
CREATE OR REPLACE TABLE marts.model_aliases AS SELECT * FROM aliases_df;
CREATE OR REPLACE TABLE marts.unmatched_aliases AS SELECT * FROM unmatched_df;
