// The dashboard's one script (served from /static; pages work without it).
// - A running workflow's page follows its SSE stream (/api/v2/workflows/{id}/stream): stage
//   status, progress, messages, the scenarios executed and an event log update in place; when the
//   workflow ends the page reloads once, so its findings and links are rendered by the server.
// - Tables with a filter box ([data-filter=ID]) hide rows that do not contain the typed text.
// - A [data-copy=ID] button copies that element's text (the finding's curl line).
(function () {
  "use strict";

  function follow(section) {
    const statusBadge = document.getElementById("status");
    const events = document.getElementById("events");
    const executed = document.getElementById("executed");
    const total = document.getElementById("total-progress");
    const counts = {};
    let ran = 0;
    const source = new EventSource("/api/v2/workflows/" + section.dataset.id + "/stream");

    function log(text) {
      if (!events) return;
      const item = document.createElement("li");
      item.textContent = new Date().toLocaleTimeString() + " " + text;
      events.appendChild(item);
      events.scrollTop = events.scrollHeight;
    }
    function setStatus(status) {
      statusBadge.textContent = status;
      statusBadge.className = "status " + status;
    }
    function setTotal() {
      const bars = document.querySelectorAll("#agents progress");
      let sum = 0;
      bars.forEach(function (bar) { sum += Number(bar.value); });
      if (bars.length) total.value = sum / bars.length;
    }
    function setAgent(data, status, progress, message) {
      const row = data && data.agent ? document.getElementById("agent-" + data.agent) : null;
      if (!row) return;
      row.querySelector(".agent-status").textContent = status;
      if (progress !== null) row.querySelector("progress").value = progress;
      if (message !== null) row.querySelector(".agent-message").textContent = message;
      setTotal();
    }
    function on(name, handler) {
      source.addEventListener(name, function (event) { handler(JSON.parse(event.data)); });
    }
    on("agent_started", function (d) {
      setAgent(d, "running", 0, "started");
      setStatus("running");
      log(d.agent + " started");
    });
    on("agent_progress", function (d) { setAgent(d, "running", d.progress, d.message || ""); });
    on("scenario_executed", function (d) {
      ran += 1;
      counts[d.status] = (counts[d.status] || 0) + 1;
      const parts = Object.keys(counts).map(function (k) { return counts[k] + " " + k; });
      executed.textContent = "Scenarios executed: " + ran + " (" + parts.join(", ") + ")";
    });
    on("agent_completed", function (d) {
      const found = ["elements_found", "scenarios_generated", "scenarios_executed", "tests_generated"]
        .filter(function (k) { return d[k] !== null && d[k] !== undefined; })
        .map(function (k) { return k.replace(/_/g, " ") + ": " + d[k]; });
      setAgent(d, "completed", 1, found.join(", "));
      log(d.agent + " completed" + (found.length ? " (" + found.join(", ") + ")" : ""));
    });
    function finish(status) {
      return function (d) {
        source.close();
        setStatus(status);
        log("workflow " + status + (d.error ? ": " + d.error : ""));
        if (d.error) { const e = document.getElementById("error"); e.textContent = d.error; e.hidden = false; }
        setTimeout(function () { window.location.reload(); }, 300);
      };
    }
    on("workflow_completed", finish("completed"));
    on("workflow_failed", finish("failed"));
    on("workflow_cancelled", finish("cancelled"));
  }

  function filters() {
    document.querySelectorAll("input[data-filter]").forEach(function (input) {
      const table = document.getElementById(input.dataset.filter);
      if (!table) return;
      input.addEventListener("input", function () {
        const wanted = input.value.trim().toLowerCase();
        table.querySelectorAll("tbody tr").forEach(function (row) {
          row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) < 0;
        });
      });
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        const text = document.getElementById(button.dataset.copy).textContent;
        const said = document.querySelector("[data-copied='" + button.dataset.copy + "']");
        const done = function () { if (said) said.textContent = "Copied."; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done);
        } else {  // plain http on another host: select the text so Ctrl+C copies it
          const range = document.createRange();
          range.selectNodeContents(document.getElementById(button.dataset.copy));
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (said) said.textContent = "Selected: press Ctrl+C to copy.";
        }
      });
    });
  }

  const section = document.getElementById("workflow");
  if (section && section.dataset.finished !== "true") follow(section);
  filters();
  copyButtons();
})();
