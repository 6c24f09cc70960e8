"""Browser journeys against the real server: `fabricloop serve` on a fresh test database,
driven in Debian's Chromium. Any uncaught page error or console error fails the test."""

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

ROOT = Path(__file__).resolve().parents[1]
FABRICLOOP = Path(sys.executable).parent / "fabricloop"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The UI shows these API answers to the user (a decline, a wrong password...); Chromium still
# logs each as a failed resource. Anything else on the console fails the test.
EXPECTED_HTTP_ERROR = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d"
)
PASSWORD = "Demo-Passw0rd"
# bcrypt at cost 12 and a shared 2-core machine: give assertions room beyond the 5 s default.
expect.set_options(timeout=10_000)
SHIPPING_ADDRESS = {
    "recipient_name": "Lena Hoffmann",
    "line1": "Torstraße 101",
    "city": "Berlin",
    "postal_code": "10119",
    "country": "DE",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _fresh_database(url: str) -> None:
    base, _, _ = url.partition("?")
    server_url, _, name = base.rpartition("/")
    connection = await asyncpg.connect(f"{server_url}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def snapshot_web_app(target: Path) -> Path:
    """Copy the built web app, so that a rebuild of frontend/dist during the run (other work
    in the same tree) cannot serve a half-written bundle to the browser."""
    dist = ROOT / "frontend" / "dist"
    deadline = time.monotonic() + 120
    while True:
        shutil.rmtree(target, ignore_errors=True)
        try:
            shutil.copytree(dist, target)
            index = (target / "index.html").read_text()
            assets = re.findall(r'(?:src|href)="/(assets/[^"]+)"', index)
            if assets and all((target / asset).is_file() for asset in assets):
                return target
        except (OSError, shutil.Error):
            pass  # being rebuilt right now
        if time.monotonic() > deadline:
            raise RuntimeError("frontend/dist is not (completely) built: run make frontend")
        time.sleep(2)


def _server_env(var_dir: Path, port: int, db_suffix: str, seed: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        ENV="test",
        PORT=str(port),
        HOST="127.0.0.1",
        VAR_DIR=str(var_dir),
        SEED_DEMO="true" if seed else "false",
        RATE_LIMIT_PER_MINUTE="100000",
        # Every journey registers its own users from this one address.
        REGISTER_MAX_PER_IP="100000",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="warn",
        # Its own job queue: its worker takes no job of another server on the same Redis.
        JOB_QUEUE=f"fabricloop-e2e-{os.getpid()}-{db_suffix}",
        WEB_DIST_DIR=str(snapshot_web_app(var_dir / "web")),
    )
    test_db = os.environ.get("TEST_DATABASE_URL")
    if test_db:
        database = re.sub(
            r"/([^/?]+)(\?|$)", rf"/\1_{db_suffix}\2", test_db.replace("+asyncpg", ""), count=1
        )
        # Playwright's sync API keeps an event loop running in this thread: use another.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _fresh_database(database)).result()
        env["DATABASE_URL"] = database
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
        # A fresh database with an old Redis would serve the previous run's cached searches.
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    return env


# The environment of each running server (by URL): its commands (create-admin) use the same
# database and settings.
SERVER_ENVIRONMENTS: dict[str, dict[str, str]] = {}


@contextmanager
def serving(name: str, seed: bool = False, timeout: float = 120) -> Iterator[str]:
    """`fabricloop serve` on a fresh database (TEST_DATABASE_URL + "_<name>" when set, else an
    embedded one under var/<name>); yields its URL once /health answers, stops it after.
    With `seed`, the demo marketplace is loaded first; its logins go to var/<name>/server.log."""
    var_dir = ROOT / "var" / name
    shutil.rmtree(var_dir, ignore_errors=True)
    var_dir.mkdir(parents=True)
    port = _free_port()
    log = (var_dir / "server.log").open("w")
    env = _server_env(var_dir, port, name, seed)
    server = subprocess.Popen(
        [str(FABRICLOOP), "serve", *([] if seed else ["--no-seed"])],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"server exited: {(var_dir / 'server.log').read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError("server did not become healthy")
        SERVER_ENVIRONMENTS[url] = env
        yield url
    finally:
        SERVER_ENVIRONMENTS.pop(url, None)
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    with serving("e2e") as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any],
) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Fixed locale and zone: money, numbers and dates render the same on every machine.
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "UTC"}


