"""agents.requirements."""
