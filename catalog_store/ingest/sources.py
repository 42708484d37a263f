"""Where catalog files come from: a folder on disk or HTTP URLs.

A source tree turns a location target (relative to the file that names it, or to the
root of the tree) into addresses, and reads an address's bytes with a size limit.
Addresses are plain strings: an absolute path for files, a URL for URLs.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
GLOB_CHARACTERS = frozenset("*?[")


class SourceError(Exception):
    """A target that cannot be resolved or read: missing, outside its tree, too large."""


class SourceTree(Protocol):
    """A tree of catalog files that targets are resolved in."""

    location_type: str

    def resolve(self, target: str, *, relative_to: str | None) -> list[str]:
        """The addresses a target names (several for a glob), sorted."""
        ...

    def read(self, address: str) -> bytes:
        """The bytes at ``address``."""
        ...

    def display(self, address: str) -> str:
        """A short name for messages (a path relative to the tree, or the URL)."""
        ...

    def annotation(self, address: str) -> str:
        """The ``backstage.io/managed-by-location`` value for an address."""
        ...


def size_error(size: int, limit: int) -> SourceError:
    """The error for a file over the size limit."""
    return SourceError(
        f"file is {size / 1_048_576:.1f} MiB, over the {limit / 1_048_576:.1f} MiB limit"
    )


class FileTree:
    """Files under one root folder; targets may not leave it."""

    location_type = "file"

    def __init__(
        self,
        root: Path,
        *,
        max_bytes: int = DEFAULT_MAX_FILE_BYTES,
        annotation_prefix: str | None = None,
    ) -> None:
        self.root = root.resolve()
        self.max_bytes = max_bytes
        self._annotation_prefix = annotation_prefix

    def resolve(self, target: str, *, relative_to: str | None) -> list[str]:
        """Resolve ``target`` against the folder of ``relative_to`` (or the root)."""
        if target.startswith("file:"):
            target = target[len("file:") :]
        base = Path(relative_to).parent if relative_to else self.root
        candidate = Path(os.path.normpath(base / target))
        if not self._inside(candidate):
            raise SourceError(f"target {target!r} points outside {self.root}")
        if is_glob(target):
            matches = sorted(glob.glob(str(candidate), recursive=True))
            return [m for m in matches if Path(m).is_file() and self._inside(Path(m).resolve())]
        if not candidate.is_file():
            raise SourceError(f"{self.display(str(candidate))}: file not found")
        if not self._inside(candidate.resolve()):
            raise SourceError(f"target {target!r} links outside {self.root}")
        return [str(candidate)]

    def read(self, address: str) -> bytes:
        """Read a file, refusing folders, missing files and files over the size limit."""
        path = Path(address)
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise size_error(size, self.max_bytes)
            return path.read_bytes()
        except FileNotFoundError:
            raise SourceError(f"{self.display(address)}: file not found") from None
        except IsADirectoryError:
            raise SourceError(f"{self.display(address)}: is a folder, not a file") from None
        except PermissionError:
            raise SourceError(f"{self.display(address)}: permission denied") from None

    def display(self, address: str) -> str:
        """The address relative to the root when it is inside."""
        try:
            return str(Path(address).relative_to(self.root))
        except ValueError:
            return address

    def annotation(self, address: str) -> str:
        """``file:/abs/path``, or the tree's own prefix (a git repository) and the path."""
        if self._annotation_prefix is not None:
            return f"{self._annotation_prefix}{self.display(address)}"
        return f"file:{address}"

    def _inside(self, path: Path) -> bool:
        return path == self.root or path.is_relative_to(self.root)


def is_glob(target: str) -> bool:
    """Whether a target is a glob pattern."""
    return any(ch in GLOB_CHARACTERS for ch in target)


def github_raw_url(url: str) -> str:
    """Map a ``github.com/<o>/<r>/blob/<ref>/<path>`` page URL onto its raw content URL."""
    parts = urlsplit(url)
    if parts.netloc != "github.com":
        return url
    segments = parts.path.split("/")
    if len(segments) > 4 and segments[3] == "blob":
        path = "/".join(segments[1:3] + segments[4:])
        return urlunsplit(("https", "raw.githubusercontent.com", "/" + path, "", ""))
    return url


class UrlTree:
    """Files served over HTTP(S); relative targets are joined onto the naming file's URL."""

    location_type = "url"

    def __init__(
        self,
        client: httpx.Client,
        *,
        allowed_hosts: Iterable[str],
        max_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        self.client = client
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.max_bytes = max_bytes

    def resolve(self, target: str, *, relative_to: str | None) -> list[str]:
        """Join a relative target onto the URL that names it; globs are not allowed."""
        url = urljoin(relative_to, target) if relative_to else target
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise SourceError(f"target {target!r} is not an http(s) URL")
        if is_glob(parts.path):
            raise SourceError(f"target {target!r}: globs are not supported for url locations")
        self._check_host(url)
        return [url]

    def _check_host(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self.allowed_hosts:
            raise SourceError(
                f"reading from host {host!r} is not allowed (add it to catalog.reading)"
            )

    def read(self, address: str) -> bytes:
        """GET the URL, following redirects only to allowed hosts, up to the size limit."""
        url = github_raw_url(address)
        try:
            for _ in range(MAX_REDIRECTS):
                self._check_host(url)
                with self.client.stream("GET", url, follow_redirects=False) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return self._body(address, response)
            raise SourceError(f"{address}: more than {MAX_REDIRECTS} redirects")
        except httpx.HTTPError as exc:
            raise SourceError(f"{address}: could not be read ({type(exc).__name__})") from None

    def _body(self, address: str, response: httpx.Response) -> bytes:
        """The response body, refusing errors and bodies over the size limit."""
        if response.status_code == 404:
            raise SourceError(f"{address}: not found (HTTP 404)")
        if response.status_code >= 400:
            raise SourceError(f"{address}: HTTP {response.status_code}")
        chunks: list[bytes] = []
        total = 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise size_error(total, self.max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)

    def display(self, address: str) -> str:
        """The URL itself."""
        return address

    def annotation(self, address: str) -> str:
        """``url:<the URL>``."""
        return f"url:{address}"
