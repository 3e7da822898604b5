"""agents.analysis.execution."""
