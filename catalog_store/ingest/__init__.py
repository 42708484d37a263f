"""Ingestion: reading locations (files, URLs, git repositories) into the catalog."""
