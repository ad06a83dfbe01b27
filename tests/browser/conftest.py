"""Browser tests: the real app served by a subprocess on a database of its own, driven through
Debian's Chromium by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from rehab.cli import reset_database
from tests.conftest import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TABLET = {"width": 1280, "height": 800}
ROOT = Path(__file__).resolve().parents[2]


def _browser_database(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql"):
        parsed = make_url(url)
        return parsed.set(database=f"{parsed.database}_browser").render_as_string(hide_password=False)
    return "sqlite:///" + str(tmp / "browser.sqlite3")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("live")
    url = _browser_database(tmp)
    reset_database(url)
    env = {**os.environ, "DATABASE_URL": url, "REHAB_INSTANCE_PATH": str(tmp), "REHAB_INSECURE_COOKIES": "1",
           "REHAB_SECRET_KEY": "browser-tests"}
    subprocess.run([sys.executable, "-m", "rehab", "demo"], env=env, check=True, capture_output=True, cwd=ROOT)
    port = free_port()
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "rehab", "run", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError((tmp / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("the test server did not start")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=TABLET, locale="fr-FR", timezone_id="Europe/Paris", has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server
    yield page
    context.close()


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    """The « Se déconnecter » button sits in the user's menu (the name at the top right)."""
    if not page.is_visible(".usermenu button:has-text('Se déconnecter')"):
        page.click(".usermenu summary")
    page.click(".usermenu button:has-text('Se déconnecter')")


def log_in(page, username: str, password: str = "demo-rehab-2026") -> None:  # type: ignore[no-untyped-def]
    page.goto(page.base_url + "/connexion")
    if "/connexion" not in page.url:
        # Still logged in as someone else (the login page sends a known user home): log out first.
        log_out(page)
        page.wait_for_selector("#username")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/connexion" not in url)


def open_menu_item(page, menu: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Open one of the navigation's menus (« Coordination », « Pilotage », « Administration ») and follow a link."""
    page.click(f".mainnav summary:text-is('{menu}')")
    page.click(f".mainnav .navmenu[open] a:text-is('{label}')")


def open_new_programme(page, nom: str, prenoms: str, born: str) -> str:  # type: ignore[no-untyped-def]
    """As the assistante: register a patient in Toulouse, open a programme for them; the programme's URL."""
    page.goto(page.base_url + "/patients/nouveau")
    page.fill("#nom_naissance", nom)
    page.fill("#prenoms", prenoms)
    page.fill("#date_naissance", born)
    page.fill("#adresse", "7 chemin des Vignes")
    page.fill("#code_postal", "31000")
    page.fill("#ville", "Toulouse")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Patient enregistré.")
    page.click("text=Nouveau programme")
    page.click("button:has-text('Ouvrir le programme')")
    page.wait_for_selector("text=Programme ouvert")
    return str(page.url)
