"""The ``tokenprices`` command line: no Dagster internals, no private imports across modules."""
