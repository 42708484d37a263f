"""Database layer of the catalog: tables, engine set-up and migrations."""
