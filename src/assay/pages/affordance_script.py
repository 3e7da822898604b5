# ruff: noqa: E501
"""The JavaScript that reads what a page is for: its lists, counts, option groups and dialogs.

``SCAN`` finds repeated items (a list, table rows, cards), short texts that hold a count
("Cart (2)", "3 items left"), groups of buttons or tabs of which one is current (a filter bar),
the options of each select, and whether the page keeps state (local storage, "saved" wording).
``DIALOG`` describes the dialog that is open, if any. ``ITEMS`` reads the visible items a
locator matches: the steps' oracles compare what it returns before and after an action, and the
generated suite runs the same script.
"""

from __future__ import annotations

# What both scripts below use: text without extra spaces, visibility, and a unique CSS path.
_HELPERS = r"""
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const visible = (el) => {
    const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
  };
  const cssPath = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
      if (e.id && document.querySelectorAll('#' + CSS.escape(e.id)).length === 1) { parts.unshift('#' + CSS.escape(e.id)); break; }
      let i = 1; for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
      parts.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
    }
    return parts.join(' > ') || 'body';
  };
"""

# Short texts holding a whole number that is not money, a time or a date ("Cart (2)", "3 items
# left"), each with its element's CSS path: the counts a counter scenario watches.
_COUNTS_FN = (
    r"""
(() => {
"""
    + _HELPERS
    + r"""  const counts = [];
  const countish = /(^|[^\d.,:\/-])\d{1,6}([^\d.,:\/]|$)/;
  for (const el of document.querySelectorAll('body *')) {
    if (counts.length >= 60) break;
    if (['SCRIPT', 'STYLE', 'OPTION', 'SELECT', 'TEXTAREA', 'INPUT'].includes(el.tagName)) continue;
    const own = clean(Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join(' '));
    const text = clean(el.innerText);
    if (!own || text.length > 40 || !countish.test(' ' + text + ' ') || /[$€£¥₹]|\d[.,]\d/.test(text)) continue;
    if (!/\d/.test(own) && el.children.length > 0) continue;
    if (!visible(el)) continue;
    // A bare number ("<strong>3</strong> items left") is read with its parent's words.
    const parent = el.parentElement ? clean(el.parentElement.innerText) : '';
    counts.push({css: cssPath(el), text: /^\d+$/.test(text) && parent.length <= 40 ? parent : text});
  }
  return counts;
})
"""
)

COUNTS = "() => " + _COUNTS_FN.strip() + "()"

