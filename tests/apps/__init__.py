"""Targets for assay's own integration tests, started on 127.0.0.1 (see README.md here)."""
