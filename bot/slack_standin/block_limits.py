"""Slack's Block Kit limits as pure functions.

Every check answers Slack's own wording, ``[ERROR] <what> [json-pointer:<where>]``, so a
caller can put the list straight into ``response_metadata.messages``:

>>> validate_blocks([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}])
['[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]']

``validate_blocks`` checks a ``blocks`` array of a message, a modal or a Home tab;
``validate_view`` a whole ``view`` object; ``validate_message`` a message's ``text`` and
``blocks`` together (as ``chat.postMessage``, ``chat.update`` and ``response_url`` do).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_TEXT = 40_000
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_OPTION_DESCRIPTION = 75
MAX_SELECT_OPTIONS = 100
MAX_OPTION_GROUPS = 100
MAX_ID = 255
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_VIEW_TITLE = 24
MAX_VIEW_BUTTON = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255
MAX_EXTERNAL_ID = 255
MAX_PLACEHOLDER = 150
MAX_LABEL = 2000
MAX_HINT = 2000
MAX_URL = 3000
MAX_BUTTON_VALUE = 2000
MAX_ALT_TEXT = 2000
MAX_IMAGE_TITLE = 2000
MAX_MARKDOWN_BLOCK = 12_000
MAX_TEXT_OBJECT = 3000
MAX_CHOICE_OPTIONS = 10
MAX_INPUT_LENGTH = 3000

TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})
SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
    }
)
MULTI_SELECTS = frozenset(f"multi_{name}" for name in SELECTS)
PICKERS = frozenset({"datepicker", "timepicker", "datetimepicker"})
CHOICES = frozenset({"checkboxes", "radio_buttons"})
SECTION_ACCESSORIES = (
    frozenset({"button", "image", "overflow", "workflow_button"})
    | SELECTS
    | MULTI_SELECTS
    | PICKERS
    | CHOICES
)
ACTIONS_ELEMENTS = (
    frozenset({"button", "overflow", "workflow_button", "rich_text_input"})
    | SELECTS
    | MULTI_SELECTS
    | PICKERS
    | CHOICES
)
INPUT_ELEMENTS = (
    frozenset(
        {
            "plain_text_input",
            "email_text_input",
            "url_text_input",
            "number_input",
            "rich_text_input",
            "file_input",
        }
    )
    | SELECTS
    | MULTI_SELECTS
    | PICKERS
    | CHOICES
)
BLOCK_TYPES = frozenset(
    {
        "section",
        "header",
        "divider",
        "context",
        "actions",
        "image",
        "input",
        "rich_text",
        "markdown",
        "video",
        "file",
    }
)
MESSAGE_ONLY_BLOCKS = frozenset({"markdown", "file"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def error(message: str, pointer: str) -> str:
    """One message in Slack's format."""
    return f"[ERROR] {message} [json-pointer:{pointer}]"


def validate_blocks(
    blocks: object, surface: Surface = "message", *, pointer: str = "/blocks"
) -> list[str]:
    """Check a ``blocks`` array against Slack's limits for ``surface``.

    Args:
        blocks: the decoded ``blocks`` value (a list of block objects).
        surface: ``message`` (at most 50 blocks), ``modal`` or ``home`` (at most 100).
        pointer: the JSON pointer of ``blocks`` in the request, for the messages.

    Returns:
        ``[ERROR] … [json-pointer:…]`` messages; empty when the blocks are valid.
    """
    checker = _Checker(surface)
    checker.blocks(blocks, pointer)
    return checker.errors


