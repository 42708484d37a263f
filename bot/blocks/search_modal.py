"""The "Search the catalog" modal: words to look for and, optionally, one kind.

Opened from the Home tab's quick actions (``open_search``) or by ``/idp find`` without
words. Submitting it (callback ``catalog_search``) runs ``find`` and sends the answer as a
direct message. A blank query is refused beside the field, as Slack shows input errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.blocks.elements import plain
from bot.blocks.limits import MAX_MODAL_TITLE
from commands.targets import MAX_QUERY_CHARS

OPEN_SEARCH = "open_search"
"""The button that opens the modal."""
SEARCH_CALLBACK = "catalog_search"
"""The modal's ``callback_id``; its submissions come as ``view_submission``."""
QUERY_BLOCK = "search_query"
QUERY_INPUT = "query"
KIND_BLOCK = "search_kind"
KIND_SELECT = "kind"
KINDS = ("Component", "API", "Resource", "System", "Domain", "Group", "User", "Template")
"""The kinds offered; the search ranks every kind when none is picked."""
EMPTY_QUERY = "Type a name, a title or a few words to look for."


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What the person asked for in the modal: the ``find`` command line it makes."""

    words: str
    kind: str | None

    @property
    def command(self) -> str:
        """``find kind:api words`` (or ``find words``)."""
        prefix = f"kind:{self.kind.lower()} " if self.kind else ""
        return f"find {prefix}{self.words}"


def search_modal(words: str = "") -> dict[str, Any]:
    """The modal for ``views.open``, its query field holding ``words``."""
    query: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": QUERY_INPUT,
        "max_length": MAX_QUERY_CHARS,
        "placeholder": plain("payments, checkout api, team-a…", 150),
    }
    if words.strip():
        query["initial_value"] = " ".join(words.split())[:MAX_QUERY_CHARS]
    kinds = [{"text": plain(kind, 75), "value": kind.lower()} for kind in KINDS]
    return {
        "type": "modal",
        "callback_id": SEARCH_CALLBACK,
        "title": plain("Search the catalog", MAX_MODAL_TITLE),
        "submit": plain("Search", MAX_MODAL_TITLE),
        "close": plain("Cancel", MAX_MODAL_TITLE),
        "blocks": [
            {
                "type": "input",
                "block_id": QUERY_BLOCK,
                "label": plain("Look for", 2000),
                "element": query,
                "hint": plain(
                    "Names, titles, tags; typos are fine. Filters work too: owner:team-a", 2000
                ),
            },
            {
                "type": "input",
                "block_id": KIND_BLOCK,
                "optional": True,
                "label": plain("Only this kind", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": KIND_SELECT,
                    "placeholder": plain("Any kind", 150),
                    "options": kinds,
                },
            },
        ],
    }


def read_search(values: Mapping[str, Any]) -> SearchRequest | dict[str, str]:
    """The request in a submitted modal's ``state.values``, or the errors to show
    (``{block_id: message}``, for ``response_action: errors``)."""
    query = _field(values, QUERY_BLOCK, QUERY_INPUT)
    words = " ".join(str(query.get("value") or "").split())[:MAX_QUERY_CHARS]
    if not words:
        return {QUERY_BLOCK: EMPTY_QUERY}
    selected = _field(values, KIND_BLOCK, KIND_SELECT).get("selected_option")
    kind = selected.get("value") if isinstance(selected, Mapping) else None
    known = {k.lower() for k in KINDS}
    if kind is not None and kind not in known:
        return {KIND_BLOCK: "Pick one of the kinds in the list."}
    return SearchRequest(words=words, kind=kind)


def _field(values: Mapping[str, Any], block_id: str, action_id: str) -> Mapping[str, Any]:
    block = values.get(block_id)
    element = block.get(action_id) if isinstance(block, Mapping) else None
    return element if isinstance(element, Mapping) else {}
