"""The Requirements agent's pure core: test data, resource recipes, scenarios, focus, coverage.

No I/O: everything here is computed from an Observation (and an optional user instruction).
"""

from assay.requirements.assemble import build_requirements

__all__ = ["build_requirements"]
