-- Who made each model a seller sells (marts.model_aliases), for export keys: the creator's own id, else seller/id.
SELECT DISTINCT provider, model, creator FROM marts.model_aliases;
