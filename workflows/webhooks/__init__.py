"""Inbound webhooks: verifying deliveries from HCP Terraform, GitHub, Argo CD, Humanitec
and the generic format, and translating them into run events.

Everything here is a pure function of the raw body and headers; the HTTP route calls
:func:`parse_webhook` and answers with the :class:`WebhookError`'s status when it raises.
"""

from workflows.webhooks.delivery import MAX_BODY_BYTES, SOURCES, InboundDelivery, WebhookSecrets
from workflows.webhooks.errors import WebhookError
from workflows.webhooks.parse import parse_webhook

__all__ = [
    "MAX_BODY_BYTES",
    "SOURCES",
    "InboundDelivery",
    "WebhookError",
    "WebhookSecrets",
    "parse_webhook",
]
