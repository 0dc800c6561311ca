-- The columns of one table in table order, with their DuckDB type and whether they have a DEFAULT
-- (pipelines.warehouse.insert/replace build their statements from the catalog, not from a list kept by hand).
SELECT column_name, data_type, column_default IS NOT NULL
FROM information_schema.columns
WHERE table_schema = $schema AND table_name = $table
ORDER BY ordinal_position;
