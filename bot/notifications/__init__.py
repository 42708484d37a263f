"""Run notifications in Slack: webhooks in, the outbox delivered through Slack's Web API."""
