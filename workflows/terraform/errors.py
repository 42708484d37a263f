"""The one error a terraform summary raises for input it cannot read."""

from __future__ import annotations


class PlanFormatError(ValueError):
    """A plan or a streamed log that is not what ``terraform`` writes.

    Raised for text that is not JSON, JSON that is not a plan, a plan of a format major
    version this reader does not know, or a streamed log line that is not a JSON object.
    The message says what was wrong and where.
    """