def validate_view(view: object, *, pointer: str = "/view") -> list[str]:
    """Check a ``view`` object (a modal or a Home tab) as ``views.*`` methods do.

    Returns:
        ``[ERROR] … [json-pointer:…]`` messages; empty when the view is valid.
    """
    if not isinstance(view, dict):
        return [error("must provide an object", pointer)]
    kind = view.get("type")
    errors: list[str] = []
    if kind is None:
        errors.append(error("missing required field: type", pointer))
    elif kind not in ("modal", "home"):
        errors.append(error(f"unsupported view type: {kind}", f"{pointer}/type"))
    surface: Surface = "home" if kind == "home" else "modal"
    checker = _Checker(surface)
    if "blocks" not in view:
        checker.errors.append(error("missing required field: blocks", pointer))
    else:
        checker.blocks(view["blocks"], f"{pointer}/blocks")
    if surface == "modal":
        if "title" not in view:
            checker.errors.append(error("missing required field: title", pointer))
        else:
            checker.text(view["title"], f"{pointer}/title", MAX_VIEW_TITLE, plain_only=True)
        for key in ("close", "submit"):
            if view.get(key) is not None:
                checker.text(view[key], f"{pointer}/{key}", MAX_VIEW_BUTTON, plain_only=True)
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            checker.errors.append(
                error("must provide a submit button when using input blocks", pointer)
            )
    checker.string(
        view.get("private_metadata"), f"{pointer}/private_metadata", MAX_PRIVATE_METADATA
    )
    checker.string(view.get("callback_id"), f"{pointer}/callback_id", MAX_CALLBACK_ID)
    checker.string(view.get("external_id"), f"{pointer}/external_id", MAX_EXTERNAL_ID)
    for key in ("clear_on_close", "notify_on_close", "submit_disabled"):
        checker.boolean(view.get(key), f"{pointer}/{key}")
    return errors + checker.errors


def validate_message(text: object, blocks: object, *, surface: Surface = "message") -> list[str]:
    """Check a message's ``text`` (40,000 characters at most) and its ``blocks``."""
    errors: list[str] = []
    if text is not None:
        if not isinstance(text, str):
            errors.append(error("must provide a string", "/text"))
        elif len(text) > MAX_MESSAGE_TEXT:
            errors.append(error(f"must be less than {MAX_MESSAGE_TEXT + 1} characters", "/text"))
    if blocks is not None:
        errors.extend(validate_blocks(blocks, surface))
    return errors


