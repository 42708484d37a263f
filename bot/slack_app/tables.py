"""The Slack app's own tables: event receipts (retries are handled once, across replicas).

The OAuth tables (``slack_installations``, ``slack_bots``, ``slack_oauth_states``) belong to
slack_sdk's SQLAlchemy stores; the migrations create them with the same columns.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table

metadata = MetaData()

event_receipts = Table(
    "slack_event_receipts",
    metadata,
    Column("event_id", String(64), primary_key=True),
    Column("team_id", String(32), nullable=True),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
)
"""One row per Events API ``event_id`` received; a retry finds its row and is skipped."""

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
