"""report.html's style, its one script, and the Content-Security-Policy that lets only that script run.

The script is ours and inline: it shows the filter bar and the copy buttons (both ``hidden`` in the
markup, so a page read with scripts off shows everything and no dead control) and filters the
findings and scenarios. The policy names it by its SHA-256, so no other script, injected or not,
can run, and ``default-src 'none'`` keeps the page from loading anything at all.
"""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:#fff}
header.top{background:#24292f;color:#fff;padding:1.2rem 2rem}header.top h1{margin:0 0 .4rem;font-size:1.5rem}
header.top dl{display:flex;flex-wrap:wrap;gap:.2rem 1.5rem;margin:0;font-size:.9rem}
header.top dt{opacity:.7}header.top dd{margin:0 0 0 .3rem}header.top div{display:flex}
nav.toc{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);
padding:.4rem 2rem}
nav.toc a{margin-right:1rem;color:#0969da;text-decoration:none;font-size:.9rem}
main{max-width:86rem;margin:0 auto;padding:0 2rem 3rem}
h2{border-bottom:1px solid var(--line);padding-bottom:.3rem;margin-top:2.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--soft)}td.num,th.num{text-align:right}
pre{white-space:pre-wrap;word-break:break-all;background:var(--soft);border:1px solid var(--line);
padding:.5rem;margin:.3rem 0;font-size:12.5px;max-height:26rem;overflow:auto}
code{background:var(--soft);padding:0 .2rem}
.badge{display:inline-block;border-radius:1rem;padding:0 .6rem;font-size:.8rem;font-weight:600}
.critical{color:#fff;background:#8b0000}.high{color:#fff;background:#c0392b}
.medium{background:#f39c12}.low{background:#f7dc6f}.info{background:#d6eaf8}
.passed{color:var(--ok)}.failed,.error{color:var(--bad)}.blocked,.skipped,.not-run{color:var(--warn)}
.verdict{border-radius:.5rem;padding:.8rem 1rem;margin:1rem 0;font-size:1.05rem;border-left:.4rem solid}
.verdict.fail{background:#ffebe9;border-color:var(--bad)}.verdict.pass{background:#dafbe1;border-color:var(--ok)}
.verdict.inconclusive{background:#fff8c5;border-color:var(--warn)}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(10rem,1fr));gap:.8rem;margin:1rem 0}
.tile{border:1px solid var(--line);border-radius:.5rem;padding:.6rem .8rem}
.tile strong{display:block;font-size:1.6rem;line-height:1.2}.tile span{color:var(--muted);font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(26rem,1fr));gap:1rem}
figure{margin:0;border:1px solid var(--line);border-radius:.5rem;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.3rem}figure svg{width:100%;height:auto;display:block}
figure p{color:var(--muted);font-size:.85rem;margin:.3rem 0 0}
#filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:end;background:var(--soft);
border:1px solid var(--line);border-radius:.5rem;padding:.6rem .8rem;margin:1rem 0}
#filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
#filters input,#filters select{font:inherit;padding:.2rem .4rem;min-width:10rem}
#filters output{font-size:.85rem}
article.finding{border:1px solid var(--line);border-radius:.5rem;margin:1rem 0;padding:.2rem 1rem .8rem}
article.finding>h3{margin:.6rem 0 .2rem;font-size:1.05rem}
article.finding .meta{display:flex;flex-wrap:wrap;gap:.3rem 1rem;color:var(--muted);font-size:.85rem}
article.finding h4{margin:.8rem 0 .2rem;font-size:.9rem}
.shots{display:flex;flex-wrap:wrap;gap:.8rem}.shots figure{max-width:40rem}
.shots img{max-width:100%;border:1px solid var(--line)}
.curl{position:relative}.copy{font:inherit;font-size:.8rem;cursor:pointer;margin:.2rem 0}
.missing{color:var(--warn)}
[hidden]{display:none!important}
@media print{nav.toc,#filters,.copy{display:none!important}}
"""

SCRIPT = """(function () {
  "use strict";
  var d = document;
  var bar = d.getElementById("filters");
  var items = Array.prototype.slice.call(d.querySelectorAll("[data-filter]"));
  var fields = ["severity", "category", "status"];
  function shown(el, text) {
    if (text && el.textContent.toLowerCase().indexOf(text) < 0) { return false; }
    for (var i = 0; i < fields.length; i++) {
      var want = d.getElementById("f-" + fields[i]).value;
      var has = el.getAttribute("data-" + fields[i]);
      if (want && has !== null && has !== want) { return false; }
    }
    return true;
  }
  function apply() {
    var text = d.getElementById("f-text").value.trim().toLowerCase();
    var counts = {};
    items.forEach(function (el) {
      var kind = el.getAttribute("data-filter");
      var c = counts[kind] || (counts[kind] = [0, 0]);
      var keep = shown(el, text);
      el.hidden = !keep;
      c[1] += 1;
      if (keep) { c[0] += 1; }
    });
    d.getElementById("f-count").textContent = Object.keys(counts).map(function (k) {
      return counts[k][0] + " of " + counts[k][1] + " " + k;
    }).join(", ") + " shown";
  }
  if (bar) {
    bar.hidden = false;
    bar.addEventListener("input", apply);
    bar.addEventListener("change", apply);
    apply();
  }
  Array.prototype.forEach.call(d.querySelectorAll("button.copy"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = d.getElementById(button.getAttribute("data-copy"));
      var text = source ? source.textContent : "";
      function done(word) {
        button.textContent = word;
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      }
      function select() {
        var range = d.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done(d.execCommand && d.execCommand("copy") ? "Copied" : "Selected: press Ctrl+C");
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); }, select);
      } else {
        select();
      }
    });
  });
})();
"""

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
# Nothing loads from anywhere: images only as data: URIs (screenshots), styles inline, one script.
CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{SCRIPT_HASH}'; "
    "form-action 'none'; base-uri 'none'"
)
