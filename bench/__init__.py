"""Benchmarks of the catalog: a synthetic catalog generator and the ingest/API benchmark."""
