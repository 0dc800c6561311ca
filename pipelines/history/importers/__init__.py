"""Importers of public price datasets (pure: files in, rows out; no Dagster)."""
