# ruff: noqa: E501
"""Finding the sign-in (or registration) form among the forms a live page shows.

The page script marks each visible form with ``data-assay-auth`` and reads what
:func:`assay.domain.auth_forms.form_purpose` judges it by (no value is read: a field's label,
name and autocomplete hint only). Password fields outside any ``<form>`` (a script submits them)
are read as one form, the page's body.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.async_api import Locator, Page

from assay.domain.auth_forms import AuthFormFacts, FormPurpose, form_purpose
from assay.domain.json import Json, as_list, as_object, as_str

AUTH_FORMS = r"""
() => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim().slice(0, 120);
  const seen = (el) => { const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  const typeOf = (i) => (i.getAttribute('type') || (i.tagName === 'INPUT' ? 'text' : i.tagName)).toLowerCase();
  const auto = (i) => (i.getAttribute('autocomplete') || '').toLowerCase();
  const describe = (i) => clean([...(i.labels ? Array.from(i.labels).map((l) => l.innerText) : []),
    i.getAttribute('aria-label'), i.name, i.id, i.getAttribute('placeholder'), auto(i)].filter((v) => v).join(' '));
  const headingOf = (el) => {
    const own = el.querySelector('h1,h2,h3,h4,h5,legend');
    if (own && clean(own.innerText)) return clean(own.innerText);
    for (let node = el, up = 0; node && node !== document.body && up < 4; node = node.parentElement, up++) {
      for (let p = node.previousElementSibling; p; p = p.previousElementSibling) {
        if (p.matches('h1,h2,h3,h4,h5')) return clean(p.innerText);
        const inner = p.querySelectorAll('h1,h2,h3,h4,h5');
        if (inner.length) return clean(inner[inner.length - 1].innerText);
      }
      const label = node.getAttribute && (node.getAttribute('aria-label') || '');
      if (label && node !== el) return clean(label);
    }
    return ''; };
  const read = (box, inputs, mark) => {
    const shown = inputs.filter((i) => seen(i) && typeOf(i) !== 'hidden');
    const passwords = shown.filter((i) => typeOf(i) === 'password');
    const email = (i) => typeOf(i) === 'email' || /e-?mail/i.test((i.name || '') + ' ' + auto(i));
    const texty = shown.filter((i) => ['text', 'email', 'tel', 'textarea'].includes(typeOf(i)));
    const submit = box.querySelector('button[type=submit], button:not([type]), input[type=submit], [role=button]');
    box.setAttribute('data-assay-auth', mark);
    return {
      mark, passwords: passwords.length,
      current: passwords.filter((i) => auto(i).includes('current-password')).length,
      fresh: passwords.filter((i) => auto(i).includes('new-password')).length,
      emails: texty.filter(email).length, texts: texty.filter((i) => !email(i)).length,
      fields: shown.filter((i) => !['checkbox', 'radio', 'submit', 'button'].includes(typeOf(i))).map(describe),
      checks: shown.filter((i) => typeOf(i) === 'checkbox').map((i) => clean(describe(i) + ' ' + ((i.closest('label') || {}).innerText || ''))),
      button: submit ? clean(submit.innerText || submit.value || submit.getAttribute('aria-label')) : '',
      heading: headingOf(box),
      attrs: clean(['id', 'class', 'name', 'aria-label'].map((a) => box.getAttribute(a) || '').join(' ')
        + ' ' + (box.tagName === 'FORM' ? new URL(box.getAttribute('action') || '', document.baseURI).pathname : '')),
    }; };
  const found = [];
  Array.from(document.querySelectorAll('form')).forEach((f, i) => {
    const inputs = Array.from(f.querySelectorAll('input,select,textarea'));
    if (seen(f) && inputs.some(seen)) found.push(read(f, inputs, 'f' + i));
  });
  const loose = Array.from(document.querySelectorAll('input')).filter((i) => !i.form && !i.closest('form'));
  if (loose.some((i) => typeOf(i) === 'password' && seen(i))) found.push(read(document.body, loose, 'body'));
  return found;
}
"""


@dataclass(frozen=True)
class AuthForm:
    """One visible form on the page, what it is for, and where it is."""

    mark: str
    purpose: FormPurpose
    facts: AuthFormFacts

    def locator(self, page: Page) -> Locator:
        return page.locator(f'[data-assay-auth="{self.mark}"]').first


async def auth_forms(page: Page) -> list[AuthForm]:
    """Every visible form on ``page`` with its purpose, in document order ([] mid-navigation)."""
    try:
        raw = as_list(await page.evaluate(AUTH_FORMS))
    except Exception:  # the page navigated mid-read: nothing to judge yet
        return []
    forms = []
    for item in raw:
        found = as_object(item)
        facts = AuthFormFacts(
            passwords=_int(found.get("passwords")),
            current=_int(found.get("current")),
            fresh=_int(found.get("fresh")),
            emails=_int(found.get("emails")),
            texts=_int(found.get("texts")),
            fields=tuple(as_str(f) for f in as_list(found.get("fields"))),
            checks=tuple(as_str(c) for c in as_list(found.get("checks"))),
            button=as_str(found.get("button")),
            heading=as_str(found.get("heading")),
            attrs=as_str(found.get("attrs")),
        )
        forms.append(AuthForm(as_str(found.get("mark")), form_purpose(facts), facts))
    return forms


def _int(value: Json) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


async def form_for(page: Page, purpose: FormPurpose) -> AuthForm | None:
    """The visible form on ``page`` that serves ``purpose`` (the first of several), or None."""
    return next((f for f in await auth_forms(page) if f.purpose == purpose), None)