class _Checker:
    """Collects the errors of one surface's blocks."""

    def __init__(self, surface: Surface) -> None:
        self.surface = surface
        self.errors: list[str] = []

    def add(self, message: str, pointer: str) -> None:
        self.errors.append(error(message, pointer))

    # -- primitives -------------------------------------------------------------------

    def string(self, value: object, pointer: str, max_len: int, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.add("missing required field", pointer)
            return
        if not isinstance(value, str):
            self.add("must provide a string", pointer)
        elif len(value) > max_len:
            self.add(f"must be less than {max_len + 1} characters", pointer)

    def boolean(self, value: object, pointer: str) -> None:
        if value is not None and not isinstance(value, bool):
            self.add("must provide a boolean", pointer)

    def integer(self, value: object, pointer: str, low: int, high: int) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.add("must provide an integer", pointer)
        elif value < low:
            self.add(f"must be at least {low}", pointer)
        elif value > high:
            self.add(f"must be at most {high}", pointer)

    def array(
        self, value: object, pointer: str, max_items: int, *, min_items: int = 1
    ) -> list[Any] | None:
        if not isinstance(value, list):
            self.add("must provide an array", pointer)
            return None
        if len(value) > max_items:
            self.add(f"no more than {max_items} items allowed", pointer)
        if len(value) < min_items:
            self.add(f"must provide at least {min_items} items", pointer)
        return value

    def text(
        self,
        value: object,
        pointer: str,
        max_len: int,
        *,
        plain_only: bool = False,
        min_len: int = 1,
    ) -> None:
        """A text object: ``{"type": "plain_text"|"mrkdwn", "text": …}``."""
        if not isinstance(value, dict):
            self.add("must provide an object", pointer)
            return
        kind = value.get("type")
        if kind is None:
            self.add("missing required field: type", pointer)
        elif kind not in TEXT_TYPES:
            self.add("must be a valid enum value", f"{pointer}/type")
        elif plain_only and kind != "plain_text":
            self.add("failed to match all allowed schemas", pointer)
            self.add("must be a valid enum value", f"{pointer}/type")
        text = value.get("text")
        if "text" not in value:
            self.add("missing required field: text", pointer)
        elif not isinstance(text, str):
            self.add("must provide a string", f"{pointer}/text")
        elif len(text) > max_len:
            self.add("failed to match all allowed schemas", pointer)
            self.add(f"must be less than {max_len + 1} characters", f"{pointer}/text")
        elif len(text) < min_len:
            self.add(f"must be more than {min_len - 1} characters", f"{pointer}/text")
        if kind == "mrkdwn" and "emoji" in value:
            self.add("invalid additional property: emoji", f"{pointer}/emoji")
        if kind == "plain_text" and "verbatim" in value:
            self.add("invalid additional property: verbatim", f"{pointer}/verbatim")
        self.boolean(value.get("emoji"), f"{pointer}/emoji")
        self.boolean(value.get("verbatim"), f"{pointer}/verbatim")

    def required(self, block: dict[str, Any], pointer: str, *fields: str) -> bool:
        missing = [f for f in fields if f not in block or block[f] is None]
        for name in missing:
            self.add(f"missing required field: {name}", pointer)
        return not missing

    # -- blocks -----------------------------------------------------------------------

    def blocks(self, value: object, pointer: str) -> None:
        items = self.array(value, pointer, MAX_BLOCKS[self.surface], min_items=0)
        if items is None:
            return
        seen: set[str] = set()
        for index, block in enumerate(items):
            where = f"{pointer}/{index}"
            if not isinstance(block, dict):
                self.add("must provide an object", where)
                continue
            block_id = block.get("block_id")
            if isinstance(block_id, str):
                if block_id in seen:
                    self.add(f"duplicate block_id: {block_id}", f"{where}/block_id")
                seen.add(block_id)
            self.block(block, where)

    def block(self, block: dict[str, Any], pointer: str) -> None:
        kind = block.get("type")
        if kind is None:
            self.add("missing required field: type", pointer)
            return
        if kind not in BLOCK_TYPES:
            self.add(f"unsupported type: {kind}", f"{pointer}/type")
            return
        if kind in MESSAGE_ONLY_BLOCKS and self.surface != "message":
            self.add(f"unsupported type: {kind}", f"{pointer}/type")
            return
        self.string(block.get("block_id"), f"{pointer}/block_id", MAX_ID)
        getattr(self, f"block_{kind}")(block, pointer)

    def block_section(self, block: dict[str, Any], pointer: str) -> None:
        if block.get("text") is None and block.get("fields") is None:
            self.add("must define either `text` or `fields`", pointer)
        if block.get("text") is not None:
            self.text(block["text"], f"{pointer}/text", MAX_SECTION_TEXT)
        if block.get("fields") is not None:
            fields = self.array(block["fields"], f"{pointer}/fields", MAX_SECTION_FIELDS)
            for index, field in enumerate(fields or []):
                self.text(field, f"{pointer}/fields/{index}", MAX_FIELD_TEXT)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{pointer}/accessory", SECTION_ACCESSORIES)
        self.boolean(block.get("expand"), f"{pointer}/expand")

    def block_header(self, block: dict[str, Any], pointer: str) -> None:
        if self.required(block, pointer, "text"):
            self.text(block["text"], f"{pointer}/text", MAX_HEADER_TEXT, plain_only=True)

    def block_divider(self, block: dict[str, Any], pointer: str) -> None:
        return None

    def block_context(self, block: dict[str, Any], pointer: str) -> None:
        if not self.required(block, pointer, "elements"):
            return
        elements = self.array(block["elements"], f"{pointer}/elements", MAX_CONTEXT_ELEMENTS)
        for index, element in enumerate(elements or []):
            where = f"{pointer}/elements/{index}"
            if isinstance(element, dict) and element.get("type") == "image":
                self.element(element, where, frozenset({"image"}))
            else:
                self.text(element, where, MAX_TEXT_OBJECT)

    def block_actions(self, block: dict[str, Any], pointer: str) -> None:
        if not self.required(block, pointer, "elements"):
            return
        elements = self.array(block["elements"], f"{pointer}/elements", MAX_ACTIONS_ELEMENTS)
        action_ids: set[str] = set()
        for index, element in enumerate(elements or []):
            where = f"{pointer}/elements/{index}"
            self.element(element, where, ACTIONS_ELEMENTS)
            action_id = element.get("action_id") if isinstance(element, dict) else None
            if isinstance(action_id, str):
                if action_id in action_ids:
                    self.add(f"duplicate action_id: {action_id}", f"{where}/action_id")
                action_ids.add(action_id)

    def block_image(self, block: dict[str, Any], pointer: str) -> None:
        self.image_source(block, pointer)
        if self.required(block, pointer, "alt_text"):
            self.string(block["alt_text"], f"{pointer}/alt_text", MAX_ALT_TEXT)
        if block.get("title") is not None:
            self.text(block["title"], f"{pointer}/title", MAX_IMAGE_TITLE, plain_only=True)

    def block_input(self, block: dict[str, Any], pointer: str) -> None:
        if self.required(block, pointer, "label"):
            self.text(block["label"], f"{pointer}/label", MAX_LABEL, plain_only=True)
        if self.required(block, pointer, "element"):
            self.element(block["element"], f"{pointer}/element", INPUT_ELEMENTS)
        if block.get("hint") is not None:
            self.text(block["hint"], f"{pointer}/hint", MAX_HINT, plain_only=True)
        self.boolean(block.get("optional"), f"{pointer}/optional")
        self.boolean(block.get("dispatch_action"), f"{pointer}/dispatch_action")

    def block_rich_text(self, block: dict[str, Any], pointer: str) -> None:
        if self.required(block, pointer, "elements"):
            self.array(block["elements"], f"{pointer}/elements", 1000, min_items=0)

    def block_markdown(self, block: dict[str, Any], pointer: str) -> None:
        if self.required(block, pointer, "text"):
            self.string(block["text"], f"{pointer}/text", MAX_MARKDOWN_BLOCK)

    def block_video(self, block: dict[str, Any], pointer: str) -> None:
        if self.required(block, pointer, "alt_text", "title", "thumbnail_url", "video_url"):
            self.text(block["title"], f"{pointer}/title", 200, plain_only=True)
            self.string(block["video_url"], f"{pointer}/video_url", MAX_URL)
            self.string(block["thumbnail_url"], f"{pointer}/thumbnail_url", MAX_URL)

    def block_file(self, block: dict[str, Any], pointer: str) -> None:
        self.required(block, pointer, "external_id", "source")

    # -- elements ---------------------------------------------------------------------

    def image_source(self, value: dict[str, Any], pointer: str) -> None:
        if value.get("image_url") is None and value.get("slack_file") is None:
            self.add("must provide either `image_url` or `slack_file`", pointer)
        self.string(value.get("image_url"), f"{pointer}/image_url", MAX_URL)

    def element(self, value: object, pointer: str, allowed: frozenset[str]) -> None:
        if not isinstance(value, dict):
            self.add("must provide an object", pointer)
            return
        kind = value.get("type")
        if kind is None:
            self.add("missing required field: type", pointer)
            return
        if kind not in allowed:
            self.add(f"unsupported type: {kind}", f"{pointer}/type")
            return
        self.string(value.get("action_id"), f"{pointer}/action_id", MAX_ID)
        if value.get("placeholder") is not None:
            self.text(
                value["placeholder"], f"{pointer}/placeholder", MAX_PLACEHOLDER, plain_only=True
            )
        if value.get("confirm") is not None:
            self.confirm(value["confirm"], f"{pointer}/confirm")
        self.boolean(value.get("focus_on_load"), f"{pointer}/focus_on_load")
        if kind == "button":
            self.button(value, pointer)
        elif kind == "image":
            self.image_source(value, pointer)
            if self.required(value, pointer, "alt_text"):
                self.string(value["alt_text"], f"{pointer}/alt_text", MAX_ALT_TEXT)
        elif kind == "overflow":
            if self.required(value, pointer, "options"):
                self.options(value["options"], f"{pointer}/options", 5, min_items=2)
        elif kind in ("static_select", "multi_static_select"):
            self.static_select(value, pointer)
        elif kind in ("external_select", "multi_external_select"):
            self.integer(value.get("min_query_length"), f"{pointer}/min_query_length", 0, 1000)
        elif kind in CHOICES:
            if self.required(value, pointer, "options"):
                self.options(
                    value["options"], f"{pointer}/options", MAX_CHOICE_OPTIONS, mrkdwn=True
                )
        elif kind == "datepicker":
            date = value.get("initial_date")
            if date is not None and (not isinstance(date, str) or not _DATE.match(date)):
                self.add("must match the pattern YYYY-MM-DD", f"{pointer}/initial_date")
        elif kind == "timepicker":
            time = value.get("initial_time")
            if time is not None and (not isinstance(time, str) or not _TIME.match(time)):
                self.add("must match the pattern HH:mm", f"{pointer}/initial_time")
        elif kind == "plain_text_input":
            self.integer(value.get("min_length"), f"{pointer}/min_length", 0, MAX_INPUT_LENGTH)
            self.integer(value.get("max_length"), f"{pointer}/max_length", 1, MAX_INPUT_LENGTH)
            self.string(value.get("initial_value"), f"{pointer}/initial_value", MAX_INPUT_LENGTH)
            self.boolean(value.get("multiline"), f"{pointer}/multiline")
        elif kind == "number_input" and self.required(value, pointer, "is_decimal_allowed"):
            self.boolean(value["is_decimal_allowed"], f"{pointer}/is_decimal_allowed")
        if kind.startswith("multi_"):
            self.integer(value.get("max_selected_items"), f"{pointer}/max_selected_items", 1, 100)

    def button(self, value: dict[str, Any], pointer: str) -> None:
        if self.required(value, pointer, "text"):
            self.text(value["text"], f"{pointer}/text", MAX_BUTTON_TEXT, plain_only=True)
        self.string(value.get("value"), f"{pointer}/value", MAX_BUTTON_VALUE)
        self.string(value.get("url"), f"{pointer}/url", MAX_URL)
        self.string(value.get("accessibility_label"), f"{pointer}/accessibility_label", 75)
        style = value.get("style")
        if style is not None and style not in ("primary", "danger"):
            self.add("must be a valid enum value", f"{pointer}/style")

    def static_select(self, value: dict[str, Any], pointer: str) -> None:
        has_options = value.get("options") is not None
        has_groups = value.get("option_groups") is not None
        if has_options == has_groups:
            self.add("must provide exactly one of `options` or `option_groups`", pointer)
        if has_options:
            self.options(value["options"], f"{pointer}/options", MAX_SELECT_OPTIONS)
        if has_groups:
            groups = self.array(
                value["option_groups"], f"{pointer}/option_groups", MAX_OPTION_GROUPS
            )
            for index, group in enumerate(groups or []):
                where = f"{pointer}/option_groups/{index}"
                if not isinstance(group, dict):
                    self.add("must provide an object", where)
                    continue
                if self.required(group, where, "label", "options"):
                    self.text(group["label"], f"{where}/label", MAX_OPTION_TEXT, plain_only=True)
                    self.options(group["options"], f"{where}/options", MAX_SELECT_OPTIONS)

    def options(
        self,
        value: object,
        pointer: str,
        max_items: int,
        *,
        min_items: int = 1,
        mrkdwn: bool = False,
    ) -> None:
        items = self.array(value, pointer, max_items, min_items=min_items)
        for index, option in enumerate(items or []):
            self.option(option, f"{pointer}/{index}", mrkdwn=mrkdwn)

    def option(self, value: object, pointer: str, *, mrkdwn: bool = False) -> None:
        if not isinstance(value, dict):
            self.add("must provide an object", pointer)
            return
        if self.required(value, pointer, "text", "value"):
            self.text(value["text"], f"{pointer}/text", MAX_OPTION_TEXT, plain_only=not mrkdwn)
            self.string(value["value"], f"{pointer}/value", MAX_OPTION_VALUE)
        if value.get("description") is not None:
            self.text(
                value["description"],
                f"{pointer}/description",
                MAX_OPTION_DESCRIPTION,
                plain_only=not mrkdwn,
            )
        self.string(value.get("url"), f"{pointer}/url", MAX_URL)

    def confirm(self, value: object, pointer: str) -> None:
        if not isinstance(value, dict):
            self.add("must provide an object", pointer)
            return
        if self.required(value, pointer, "title", "text", "confirm", "deny"):
            self.text(value["title"], f"{pointer}/title", 100, plain_only=True)
            self.text(value["text"], f"{pointer}/text", 300)
            self.text(value["confirm"], f"{pointer}/confirm", 30, plain_only=True)
            self.text(value["deny"], f"{pointer}/deny", 30, plain_only=True)


def strip_prefix(messages: Iterable[str]) -> list[str]:
    """The messages without ``[ERROR]``, as chat methods repeat them in ``errors``."""
    return [m.removeprefix("[ERROR] ") for m in messages]
