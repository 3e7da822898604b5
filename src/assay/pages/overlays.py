"""Dismiss what covers a page (cookie banners, disclaimers, modals) before assay clicks or types.

An overlay is a dialog (``role=dialog``, ``aria-modal``, an open ``<dialog>``), a fixed or sticky
layer covering much of the viewport or named like a banner/consent/modal, or whatever sits on top
of the element assay is about to use. Inside it assay clicks an "Accept"/"I agree"/"Got it"/"OK"/
"Continue" control, else a close control ("×", "Close", aria-label close), else presses Escape,
and as a last resort hides the layer from view (client side only). A layer whose text names
deleting or resetting gets only its close control: assay never confirms what it did not ask for.
"""

from __future__ import annotations

import contextlib

from playwright.async_api import Locator, Page

from assay.domain.danger import is_dangerous
from assay.pages.action_script import OVERLAYS

ACCEPT = (
    "accept", "accept all", "accept cookies", "allow", "allow all", "agree", "i agree", "got it",
    "ok", "okay", "continue", "understood", "i understand", "yes", "dismiss",
    "accepter", "tout accepter", "j'accepte", "d'accord", "continuer", "compris", "j'ai compris",
    "aceptar", "acepto", "aceptar todo", "continuar", "entendido", "de acuerdo",
    "aceitar", "aceito", "concordo", "entendi", "accetta", "accetto", "accetta tutto", "continua",
    "ho capito", "akzeptieren", "alle akzeptieren", "zustimmen", "einverstanden", "weiter",
    "verstanden", "accepteren", "akkoord", "doorgaan", "begrepen", "принять", "согласен",
    "продолжить", "понятно", "akceptuję", "zgadzam się", "kontynuuj", "rozumiem", "kabul et",
    "kabul ediyorum", "devam", "anladım", "接受", "同意", "继续", "繼續", "知道了", "确定", "確定",
    "同意する", "続行", "了解", "동의", "수락", "계속", "확인",
)  # fmt: skip
CLOSE = (
    "close", "×", "✕", "✖", "x", "no thanks", "not now", "later", "fermer", "cerrar", "fechar",
    "chiudi", "schließen", "schliessen", "sluiten", "закрыть", "zamknij", "kapat", "关闭", "關閉",
    "閉じる", "닫기",
)  # fmt: skip

_HIDE = "(el) => { el.style.setProperty('display', 'none', 'important'); }"
_WARY = ("delete", "remove", "reset", "supprimer", "löschen", "eliminar", "are you sure")


async def dismiss_overlays(page: Page, target: Locator | None = None) -> list[str]:
    """Dismiss what covers ``target`` (or, without one, any dialog or banner layer on the page).

    Returns what was done, one short phrase each (empty when nothing covered the page); never
    raises: a page that navigates mid-dismissal simply has nothing left to dismiss.
    """
    done: list[str] = []
    with contextlib.suppress(Exception):
        handle = await target.element_handle(timeout=1000) if target is not None else None
        for found in await page.evaluate(OVERLAYS, [handle, list(ACCEPT), list(CLOSE), list(_WARY)]):
            done.append(await _dismiss(page, str(found["id"]), str(found["kind"]), str(found["label"])))
    return done


async def _dismiss(page: Page, mark: str, kind: str, label: str) -> str:
    element = page.locator(f'[data-assay-overlay="{mark}"]').first
    if kind == "click" and is_dangerous(label):  # "Close account", "Continue and delete"
        return f"left an overlay alone: its control is named {label!r}"
    if kind == "click":
        try:
            await element.click(timeout=1500, force=True)
        except Exception:  # covered by yet another layer: a DOM click still reaches its handler
            await element.evaluate("(el) => el.click()")
        await _settle(page)
        return f"clicked {label!r} on an overlay"
    await page.keyboard.press("Escape")
    await _settle(page)
    if await element.count() and await element.is_visible():
        await element.evaluate(_HIDE)
        return "hid an overlay that had no close control"
    return "closed an overlay with Escape"


async def _settle(page: Page) -> None:
    with contextlib.suppress(Exception):
        await page.wait_for_load_state("load", timeout=2000)
    await page.wait_for_timeout(100)


async def click_through(target: Locator, timeout_ms: int = 5000) -> None:
    """Click ``target``, first dismissing whatever covers it; a click an overlay still intercepts
    is retried once after dismissing again."""
    page = target.page
    await dismiss_overlays(page, target)
    try:
        await target.click(timeout=timeout_ms)
    except Exception as exc:
        if "intercepts pointer events" not in str(exc) or not await dismiss_overlays(page, target):
            raise
        await target.click(timeout=timeout_ms)
