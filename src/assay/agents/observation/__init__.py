"""agents.observation."""
