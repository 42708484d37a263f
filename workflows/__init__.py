"""Multi-step jobs: scaffolder tasks, the orchestrator, notification delivery."""
