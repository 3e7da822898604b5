"""agents.evolution.api_suite."""
