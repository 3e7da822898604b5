"""The pure part of distributed mode: the queued message and the broker's timings."""

from __future__ import annotations

from assay.domain.queueing import QueuedWorkflow, lease_seconds, visibility_timeout, workflow_ceiling
from assay.domain.target import Credentials, Target


def test_a_message_round_trips_the_target_with_its_credentials_and_secrets() -> None:
    target = Target("http://127.0.0.1:9/", credentials=(Credentials("alice", "pa55"),), depth=2)
    message = QueuedWorkflow("wf-1", target, ("pa55",), realtime_execution=False)
    back = QueuedWorkflow.decode(message.encode())
    assert back.workflow_id == "wf-1" and back.secrets == ("pa55",) and not back.realtime_execution
    assert back.target.credentials[0].password == "pa55" and back.target.depth == 2


def test_the_visibility_timeout_outlasts_a_workflow_and_the_lease_is_shorter() -> None:
    budget = Target("").budget_seconds
    assert visibility_timeout(budget) > workflow_ceiling(budget) > budget
    assert visibility_timeout(budget, configured=3.0) == 3.0
    assert lease_seconds(3.0) == 1.0 and lease_seconds(visibility_timeout(budget)) == 30.0
