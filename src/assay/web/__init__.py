"""The dashboard: server-rendered pages over the same workflow service as /api/v2."""
