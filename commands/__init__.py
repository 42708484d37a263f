"""Slash-command use cases: plain context in, plain reply out (no Slack types)."""
