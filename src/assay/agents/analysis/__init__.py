"""agents.analysis."""
