"""Read queries of the catalog: Backstage filters, field selection, paging and facets.

Everything here reads the tables of :mod:`catalog_store.db.tables`; filters and facets
run on the flattened ``search`` table and never load entity bodies.
"""
