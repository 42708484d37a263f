"""What a command tells the person when it cannot answer."""

from __future__ import annotations


class CommandError(Exception):
    """A command could not answer; ``message`` is written for the person who asked.

    Attributes:
        message: A short explanation with what to type instead; never a traceback.
        suggestions: Refs or words the person may have meant.
    """

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions


class NothingFound(CommandError):
    """The query matched nothing in the catalog."""