SCAN = (
    r"""
() => {
"""
    + _HELPERS
    + r"""  const stableClass = (el) => Array.from(el.classList).find((c) => /^[A-Za-z][\w-]{1,40}$/.test(c) && !/active|selected|current|done|complete|checked|open|hover|focus|editing|hidden/i.test(c)) || '';
  const sig = (el) => el.tagName + '.' + stableClass(el);
  const titleOf = (el) => {
    const t = el.querySelector('h1,h2,h3,h4,h5,h6,[class*=title i],[class*=name i],strong,b,a,label,td,th');
    const own = t ? clean(t.innerText) : '';
    return own || clean(el.innerText).split(/\n/)[0].slice(0, 120);
  };
  const headingBefore = (el) => {
    const aria = clean(el.getAttribute('aria-label')); if (aria) return aria;
    let found = '';
    for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
      if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = clean(h.innerText);
    return found.slice(0, 80);
  };
  const inChrome = (el) => !!el.closest('nav,header,footer,[role=navigation],[role=banner],[role=contentinfo],[role=menu],[role=menubar],[role=tablist],select,datalist');
  const collections = [];
  const listy = (el) => ['UL', 'OL', 'TBODY'].includes(el.tagName) || ['list', 'grid', 'table', 'rowgroup', 'feed'].includes(el.getAttribute('role') || '');
  for (const c of document.querySelectorAll('body *')) {
    if (collections.length >= 30) break;
    const kids = Array.from(c.children).filter((k) => !['SCRIPT', 'TEMPLATE', 'STYLE'].includes(k.tagName));
    if (kids.length < 2 && !listy(c)) continue;
    if (!visible(c) && !listy(c)) continue;
    const groups = {};
    for (const k of kids) (groups[sig(k)] = groups[sig(k)] || []).push(k);
    let best = [];
    for (const g of Object.values(groups)) if (g.length > best.length) best = g;
    if (kids.length >= 2 && best.length < Math.max(2, Math.ceil(kids.length * 0.6))) continue;
    const items = best.filter((k) => visible(k) && clean(k.innerText));
    const tag = (best[0] || {}).tagName || (c.tagName === 'TBODY' ? 'TR' : 'LI');
    const itemish = ['LI', 'TR', 'ARTICLE'].includes(tag) || best.some((k) => ['listitem', 'row', 'article', 'option'].includes(k.getAttribute('role') || ''))
      || best.some((k) => /card|item|row|entry|product|todo|task|note|post|result|tile|record/i.test(k.className || ''));
    if (!itemish && (items.length < 3 || !items.every((k) => k.children.length > 0))) continue;
    // A menu of links is not a list of things, unless a search filled it (the caller decides).
    const links = items.length > 0 && items.every((k) => k.querySelectorAll('a,button,input').length === 1 && k.querySelector('a') && clean(k.querySelector('a').innerText) === clean(k.innerText));
    const cls = best[0] ? stableClass(best[0]) : '';
    const itemSel = cssPath(c) + ' > ' + tag.toLowerCase() + (cls ? '.' + CSS.escape(cls) : '');
    collections.push({css: cssPath(c), items: itemSel, count: items.length, chrome: inChrome(c), links: links && (inChrome(c) || items.length < 6),
      checks: items.filter((k) => k.querySelector('input[type=checkbox],[role=checkbox]')).length,
      actions: Array.from(new Set(items.slice(0, 40).flatMap((k) => Array.from(k.querySelectorAll('button,[role=button]'))
        .map((b) => clean(b.getAttribute('aria-label') || b.innerText || b.getAttribute('title'))).filter((n) => n && n.length < 40)))).slice(0, 8),
      titles: items.slice(0, 40).map(titleOf), texts: items.slice(0, 40).map((k) => clean(k.innerText).slice(0, 300)),
      label: headingBefore(c)});
  }
  const selects = Array.from(document.querySelectorAll('select')).filter(visible).map((s) => ({
    css: cssPath(s), options: Array.from(s.options).map((o) => clean(o.text)), selected: s.selectedIndex,
    inForm: !!s.closest('form')}));
  const counts = """
    + _COUNTS_FN.strip()
    + r"""();
  const groups = [];
  const current = (el) => el.getAttribute('aria-pressed') === 'true' || el.getAttribute('aria-selected') === 'true'
    || el.hasAttribute('aria-current') || /(^|\s)(active|selected|current|is-active|is-selected)(\s|$)/i.test((el.className || '') + ' ' + ((el.parentElement || {}).className || ''));
  for (const c of document.querySelectorAll('[role=tablist],[role=radiogroup],[role=group],ul,ol,div,nav,fieldset')) {
    if (groups.length >= 10) break;
    const members = Array.from(c.querySelectorAll(':scope > button, :scope > a[href], :scope > li > a[href], :scope > li > button, :scope > [role=tab], :scope > [role=radio]')).filter(visible);
    if (members.length < 2 || members.length > 8) continue;
    const active = members.findIndex(current);
    if (active < 0) continue;
    groups.push({css: cssPath(c), tabs: c.getAttribute('role') === 'tablist', label: headingBefore(c),
      members: members.map((m) => ({css: cssPath(m), name: clean(m.getAttribute('aria-label') || m.innerText).slice(0, 60),
        href: m.getAttribute('href') || ''})), active});
  }
  let storage = [];
  try { storage = Object.keys(window.localStorage); } catch (e) { storage = []; }
  const body = document.body ? document.body.innerText : '';
  const claims = /\b(saved|stored|persist\w*|kept|remembered|auto-?saves?)\b/i.test(body);
  return {collections, selects, counts, groups, storage, claims};
}
"""
)

