"""Security families: bounded probes over the operation model, each judged by a pure oracle."""
