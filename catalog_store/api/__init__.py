"""The catalog's REST API on FastAPI, compatible with Backstage's catalog backend."""

from catalog_store.api.errors import AuthenticationError, install_error_handlers
from catalog_store.api.router import create_catalog_router

__all__ = ["AuthenticationError", "create_catalog_router", "install_error_handlers"]