# What counts as a dialog: the ARIA and HTML ones, and the modals apps draw with classes only
# (``<div class="modal">``), which must hold a control to count (a "modal-backdrop" holds none).
DIALOGS = (
    "[role=dialog],[role=alertdialog],dialog[open],[aria-modal=true],"
    ".modal,.modal-content,.modal-dialog,[class*='Modal'],[class*='modal-'],[class*='dialog' i]"
)
_DIALOG_FN = r"""
(() => Array.from(document.querySelectorAll("SELECTORS")).filter((el) => {
  const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
  const shown = r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && st.opacity !== '0';
  const aria = el.matches('[role=dialog],[role=alertdialog],dialog[open],[aria-modal=true]');
  return shown && el !== document.body && el !== document.documentElement
    && (aria || !!el.querySelector('button,input,select,textarea,[role=button]'));
}))
""".replace("SELECTORS", DIALOGS)

DIALOG = (
    r"""
() => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const visible = (el) => {
    const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
  };
  // The ARIA dialog when there is one (a modal's actions bar matches "dialog" too), else the
  // outermost of the class-drawn ones.
  const all = """
    + _DIALOG_FN.strip()
    + r"""();
  const aria = all.filter((e) => e.matches('[role=dialog],[role=alertdialog],dialog[open],[aria-modal=true]'));
  const d = aria.length ? aria.pop() : all.find((e) => !all.some((o) => o !== e && o.contains(e)));
  if (!d) return null;
  const labelOf = (el) => {
    const aria = clean(el.getAttribute('aria-label')); if (aria) return aria;
    if (el.id) { const l = d.querySelector('label[for="' + CSS.escape(el.id) + '"]'); if (l) return clean(l.innerText); }
    const w = el.closest('label'); if (w) return clean(w.innerText);
    return clean(el.getAttribute('placeholder'));
  };
  const fields = Array.from(d.querySelectorAll('input,select,textarea')).filter((e) => visible(e) && !['hidden', 'submit', 'button', 'reset'].includes((e.getAttribute('type') || '').toLowerCase()))
    .map((e) => ({label: labelOf(e), tag: e.tagName.toLowerCase(), type: (e.getAttribute('type') || '').toLowerCase(), name: e.getAttribute('name') || '',
      placeholder: e.getAttribute('placeholder') || '', required: e.required === true || e.getAttribute('aria-required') === 'true' || /\*\s*$/.test(labelOf(e)),
      options: e.tagName === 'SELECT' ? Array.from(e.options).map((o) => clean(o.text)) : []}));
  const buttons = Array.from(d.querySelectorAll('button,[role=button],input[type=submit],input[type=button]')).filter(visible)
    .map((b) => ({name: clean(b.getAttribute('aria-label') || b.textContent || b.value), type: (b.getAttribute('type') || '').toLowerCase()}));
  const role = d.getAttribute('role') || (d.tagName === 'DIALOG' ? 'dialog' : '');
  const css = []; for (let e = d; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
    if (e.id) { css.unshift('#' + CSS.escape(e.id)); break; }
    let i = 1; for (let s = e.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === e.tagName) i++;
    css.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')'); }
  return {role, css: css.join(' > '), label: clean(d.getAttribute('aria-label') || ((d.querySelector('h1,h2,h3') || {}).innerText || '')), fields, buttons};
}
"""
)

DIALOG_OPEN = "() => " + _DIALOG_FN.strip() + "().length > 0"

# The visible items a locator matches, each as {title, text}: what the list oracles compare.
ITEMS = r"""
(els) => els.filter((el) => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; })
  .map((el) => { const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
    const t = el.querySelector('h1,h2,h3,h4,h5,h6,[class*=title i],[class*=name i],strong,b,a,label,td,th');
    const text = clean(el.innerText);
    return {title: (t ? clean(t.innerText) : '') || text.split(/\n/)[0].slice(0, 120), text: clean(el.textContent) || text}; })
"""

BODY_TEXT = "() => document.body ? document.body.innerText.replace(/\\s+/g, ' ').trim().slice(0, 20000) : ''"
