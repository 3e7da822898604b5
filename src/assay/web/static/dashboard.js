// Follows a running workflow's SSE stream (/api/v2/workflows/{id}/stream) and updates the page;
// when the workflow ends the page reloads, so its findings and links are rendered by the server.
(function () {
  "use strict";
  const section = document.getElementById("workflow");
  if (!section) return;
  if (section.dataset.finished === "true") return;
  const statusBadge = document.getElementById("status");
  const source = new EventSource("/api/v2/workflows/" + section.dataset.id + "/stream");

  function agentRow(data) {
    return data && data.agent ? document.getElementById("agent-" + data.agent) : null;
  }
  function setAgent(data, status, progress, message) {
    const row = agentRow(data);
    if (!row) return;
    row.querySelector(".agent-status").textContent = status;
    if (progress !== null) row.querySelector("progress").value = progress;
    if (message !== null) row.querySelector(".agent-message").textContent = message;
  }
  function on(name, handler) {
    source.addEventListener(name, function (event) { handler(JSON.parse(event.data)); });
  }
  on("agent_started", function (d) { setAgent(d, "running", 0, "started"); setStatus("running"); });
  on("agent_progress", function (d) { setAgent(d, "running", d.progress, d.message || ""); });
  on("agent_completed", function (d) {
    const counts = ["elements_found", "scenarios_generated", "scenarios_executed", "tests_generated"]
      .filter(function (k) { return d[k] !== null && d[k] !== undefined; })
      .map(function (k) { return k.replace(/_/g, " ") + ": " + d[k]; });
    setAgent(d, "completed", 1, counts.join(", "));
  });
  function setStatus(status) {
    statusBadge.textContent = status;
    statusBadge.className = "status " + status;
  }
  function finish(status) {
    return function (d) {
      source.close();
      setStatus(status);
      if (d.error) { const e = document.getElementById("error"); e.textContent = d.error; e.hidden = false; }
      setTimeout(function () { window.location.reload(); }, 300);
    };
  }
  on("workflow_completed", finish("completed"));
  on("workflow_failed", finish("failed"));
  on("workflow_cancelled", finish("cancelled"));
})();
