"""Price sources: one module per source (pure parsers, no Dagster). The registry is :mod:`pipelines.sources.registry`."""
