"""adapters.browser."""
