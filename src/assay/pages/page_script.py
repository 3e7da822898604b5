# ruff: noqa: E501
"""The JavaScript the observer evaluates in a page: elements, structure and messages as JSON.

Accessible names and roles are approximated here (enough to propose locators); every proposed
locator is then checked against Playwright's own role engine before it is kept.
"""

from __future__ import annotations

COLLECT = r"""
(maxElements) => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const visible = (el) => {
    const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none';
  };
  const byId = (id) => id ? document.getElementById(id) : null;
  // A label's name includes the alt text of its images (Django's search box: <label><img alt="Search">).
  const labelText = (l) => clean(l.innerText + ' ' + Array.from(l.querySelectorAll('img[alt]')).map((i) => i.getAttribute('alt')).join(' '));
  const labelOf = (el) => {
    if (el.id) { const l = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
      if (l) return labelText(l); }
    const w = el.closest('label'); if (w) return labelText(w);
    return '';
  };
  const roleOf = (el) => {
    const explicit = el.getAttribute('role'); if (explicit) return explicit.split(' ')[0];
    const tag = el.tagName.toLowerCase(); const t = (el.getAttribute('type') || 'text').toLowerCase();
    if (tag === 'a') return el.hasAttribute('href') ? 'link' : '';
    if (tag === 'button') return 'button';
    if (tag === 'select') return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
    if (tag === 'textarea') return 'textbox';
    if (tag === 'img') return 'img';
    if (tag !== 'input') return '';
    if (['submit', 'button', 'reset', 'image'].includes(t)) return 'button';
    if (t === 'checkbox' || t === 'radio') return t;
    if (t === 'number') return 'spinbutton';
    if (t === 'range') return 'slider';
    if (t === 'search') return 'searchbox';
    if (t === 'hidden' || t === 'password' || t === 'file') return '';
    return 'textbox';
  };
  const nameOf = (el) => {
    const lb = el.getAttribute('aria-labelledby');
    if (lb) { const n = clean(lb.split(' ').map((i) => (byId(i) || {}).innerText || '').join(' '));
      if (n) return n; }
    const aria = clean(el.getAttribute('aria-label')); if (aria) return aria;
    const tag = el.tagName.toLowerCase(); const t = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'img') return clean(el.getAttribute('alt'));
    if (tag === 'input' && ['submit', 'button', 'reset'].includes(t))
      return clean(el.value) || (t === 'submit' ? 'Submit' : t === 'reset' ? 'Reset' : '');
    if (tag === 'input' && t === 'image') return clean(el.getAttribute('alt'));
    if (['input', 'select', 'textarea'].includes(tag)) {
      const l = labelOf(el); if (l) return l;
      return clean(el.getAttribute('title')) || clean(el.getAttribute('placeholder'));
    }
    const imgs = Array.from(el.querySelectorAll('img[alt]')).map((i) => i.getAttribute('alt')).join(' ');
    // innerText is what CSS shows ("CREATE" for text-transform: uppercase); the accessible name,
    // which role locators match, is the text as written ("Create").
    const own = getComputedStyle(el).textTransform !== 'none' ? el.textContent : el.innerText;
    return clean(own + ' ' + imgs) || clean(el.getAttribute('title'));
  };
  const cssPath = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && e !== document.body; e = e.parentElement) {
      if (e.id) { parts.unshift('#' + CSS.escape(e.id)); break; }
      let i = 1; for (let s = e.previousElementSibling; s; s = s.previousElementSibling)
        if (s.tagName === e.tagName) i++;
      parts.unshift(e.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
    }
    return parts.join(' > ');
  };
  const textNear = (el, dir) => {
    for (let s = el[dir]; s; s = s[dir]) { const t = clean(s.innerText || ''); if (t) return t.slice(0, 80); }
    return '';
  };
  const headingOf = (el) => {
    const hs = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'));
    let found = '';
    for (const h of hs) if (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) found = clean(h.innerText);
    return found;
  };
  const sel = 'a[href],button,input,select,textarea,[role=button],[role=link],[role=checkbox],[role=tab],[role=menuitem],[onclick]';
  // How many visible controls share each role and name: a role locator that is unique here and
  // whose name is plain (aria-label, or a link's or button's own text) needs no second check.
  const roleCount = {};
  const all = Array.from(document.querySelectorAll(sel)).filter((el) => (el.getAttribute('type') || '').toLowerCase() !== 'hidden' && visible(el));
  for (const el of all) { const k = roleOf(el) + '\u0000' + nameOf(el); roleCount[k] = (roleCount[k] || 0) + 1; }
  const plainName = (el, name) => !el.hasAttribute('aria-labelledby') && name.length > 0 && name.length < 190
    && (name === clean(el.getAttribute('aria-label')) || (['a', 'button'].includes(el.tagName.toLowerCase())
        && !el.hasAttribute('aria-label') && !el.querySelector('img[alt]') && name === clean(el.innerText)));
  const elements = [];
  for (const el of all) {
    if (elements.length >= maxElements) break;
    const t = (el.getAttribute('type') || '').toLowerCase();
    if (t === 'hidden' || !visible(el)) continue;
    const form = el.closest('form');
    const attrs = {};
    for (const a of ['id', 'name', 'class', 'href', 'type', 'data-testid', 'placeholder', 'value', 'action'])
      if (el.hasAttribute(a) && !(a === 'value' && t === 'password')) attrs[a] = clean(el.getAttribute(a));
    const constraints = {};
    for (const a of ['minlength', 'maxlength', 'min', 'max', 'pattern', 'step'])
      if (el.hasAttribute(a)) constraints[a] = el.getAttribute(a);
    elements.push({
      tag: el.tagName.toLowerCase(), role: roleOf(el), name: nameOf(el), type: t,
      required: el.required === true || el.getAttribute('aria-required') === 'true',
      constraints, label: labelOf(el), testid: el.getAttribute('data-testid') || '',
      placeholder: el.getAttribute('placeholder') || '', text: clean(el.innerText), attrs,
      css: cssPath(el), form: form ? (form.id || form.getAttribute('action') || 'form') : '',
      before: textNear(el, 'previousElementSibling'), after: textNear(el, 'nextElementSibling'),
      heading: headingOf(el),
      plainUniqueRole: roleCount[roleOf(el) + '\u0000' + nameOf(el)] === 1 && plainName(el, nameOf(el)),
    });
  }
  const unnamed = elements.filter((e) => e.role && e.role !== 'img' && !e.name)
    .map((e) => e.tag + (e.attrs.name ? '[name=' + e.attrs.name + ']' : e.attrs.id ? '#' + e.attrs.id : ''));
  const noAlt = Array.from(document.querySelectorAll('img:not([alt])')).map((i) => i.getAttribute('src') || '');
  const landmarkSel = 'header,nav,main,footer,aside,[role=banner],[role=navigation],[role=main],[role=contentinfo],[role=complementary],[role=search],[role=region]';
  const implicit = {header: 'banner', nav: 'navigation', main: 'main', footer: 'contentinfo', aside: 'complementary'};
  const landmarks = Array.from(document.querySelectorAll(landmarkSel)).map((l) => ({
    role: l.getAttribute('role') || implicit[l.tagName.toLowerCase()], name: clean(l.getAttribute('aria-label')) }));
  const headings = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
    .map((h) => ({level: Number(h.tagName[1]), text: clean(h.innerText)}));
  const forms = Array.from(document.querySelectorAll('form')).map((f) => ({
    id: f.id || '', action: f.getAttribute('action') || '', method: (f.getAttribute('method') || 'get').toLowerCase(),
    fields: Array.from(f.querySelectorAll('input,select,textarea'))
      .filter((i) => (i.getAttribute('type') || '') !== 'hidden' && !['submit', 'button', 'reset'].includes(i.getAttribute('type') || ''))
      .map((i) => ({name: i.getAttribute('name') || '', label: nameOf(i), type: (i.getAttribute('type') || i.tagName.toLowerCase()),
        required: i.required === true })),
    submit: clean((f.querySelector('button[type=submit],button:not([type]),input[type=submit]') || {}).innerText
      || (f.querySelector('input[type=submit]') || {}).value || ''),
  }));
  const nav = Array.from(document.querySelectorAll('nav a[href],[role=navigation] a[href]'))
    .map((a) => ({text: clean(a.innerText), href: a.href}));
  const links = Array.from(document.querySelectorAll('a[href]')).map((a) => ({text: clean(a.innerText), href: a.href}));
  return {elements, unnamed, noAlt, structure: {landmarks, headings, forms, nav}, links,
    text: (document.body ? document.body.innerText : '').slice(0, 20000)};
}
"""

