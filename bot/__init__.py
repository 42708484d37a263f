"""Callboard's edge and composition root: settings, CLI, HTTP app and (later) Slack."""
