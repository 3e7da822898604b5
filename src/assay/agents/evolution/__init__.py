"""agents.evolution."""
