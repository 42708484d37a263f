"""Callboard in Slack: a Bolt app over HTTP (``/slack/events``) or Socket Mode.

- :mod:`bot.slack_app.surface`: ``create_slack_surface(config, engine=…, discovery=…)``
  builds the :class:`~bot.slack_app.surface.SlackSurface` (the Bolt ``App``, its FastAPI
  routes, the Socket Mode connection); ``bot.app.create_app`` mounts it when ``slack:`` is
  configured.
- Commands: the umbrella command (``slack.command``, ``/idp``) and verb commands
  (``slack.verbCommands``, e.g. ``/whois``) go to ``commands.dispatch.CommandRouter``; they
  are acknowledged at once and answered through the ``response_url`` (ephemeral). Mentions
  are answered in the thread, direct messages in the conversation.
- Buttons: ``run_command``, ``find_page`` and ``share_in_channel`` (see ``bot.blocks``).
- Events: ``app_home_opened`` publishes the Home tab; ``link_shared`` unfurls catalog links
  (``slack.catalogUrl``); a retried event (same ``event_id``) is handled once, across
  replicas (:mod:`bot.slack_app.event_receipts`).
- Outbound calls retry connection errors, 429 (``Retry-After``) and 5xx; failures are
  logged, and the person gets a short message, never a traceback.
- Installs: one ``botToken``, or Slack's OAuth flow (``/slack/install``,
  ``/slack/oauth_redirect``) with installations in the database.
- :mod:`bot.slack_app.dev`: ``callboard dev``, the bot and the Slack stand-in in one
  process.

Only ``bot/`` imports ``slack_sdk`` and ``slack_bolt``.
"""
