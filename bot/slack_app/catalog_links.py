"""Catalog page links, as Backstage writes them: ``{catalogUrl}/catalog/{namespace}/{kind}/{name}``.

Anything after the name (a tab such as ``/api``, a query, a fragment) is allowed; the
scheme and host must be the catalog's, the path must start with its path.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from catalog_store.model.refs import EntityRef

_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def entity_ref_of_link(url: str, catalog_url: str) -> EntityRef | None:
    """The entity a catalog page link shows; None for any other link.

    Args:
        url: A link as Slack sends it in ``link_shared``.
        catalog_url: The catalog's base URL (``https://backstage.example.com``).
    """
    try:
        link = urlsplit(url.strip())
        base = urlsplit(catalog_url.rstrip("/"))
    except ValueError:
        return None
    if link.scheme.lower() != base.scheme.lower() or link.hostname is None:
        return None
    if (link.hostname or "").lower() != (base.hostname or "").lower():
        return None
    try:
        if link.port != base.port:
            return None
    except ValueError:
        return None
    prefix = base.path.rstrip("/") + "/catalog/"
    if not link.path.startswith(prefix):
        return None
    parts = [unquote(p) for p in link.path[len(prefix) :].split("/")]
    if len(parts) < 3 or not all(_PART.match(p) for p in parts[:3]):
        return None
    namespace, kind, name = parts[:3]
    return EntityRef(kind=kind.lower(), namespace=namespace.lower(), name=name)
