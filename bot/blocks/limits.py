"""Slack's Block Kit limits that answers are built to stay within."""

from __future__ import annotations

from typing import Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[Surface, int] = {"message": 50, "modal": 100, "home": 100}
"""Blocks per message, modal and Home tab."""
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
MAX_SELECT_OPTIONS = 100
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 3000
MAX_MODAL_TITLE = 24
MAX_ID = 255
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_FALLBACK_TEXT = 3000
"""The ``text`` that goes with blocks, shown in notifications (Slack's own limit is higher)."""
MAX_MESSAGE_BLOCK_CHARS = 12_000
"""All text of a message's blocks together: Slack answers ``msg_blocks_too_long`` a little
above this, although no single block breaks a limit."""
MAX_VIEW_BLOCK_CHARS = 40_000
"""All text of a modal's or Home tab's blocks together, kept well below what Slack takes."""
