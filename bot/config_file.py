"""Reading ``callboard.yaml``: YAML with ``${ENV_VAR}`` substitution, as Backstage's
``app-config.yaml`` does it.

``${NAME}`` is replaced by the environment variable; a value that is only ``${NAME}`` with
``NAME`` unset is dropped (so optional secrets can be left out); ``$${`` escapes a literal
``${``. A ``${NAME}`` inside a longer string with ``NAME`` unset is an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from catalog_store.yaml_documents import YamlError, decode_text, load_documents

_REFERENCE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MISSING = object()


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names file, line or key."""


def read_config_file(path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration mapping of ``path`` with environment references substituted."""
    try:
        text = decode_text(path.read_bytes())
        documents = load_documents(text)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except YamlError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise ConfigError(f"{where}: {exc.message}") from None
    if not documents:
        return {}
    data = documents[0].data
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping")
    substituted = substitute(data, os.environ if environ is None else environ, path.name)
    return substituted if isinstance(substituted, dict) else {}


def substitute(value: Any, environ: Mapping[str, str], where: str) -> Any:
    """``value`` with ``${NAME}`` references replaced, recursively."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            replaced = substitute(item, environ, f"{where}: {key}")
            if replaced is not _MISSING:
                out[str(key)] = replaced
        return out
    if isinstance(value, list):
        items = [substitute(item, environ, where) for item in value]
        return [item for item in items if item is not _MISSING]
    if isinstance(value, str) and "${" in value:
        return _substitute_string(value, environ, where)
    return value


def _substitute_string(value: str, environ: Mapping[str, str], where: str) -> Any:
    whole = _REFERENCE.fullmatch(value)
    if whole and not whole.group(1) and whole.group(2) not in environ:
        return _MISSING

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        name = match.group(2)
        if name not in environ:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return environ[name]

    return _REFERENCE.sub(replace, value)
