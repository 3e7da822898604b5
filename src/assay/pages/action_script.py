# ruff: noqa: E501
"""The JavaScript behind the action-safety checks: each form's facts, and the overlays on a page."""

from __future__ import annotations

FORM_FACTS = r"""
(submitSelector) => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const attrsOf = (el) => ['name', 'id', 'class', 'role', 'aria-label', 'title', 'value']
    .map((a) => clean(el.getAttribute(a))).filter((v) => v);
  const url = (href) => { try { return new URL(href || '', document.baseURI).href; } catch (e) { return ''; } };
  const textLike = ['', 'text', 'email', 'url', 'tel', 'search'];
  return Array.from(document.querySelectorAll('form')).map((f) => {
    const inputs = Array.from(f.querySelectorAll('input,select,textarea'));
    const typeOf = (i) => (i.getAttribute('type') || '').toLowerCase();
    const hidden = inputs.filter((i) => typeOf(i) === 'hidden');
    const override = hidden.find((i) => /^(_method|method|_http_method|x-http-method-override)$/i.test(i.name || ''));
    const submit = f.querySelector(submitSelector);
    const prefilled = inputs.filter((i) => (i.tagName === 'TEXTAREA' || (i.tagName === 'INPUT' && textLike.includes(typeOf(i))))
      && clean(i.value) !== '').map((i) => i.name || i.id || i.tagName.toLowerCase());
    const choices = inputs.filter((i) => i.tagName === 'SELECT' && i.options.length)
      .map((s) => clean((s.options[s.options.length > 1 ? 1 : 0] || {}).text));
    return {
      action: url(f.getAttribute('action')), method: (f.getAttribute('method') || 'get').toLowerCase(),
      override: override ? clean(override.value).toUpperCase() : '', attrs: attrsOf(f),
      submit: submit ? {text: clean(submit.innerText || submit.value || ''), attrs: attrsOf(submit),
        target: submit.hasAttribute('formaction') ? url(submit.getAttribute('formaction')) : ''} : null,
      hidden: hidden.map((i) => i.name || '').filter((n) => n), prefilled, choices,
      passwords: inputs.filter((i) => typeOf(i) === 'password').length,
    };
  });
}
"""

# Marks the controls to click (or layers to hide) with data-assay-overlay; returns what it found.
OVERLAYS = r"""
([target, accept, close, wary]) => {
  const norm = (s) => (s || '').toLowerCase().replace(/[\s!.,:;]+/g, ' ').trim();
  const seen = (el) => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  const layerOf = (el) => { let layer = null;
    for (let e = el; e && e !== document.body && e !== document.documentElement; e = e.parentElement) {
      const pos = getComputedStyle(e).position;
      if (pos === 'fixed' || pos === 'sticky' || e.matches('dialog,[role=dialog],[role=alertdialog],[aria-modal=true]')) layer = e;
    }
    return layer; };
  const named = /cookie|consent|gdpr|modal|overlay|popup|pop-up|disclaimer|interstitial|lightbox/i;
  const layers = new Set();
  if (target) {
    target.scrollIntoView({block: 'center', inline: 'center'});
    const r = target.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const big = (e) => { const b = e.getBoundingClientRect(); return b.width * b.height > innerWidth * innerHeight / 4; };
    // What covers the target may be a child of the layer (its text): the layer is the outermost
    // ancestor of it that does not hold the target too, when that one is big.
    let cover = top;
    while (cover && cover.parentElement && cover.parentElement !== document.body && !cover.parentElement.contains(target)) cover = cover.parentElement;
    if (top && top !== target && !target.contains(top) && !top.contains(target)) {
      const layer = layerOf(top) || (big(cover) ? cover : null); if (layer) layers.add(layer); }
  } else {
    const area = innerWidth * innerHeight;
    for (const e of document.querySelectorAll('dialog[open],[role=dialog],[role=alertdialog],[aria-modal=true],body *')) {
      if (!seen(e)) continue;
      const st = getComputedStyle(e); const r = e.getBoundingClientRect();
      const dialog = e.matches('dialog[open],[role=dialog],[role=alertdialog],[aria-modal=true]');
      const fixed = st.position === 'fixed' || st.position === 'sticky';
      if (dialog || (fixed && (r.width * r.height > area / 4 || named.test(e.id + ' ' + e.className)))) layers.add(layerOf(e) || e);
      if (layers.size >= 5) break;
    }
  }
  const found = [];
  let n = 0;
  for (const layer of layers) {
    if (!layer || layer === document.body) continue;
    const text = layer.innerText || '';
    const words = wary.some((w) => norm(text).includes(w)) ? close : [...accept, ...close];
    // Links only when they lead nowhere: dismissing must never navigate.
    const controls = Array.from(layer.querySelectorAll('button,[role=button],input[type=button],input[type=submit],a:not([href]),a[href^="#"],a[href^="javascript:"]')).filter(seen);
    const label = (c) => norm(c.innerText || c.value || c.getAttribute('aria-label') || c.getAttribute('title'));
    const pick = words.map((w) => controls.find((c) => { const l = label(c); return l === w || (l.startsWith(w + ' ') && l.length <= 30)
      || (w === 'close' && /close|dismiss/i.test((c.getAttribute('aria-label') || '') + ' ' + c.className)); })).find((c) => c);
    const id = 'o' + (n++);
    if (pick) { pick.setAttribute('data-assay-overlay', id); found.push({id, kind: 'click', label: label(pick)}); }
    else { layer.setAttribute('data-assay-overlay', id); found.push({id, kind: 'layer', label: norm(text).slice(0, 40)}); }
  }
  return found;
}
"""
