"""The catalog: entity model, ingestion, store, search and the catalog API."""
