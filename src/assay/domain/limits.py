"""How much of any target's answers assay reads and keeps (pure constants, shown in the summary)."""

from __future__ import annotations

# Generous for real specs (which are parsed from a response body) and bounded for hostile targets:
# applied on the wire and after decompression.
MAX_BODY_BYTES = 20_000_000
# A cut body is only evidence (it is never parsed), so only its beginning is kept.
EVIDENCE_BYTES = 256_000
# Bodies larger than EVIDENCE_BYTES kept in full over the whole run: past it, a target answering
# every request with megabytes cannot make assay hold them all (later big bodies are cut).
MAX_RETAINED_BYTES = 100_000_000
