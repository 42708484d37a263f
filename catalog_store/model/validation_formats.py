"""Backstage's field format rules, as in its ``KubernetesValidatorFunctions`` and
``CommonValidatorFunctions``.

Each predicate takes a string and says whether it has the format Backstage's
``FieldFormatEntityPolicy`` requires; the ``*_RULE`` texts describe the format in
error messages.
"""

from __future__ import annotations

import re
from functools import lru_cache

ENTITY_NAME_RULE = (
    "must be 1-63 characters of [a-zA-Z0-9] separated by any of [-_.], "
    "starting and ending with [a-zA-Z0-9]"
)
NAMESPACE_RULE = "must be 1-63 characters of [a-z0-9] separated by [-]"
TAG_RULE = "must be 1-63 characters of [a-z0-9+#] separated by [-]"
KIND_RULE = "must be 1-63 characters of [a-zA-Z0-9], starting with a letter"
API_VERSION_RULE = "must be [<DNS subdomain>/]<version>, the version 1-63 characters of [a-zA-Z0-9]"
KEY_RULE = (
    "must be [<DNS subdomain>/]<name>, the name 1-63 characters of [a-zA-Z0-9] "
    "separated by any of [-_.]"
)
LABEL_VALUE_RULE = f"must be empty or {ENTITY_NAME_RULE[len('must be ') :]}"
URL_RULE = "must be an absolute URL, e.g. https://example.com/page"
BLANK_RULE = "must not be blank"

_OBJECT_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TAG = re.compile(r"[a-z0-9+#]+(?:-[a-z0-9+#]+)*")
_KIND = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_VERSION = re.compile(r"[a-zA-Z0-9]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_PORT = re.compile(r"[0-9]*")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_FORBIDDEN_HOST_CHARS = frozenset(" \t\n\r#%/:<>?@[\\]^|")
_PLAIN_WEB_URL = re.compile(
    r"https?://[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?(?::[0-9]{1,4})?(?:[/?#]|$)"
)
_URL_TRIM = "".join(chr(c) for c in range(0x21))


def is_valid_entity_name(value: str) -> bool:
    """Check Backstage's ``isValidObjectName``: 1-63 chars, ``[a-zA-Z0-9]`` ends, ``-_.`` inside.

    Args:
        value: The candidate name.

    Returns:
        Whether the name is valid.
    """
    return len(value) <= 63 and _OBJECT_NAME.fullmatch(value) is not None


def is_valid_dns_label(value: str) -> bool:
    """Check a DNS label (RFC 1123): 1-63 chars of ``[a-z0-9]`` separated by single ``-``.

    Args:
        value: The candidate label; Backstage also uses this for namespaces.

    Returns:
        Whether the label is valid.
    """
    return len(value) <= 63 and _DNS_LABEL.fullmatch(value) is not None


def is_valid_dns_subdomain(value: str) -> bool:
    """Check a DNS subdomain: at most 253 chars of dot-separated DNS labels.

    Args:
        value: The candidate subdomain.

    Returns:
        Whether the subdomain is valid.
    """
    return 1 <= len(value) <= 253 and all(is_valid_dns_label(p) for p in value.split("."))


def is_valid_tag(value: str) -> bool:
    """Check Backstage's ``isValidTag``: 1-63 chars of ``[a-z0-9+#]`` separated by single ``-``.

    Args:
        value: The candidate tag.

    Returns:
        Whether the tag is valid.
    """
    return len(value) <= 63 and _TAG.fullmatch(value) is not None


def is_valid_kind(value: str) -> bool:
    """Check Backstage's ``isValidKind``: a letter then letters and digits, at most 63 chars.

    Args:
        value: The candidate kind.

    Returns:
        Whether the kind is valid.
    """
    return len(value) <= 63 and _KIND.fullmatch(value) is not None


def is_valid_api_version(value: str) -> bool:
    """Check Backstage's ``isValidApiVersion``: ``[<DNS subdomain>/]<version>``.

    Args:
        value: The candidate apiVersion, e.g. ``"backstage.io/v1alpha1"``.

    Returns:
        Whether the apiVersion is valid.
    """
    prefix, sep, version = value.rpartition("/")
    if sep and (not is_valid_dns_subdomain(prefix) or "/" in prefix):
        return False
    return len(version) <= 63 and _VERSION.fullmatch(version) is not None


@lru_cache(maxsize=4096)
def is_valid_key(value: str) -> bool:
    """Check a label or annotation key: ``[<DNS subdomain>/]<name>``.

    Args:
        value: The candidate key, e.g. ``"backstage.io/techdocs-ref"``.

    Returns:
        Whether the key is valid.
    """
    prefix, sep, name = value.rpartition("/")
    if sep and (not is_valid_dns_subdomain(prefix) or "/" in prefix):
        return False
    return is_valid_entity_name(name)


def is_valid_label_value(value: str) -> bool:
    """Check Backstage's ``isValidLabelValue``: empty, or a valid entity name.

    Args:
        value: The candidate label value.

    Returns:
        Whether the value is valid.
    """
    return value == "" or is_valid_entity_name(value)


def is_valid_url(value: str) -> bool:
    """Check that a string parses as an absolute URL, like ``new URL(value)`` in Backstage.

    The check follows the WHATWG URL rules in the parts that decide validity: a
    scheme is required; for http(s), ws(s) and ftp the host must be present and
    free of forbidden characters and the port must be a number up to 65535.

    Args:
        value: The candidate URL.

    Returns:
        Whether the URL is valid.
    """
    if _PLAIN_WEB_URL.match(value):
        return True
    text = value.strip(_URL_TRIM).replace("\t", "").replace("\n", "").replace("\r", "")
    match = _SCHEME.match(text)
    if match is None:
        return False
    if match.group(1).lower() not in _SPECIAL_SCHEMES:
        return True
    rest = text[match.end() :].lstrip("/\\")
    authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0]
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("["):
        host, bracket, port_part = host_port[1:].partition("]")
        if not bracket or not host or any(c not in "0123456789abcdefABCDEF:." for c in host):
            return False
        port = port_part[1:] if port_part.startswith(":") else None
        if port_part and port is None:
            return False
    else:
        host, colon, port_text = host_port.partition(":")
        port = port_text if colon else None
        if not host or any(c in _FORBIDDEN_HOST_CHARS for c in host):
            return False
    if port is None or not port:
        return True
    digits = port.lstrip("0") or "0"
    return _PORT.fullmatch(port) is not None and len(digits) <= 5 and int(digits) <= 65535


def is_non_blank(value: str) -> bool:
    """Check Backstage's ``isValidString``: not empty after trimming whitespace.

    Args:
        value: The candidate text.

    Returns:
        Whether the text has a non-whitespace character.
    """
    return bool(value.strip())
