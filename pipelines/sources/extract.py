"""Document -> tables: moved into :mod:`pipelines.sources.reader` (the one shared reader). This name stays only
for the parser modules not yet moved to it; new code imports from ``pipelines.sources.reader``."""

from pipelines.sources.reader import Table, cell_text, html_tables, markdown_tables

__all__ = ["Table", "cell_text", "html_tables", "markdown_tables"]
