"""Message templates the runner sends (filled in by the services)."""
