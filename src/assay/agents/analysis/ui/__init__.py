"""agents.analysis.ui."""
