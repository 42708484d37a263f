"""Git repositories as catalog sources: cloned once, fetched on refresh, read as a folder.

Remote URLs may carry credentials (``https://user:token@host/repo.git``); they are used
for the git commands only and replaced by ``***`` in every message and log line.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import git

from catalog_store.ingest.sources import SourceError

log = logging.getLogger(__name__)

_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


def redact_url(url: str) -> str:
    """The URL without its user name and password."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))
    return url


def redact_text(text: str) -> str:
    """Replace any ``user:secret@`` of URLs inside a free text."""
    return _USERINFO.sub("***@", text)


@dataclass(frozen=True, slots=True)
class Checkout:
    """A working tree of a repository at one commit."""

    path: Path
    revision: str
    remote: str


def checkout(remote: str, *, branch: str | None, cache_dir: Path, timeout: float = 120) -> Checkout:
    """Clone ``remote`` into the cache (or fetch it when already there) and check out the branch.

    Raises:
        SourceError: the remote cannot be reached or the branch does not exist; the message
            never contains credentials.
    """
    safe = redact_url(remote)
    folder = cache_dir / hashlib.sha256(f"{remote}#{branch}".encode()).hexdigest()[:24]
    try:
        if (folder / ".git").is_dir():
            repo = git.Repo(folder)
            repo.git.remote("set-url", "origin", remote)
            ref = branch or _default_branch(repo)
            repo.git.fetch(
                "origin",
                f"+{ref}:refs/remotes/origin/{ref}",
                "--depth=1",
                kill_after_timeout=timeout,
            )
            repo.git.reset("--hard", f"origin/{ref}")
            repo.git.clean("-fdx")
        else:
            if folder.exists():
                shutil.rmtree(folder)
            folder.parent.mkdir(parents=True, exist_ok=True)
            options = ["--depth=1", "--no-tags"]
            if branch:
                options += ["--branch", branch]
            repo = git.Repo.clone_from(
                remote, folder, multi_options=options, kill_after_timeout=timeout
            )
        revision = repo.head.commit.hexsha
    except git.GitCommandError as exc:
        detail = redact_text(str(exc.stderr or exc.stdout or "").strip()).replace(remote, safe)
        detail = detail.splitlines()[-1] if detail else f"exit status {exc.status}"
        raise SourceError(f"could not fetch {safe}: {detail.strip()[:300]}") from None
    except (git.GitError, OSError) as exc:
        detail = redact_text(str(exc)).replace(remote, safe)
        raise SourceError(f"could not fetch {safe}: {detail[:300]}") from None
    log.info("git checkout of %s at %s", safe, revision[:12])
    return Checkout(path=folder, revision=revision, remote=safe)


def _default_branch(repo: git.Repo) -> str:
    """The branch the clone checked out (the remote's default when none was named)."""
    return str(repo.active_branch.name)