def watch_console(page: Page) -> list[str]:
    """Collect console errors and uncaught page errors of a page (the `page` fixture's rule)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not EXPECTED_HTTP_ERROR.search(message.text):
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.set_default_timeout(10_000)
    return problems


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    problems = watch_console(page)
    yield page
    assert not problems, "\n".join(problems)


@pytest.fixture
def other_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a second browser context: another user, with its own cookies."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    problems = watch_console(page)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


class Api:
    """Sets up data for a journey through the public API, as another client would."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=15)

    def register(self, role: str, company: str | None = None) -> dict[str, str]:
        email = f"{role}-{uuid.uuid4().hex[:10]}@e2e.example"
        company = company or f"{role.title()} {uuid.uuid4().hex[:4].upper()} Ltd"
        response = self.http.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "company_name": company,
                "role": role,
            },
        )
        response.raise_for_status()
        return self.login(email, company)

    def login(self, email: str, company: str = "") -> dict[str, str]:
        response = self.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        response.raise_for_status()
        body = response.json()
        return {
            "email": email,
            "company": company,
            "token": body["token"],
            "user_id": body["user_id"],
        }

    def post(self, user: dict[str, str], path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {user['token']}",
            **kwargs.pop("headers", {}),
        }
        response = self.http.post(path, headers=headers, **kwargs)
        response.raise_for_status()
        return response

    def put(self, user: dict[str, str], path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {user['token']}"}
        response = self.http.put(path, headers=headers, **kwargs)
        response.raise_for_status()
        return response

    def get(self, user: dict[str, str] | None, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {user['token']}"} if user else {}
        response = self.http.get(path, headers=headers, **kwargs)
        response.raise_for_status()
        return response

    def create_material(self, seller: dict[str, str], **overrides: Any) -> dict[str, Any]:
        """A complete active listing (composition, certification, metrics, supply chain)."""
        body: dict[str, Any] = {
            "title": f"Deadstock organic cotton twill {uuid.uuid4().hex[:6]}",
            "description": "Left over from a cancelled workwear order; 150 cm wide.",
            "material_type": "organic_cotton",
            "source_type": "deadstock",
            "quantity": 500,
            "unit": "m",
            "kg_per_unit": 0.25,
            "price": 6.5,
            "currency": "EUR",
            "origin_country": "PT",
            "manufacture_date": "2025-03-14",
            "composition": [{"fibre": "organic_cotton", "percent": 100}],
            "certifications": [
                {"scheme": "GOTS", "certificate_id": "GOTS-E2E-001", "valid_until": "2030-01-31"}
            ],
            "sustainability_metrics": {
                "carbon_footprint": 2.1,
                "water_usage": 900,
                "chemical_composition": [],
            },
            "supply_chain": [
                {"stage": "weaving", "company": "Tecelagem Norte", "country": "PT"},
            ],
            **overrides,
        }
        created = self.post(seller, "/api/materials", json=body).json()
        return {**body, **created}

    def buy(
        self,
        buyer: dict[str, str],
        material_id: str,
        quantity: float,
        payment_method: str | None = "pm_card_visa",
    ) -> dict[str, Any]:
        """Create a transaction (and pay it unless payment_method is None)."""
        transaction: dict[str, Any] = self.post(
            buyer,
            "/api/transactions",
            json={
                "material_id": material_id,
                "quantity": quantity,
                "shipping_address": SHIPPING_ADDRESS,
            },
        ).json()
        if payment_method:
            self.post(
                buyer,
                "/api/payments",
                json={
                    "transaction_id": transaction["transaction_id"],
                    "payment_method": payment_method,
                },
                headers={"Idempotency-Key": uuid.uuid4().hex},
            )
        return transaction


def create_admin(base_url: str, api: "Api") -> dict[str, str]:
    """An operator account, made as a deployment makes one: `fabricloop create-admin` with the
    password on standard input, against the server's database; then signed in."""
    email = f"operator-{uuid.uuid4().hex[:10]}@e2e.example"
    company = "FabricLoop Operations"
    subprocess.run(
        [str(FABRICLOOP), "create-admin", email, "--company", company],
        input=f"{PASSWORD}\n",
        text=True,
        env=SERVER_ENVIRONMENTS[base_url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return api.login(email, company)


def import_fx_rates(base_url: str, tmp_dir: Path, rates: dict[str, str]) -> None:
    """Reference rates (units per 1 EUR, dated today) loaded as a deployment loads them:
    `fabricloop fx-import` of an ECB-format file, against the server's database."""
    today = datetime.now(UTC).strftime("%d %B %Y")
    codes = ", ".join(rates)
    values = ", ".join(rates.values())
    rates_file = tmp_dir / "eurofxref.csv"
    rates_file.write_text(f"Date, {codes}, \n{today}, {values}, \n", encoding="utf-8")
    subprocess.run(
        [str(FABRICLOOP), "fx-import", str(rates_file)],
        env=SERVER_ENVIRONMENTS[base_url],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="session")
def api(base_url: str) -> Api:
    return Api(base_url)


def login_in_browser(page: Page, base_url: str, user: dict[str, str]) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(PASSWORD)
    submit = page.get_by_role("button", name=re.compile("log in|sign in", re.I))
    submit.click()
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
    # The address changes before the next page has rendered (the router waits for its code in a
    # transition): until the next page has set its title, the header still belongs to /login,
    # and a menu opened now would close when the new path arrives.
    expect(page).not_to_have_title(re.compile(r"^Sign in"))


def card(page: Page, title: str) -> Locator:
    """The card (a rounded panel) whose heading is `title`."""
    heading = page.get_by_role("heading", name=title, exact=True)
    return heading.locator("xpath=ancestor::div[contains(@class, 'rounded-2xl')][1]")


_NATURAL_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(resolve => {
    img.addEventListener("load", () => resolve(img.naturalWidth), { once: true });
    img.addEventListener("error", () => resolve(0), { once: true });
})"""


def loaded_width(image: Locator) -> int:
    """The natural width of an <img> once it has loaded (0 if it failed to load)."""
    image.scroll_into_view_if_needed()
    return int(image.evaluate(_NATURAL_WIDTH))


# Which elements stick out to the right of the viewport (deepest first, a few at most).
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (["auto", "scroll", "hidden", "clip"].includes(s.overflowX)) { clipped = true; break; }
    }
    if (clipped) continue;
    if ([...el.children].some(c => c.getBoundingClientRect().right > width + 1)) continue;
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const cls = (el.getAttribute("class") || "").slice(0, 60);
    out.push(`<${el.tagName.toLowerCase()} class="${cls}"> right=${Math.round(r.right)} "${text}"`);
    if (out.length >= 5) break;
  }
  return out;
}"""


def overflowing(page: Page) -> list[str]:
    """The elements that stick out to the right of the viewport (a sideways-scrolling page),
    innermost first and a few at most; empty when the page fits its width."""
    return list(page.evaluate(OVERFLOW_JS))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each rerun journey's failed first try, in full: the rerun passed, so the suite does, but
    the race it hit is a bug to fix (docs/decisions/browser-test-reruns.md), and the summary
    line alone ("1 rerun") doesn't say which journey or why."""
    reruns = terminalreporter.stats.get("rerun", [])
    if not reruns:
        return
    terminalreporter.section("first tries of the rerun journeys", sep="=")
    for report in reruns:
        terminalreporter.section(report.nodeid, sep="-")
        terminalreporter.line(report.longreprtext)