MESSAGES = r"""
() => Array.from(document.querySelectorAll(
  '[role=alert],[role=status],[aria-live],.error,.errors,.alert,.flash,.message,.notice,.invalid-feedback,.errorlist'))
  .map((e) => (e.innerText || '').replace(/\s+/g, ' ').trim()).filter((t) => t)
"""

VISIBLE_TEXT = "() => document.body ? document.body.innerText.slice(0, 20000) : ''"

# A digest of the page's markup: tells "nothing happened" from a change the visible text misses
# (a sidebar collapsed, a class toggled). The whole document, not only the body: a theme switch
# marks <html> ("Toggle dark mode" sets data-theme there). Typed values are properties, not markup,
# so they do not count.
DOM_DIGEST = r"""
() => { const s = document.documentElement ? document.documentElement.outerHTML : ''; let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0; return h + ':' + s.length; }
"""

# A field shown as refused, feedback even with no text: marked aria-invalid by the page's script
# (a red outline), or a typed value the browser's own validation refused (its bubble on submit).
# An empty required field of another form is not "refused": nobody typed into it.
FIELD_REFUSED = r"""
() => !!document.querySelector('[aria-invalid=true i]') || Array.from(document.querySelectorAll('input, select, textarea'))
  .some((e) => e.willValidate && !(e.form && e.form.noValidate) && !e.validity.valid && !e.validity.valueMissing)
"""

# The fields in an error state under ``root`` (a form; the whole page when null): marked
# aria-invalid by the app's script, or (within a form that validates natively) refused by the
# browser's own validation, which shows ``validationMessage`` in a bubble no text diff sees.
FIELD_ERRORS = r"""
(root) => Array.from((root || document).querySelectorAll('input, select, textarea')).flatMap((e) => {
  const name = e.name || e.id || e.type || e.tagName.toLowerCase(); const out = [];
  if ((e.getAttribute('aria-invalid') || '').toLowerCase() === 'true') out.push({name, kind: 'aria', message: ''});
  const native = root && e.willValidate && !(e.form && e.form.noValidate);
  if (native && !e.validity.valid && e.validationMessage) out.push({name, kind: 'native', message: e.validationMessage});
  return out;
})
"""
