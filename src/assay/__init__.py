"""assay: automated QA for web apps and HTTP APIs."""

__version__ = "0.4.0"
