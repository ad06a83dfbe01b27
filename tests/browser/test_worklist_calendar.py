"""A référent's day on the tablet: « Ma journée », one tap on « Fait », then the week calendar."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

SMALL_TARGETS = """() => [...document.querySelectorAll('main a.btn, main button, main a.wl-open, .mainnav a')]
    .filter(e => e.offsetParent !== null)
    .map(e => [e.textContent.trim().slice(0, 40), e.getBoundingClientRect().height])
    .filter(([, h]) => h < 44)"""


def test_referent_works_his_day_then_opens_his_week(page, tmp_path):
    log_in(page, "referent1")
    page.click(".mainnav >> text=Ma journée")
    page.wait_for_url("**/ma-journee")
    assert page.inner_text("h1").startswith("Ma journée")
    # The demo's running programmes have plans: the référent has calls and visits around today.
    lines = page.locator(".wl-task")
    assert lines.count() > 0, page.content()
    assert page.evaluate(SMALL_TARGETS) == []
    page.screenshot(path=str(tmp_path / "ma-journee.png"), full_page=True)

    first = lines.first
    title = first.locator(".wl-title").inner_text()
    first.locator("button:has-text('Fait')").click()
    page.wait_for_selector(".flash-success")
    assert title in page.inner_text(".flash-success")

    # One tap from a line to the task on its programme page.
    link = page.locator("a.wl-open").first
    href = link.get_attribute("href") or ""
    assert "/programmes/" in href and "#tache-" in href
    link.click()
    page.wait_for_url("**/programmes/**")
    assert page.locator(href[href.index("#"):]).count() == 1

    page.click(".mainnav >> text=Calendrier")
    page.wait_for_url("**/calendrier")
    days = page.locator(".week-day h2")
    assert days.count() == 7
    assert days.first.inner_text().startswith("lundi")
    week_tasks = page.locator(".week-task").count()
    page.screenshot(path=str(tmp_path / "semaine.png"), full_page=True)
    if week_tasks == 0:  # a quiet week: the next one has weekly calls for sure
        page.click("text=Semaine suivante")
        assert page.locator(".week-task").count() > 0
    assert page.evaluate(SMALL_TARGETS) == []
