"""agents.observation.web."""
