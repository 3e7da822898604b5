"""Risk scoring, business value and execution planning of scenarios (pure, no I/O)."""

from assay.analysis.planning import plan, refine
from assay.analysis.risk import EXECUTE_FIRST_RPN, priority_for, score_risk

__all__ = ["EXECUTE_FIRST_RPN", "plan", "priority_for", "refine", "score_risk"]
