"""Logging out of a shared tablet: synchronised drafts leave the browser, an unsent one is never lost silently."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_out
from tests.browser.test_offline_form import _open_planned_inclusion

pytestmark = pytest.mark.browser
DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('rehab-draft-'))"


def test_logout_clears_synced_drafts_and_asks_before_leaving_an_unsent_one(page):
    _open_planned_inclusion(page)
    page.fill("#f-notes", "Brouillon synchronisé avant la déconnexion")
    page.wait_for_selector("[data-sync-status]:text('Brouillon synchronisé')")
    assert len(page.evaluate(DRAFTS)) == 1

    log_out(page)
    page.wait_for_selector("#username")
    assert page.evaluate(DRAFTS) == []

    _open_planned_inclusion(page)
    page.route("**/brouillon", lambda route: route.abort())  # the server is out of reach for this draft
    page.fill("#f-notes", "Saisie jamais arrivée au serveur")
    page.wait_for_selector("[data-sync-status]:text('injoignable')")
    messages: list[str] = []

    def refuse(dialog) -> None:  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    log_out(page)
    page.wait_for_timeout(300)
    assert "n'ont pas encore atteint le serveur" in messages[0]
    assert page.is_visible(".usermenu summary") and "/connexion" not in page.url  # still logged in, draft kept
    assert len(page.evaluate(DRAFTS)) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    log_out(page)
    page.wait_for_selector("#username")
    assert len(page.evaluate(DRAFTS)) == 1  # logged out anyway: the only copy stays until it can be sent
