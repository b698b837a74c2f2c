"""The agents' console (ticketing/console/) in a real headless Chromium.

The real ticketing app runs as `python -m ticketing` on a free port over a temporary database
(SQLite, then this machine's PostgreSQL: the test runs on both), with an agent made by `create-agent` and tickets opened through TicketService (with
transcripts, as the assistant opens them). tests/console/console.spec.js drives Debian's
/usr/bin/chromium through playwright-core: login, queue, filters, a ticket arriving without a
reload, the ticket view, claim, reply, resolve; then, in a French browser, an agent who works
in Spanish gets the console in Spanish, and picks Arabic (right to left). A screenshot of each
step is kept under var/test-artifacts/console/<database>/. The labels expected are read from the
console's message catalogs (ticketing/console/i18n/), not written out here again.

Chromium and the Node package are not optional: when either is missing the test fails and
says to run `make setup`, rather than skipping.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from sqlalchemy.engine import make_url

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.postgres import create_database
from ticketing.client import HandoffRequest
from ticketing.db import make_engine
from ticketing.models import utcnow
from ticketing.service import TicketService

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "console.spec.js"
CHROMIUM = "/usr/bin/chromium"
CATALOGS = PROJECT_ROOT / "ticketing" / "console" / "i18n"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "console"
PASSWORD = "correct horse battery"
TOKEN_SECRET = "console-test-secret-0123456789abcdefghijklmnop"
SCRIPT_TIMEOUT_SECONDS = 180


def catalog(lang: str) -> dict[str, str]:
    return json.loads((CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))


def fill(text: str, **values: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def _require_browser() -> str:
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian's chromium ({CHROMIUM})")
    node = shutil.which("node")
    if node is None:
        missing.append("Node.js (node)")
    if not (HERE / "node_modules" / "playwright-core" / "package.json").is_file():
        missing.append("playwright-core (tests/console/node_modules)")
    if missing:
        pytest.fail(
            f"The console tests need a real headless browser, and {', '.join(missing)} is missing: "
            "run `make setup` (it installs chromium and runs npm ci in tests/console/).",
            pytrace=False,
        )
    return node  # type: ignore[return-value]


def _handoff(conversation_id: str, **values: Any) -> HandoffRequest:
    fields: dict[str, Any] = {"reason": "explicit_request", "priority": "normal", "language": "en", "channel": "socketio"}
    fields.update(values)
    return HandoffRequest(conversation_id=conversation_id, **fields)


@pytest.fixture(params=["sqlite", "postgresql"])
def ticket_database(request, tmp_path) -> Iterator[str]:
    """An empty ticket database: a SQLite file, or one on this machine's PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tickets.db'}"
        return
    url, drop = create_database("_console")
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def console(tmp_path, ticket_database) -> Iterator[dict[str, Any]]:
    """The ticketing app serving the console, with an agent and three tickets."""
    node = _require_browser()
    port = free_port()
    url = ticket_database
    env = {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "TICKETING_DB_URL": url,
        "TICKETING_PORT": str(port),
        "TICKETING_URL": f"http://127.0.0.1:{port}",
        "TICKETING_TOKEN_SECRET": TOKEN_SECRET,
        "TICKETING_AGENT_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    made = subprocess.run(
        [sys.executable, "-m", "ticketing", "create-agent", "ana", "--display-name", "Ana", "--languages", "en,es"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert made.returncode == 0, made.stderr
    made = subprocess.run(
        [sys.executable, "-m", "ticketing", "create-agent", "lucia", "--display-name", "Lucía", "--languages", "es"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert made.returncode == 0, made.stderr

    engine = make_engine(url)
    service = TicketService(engine, auto_assign=False)
    spanish = service.open(_handoff(
        "conv-es", reason="complaint", priority="high", language="es", market="ES", order_number="100234",
        transcript=[
            {"event": "user", "text": "Mi pedido llegó roto", "timestamp": 1740996000.0},
            {"event": "bot", "text": "Lo siento mucho. Te paso con una persona del equipo.", "timestamp": 1740996001.0},
        ],
        details={"problem": "damaged item", "item": "Blue mug"},
    )).reference
    service.add_shopper_message(
        "conv-es", "¿Cuándo me contestan?", language="es", translation="When will you answer me?", translated_to="en"
    )
    german = service.open(_handoff(
        "conv-de", language="de", market="DE",
        transcript=[{"event": "user", "text": "Ich möchte mit einem Menschen sprechen", "timestamp": 1740996100.0}],
    )).reference
    # Opened ten days ago: every timer has run out by now.
    past = TicketService(engine, lambda: utcnow() - timedelta(days=10), auto_assign=False)
    late = past.open(_handoff("conv-late", priority="low", language="fr", market="FR")).reference

    log = open(tmp_path / "ticketing.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "ticketing", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"the ticketing app did not start:\n{(tmp_path / 'ticketing.log').read_text()}")
            time.sleep(0.2)
        yield {
            "node": node, "url": f"{base}/console", "service": service,
            # Screenshots per database: var/test-artifacts/console/{sqlite,postgresql}/.
            "artifacts": ARTIFACTS / make_url(url).get_backend_name(),
            "refs": {"REF_ES": spanish, "REF_DE": german, "REF_LATE": late},
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        engine.dispose()


def _run_script(console: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Runs the Playwright script; opens a ticket when it asks for one. Its result, and the
    screenshots it wrote."""
    artifacts = console["artifacts"]
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in artifacts.glob("*.png"):
        old.unlink()
    env = {
        **os.environ,
        **console["refs"],
        "CONSOLE_URL": console["url"],
        "AGENT_USERNAME": "ana",
        "SPANISH_USERNAME": "lucia",
        "AGENT_PASSWORD": PASSWORD,
        "SCREENSHOT_DIR": str(artifacts),
        "CHROMIUM": CHROMIUM,
    }
    process = subprocess.Popen(
        [console["node"], str(SCRIPT)], cwd=HERE, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
    )
    result: dict[str, Any] = {}
    screenshots: list[str] = []
    deadline = time.monotonic() + SCRIPT_TIMEOUT_SECONDS
    try:
        assert process.stdout is not None and process.stdin is not None
        for line in process.stdout:
            message = json.loads(line)
            if "screenshot" in message:
                screenshots.append(message["screenshot"])
            elif message.get("need") == "new_ticket":
                reference = console["service"].open(_handoff(
                    "conv-new", priority="urgent", language="it", market="IT",
                    transcript=[{"event": "user", "text": "Voglio parlare con una persona", "timestamp": 1740996200.0}],
                )).reference
                console["new"] = reference
                process.stdin.write(reference + "\n")
                process.stdin.flush()
            elif "result" in message:
                result = message["result"]
            if time.monotonic() > deadline:
                raise AssertionError("the console script took too long")
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 0, f"the console script failed after {len(screenshots)} steps:\n{stderr}"
    return result, screenshots


def test_an_agent_works_the_queue_in_the_console(console):
    refs = console["refs"]
    en, es, fr, ar = catalog("en"), catalog("es"), catalog("fr"), catalog("ar")
    result, screenshots = _run_script(console)

    # Every step ran and left its screenshot.
    assert result["steps"] == [
        "login-form", "login-refused", "queue", "filter-language", "filter-priority", "filter-overdue",
        "new-ticket-arrived", "ticket", "claimed", "replied", "resolved", "queue-after-resolve",
        "login-form-fr", "queue-es", "ticket-es", "queue-ar", "ticket-ar",
    ]
    assert len(screenshots) == len(result["steps"])
    assert all(Path(shot).is_file() and Path(shot).stat().st_size > 1000 for shot in screenshots)

    # The page is locked down: a strict CSP, nothing it blocked, no script error. The only
    # console error is the browser's note about the refused login (401).
    assert "default-src 'none'" in result["csp"] and "script-src 'self'" in result["csp"]
    assert result["violations"] == []
    assert all("401" in error for error in result["errors"]), result["errors"]
    # An English browser, an agent who works in English and Spanish: English.
    assert result["english"] == {"lang": "en", "dir": "ltr", "title": en["page.title"], "heading": en["login.title"]}
    assert result["wrongPassword"] == en["login.invalidCredentials"]
    # The token is kept in sessionStorage, never in a URL or localStorage.
    assert result["token"] is True and result["tokenInLocalStorage"] is False
    assert all("token" not in url and "?" not in url for url in result["urls"])

    # The queue row shows reference, priority, status, language, reason, age, due, assignee.
    rows = {row[0]: row for row in result["queueRows"]}
    assert set(rows) == set(refs.values())
    assert rows[refs["REF_ES"]][1:5] == [en["priority.high"], en["status.new"], "es", en["reason.complaint"]]
    assert rows[refs["REF_ES"]][7] == en["ticket.unassigned"]
    overdue = fill(en["due.overdue"], timers=en["timer.first_response"])
    assert rows[refs["REF_LATE"]][6].startswith(overdue)
    assert result["overdueBadge"].startswith(overdue)

    # The ticket opened after the page loaded came in without a reload, marked as new.
    assert result["newTicket"] == console["new"]
    assert result["noReload"] is True
    assert "is-new" in result["newTicketMarked"]
    # Polling stops while the tab is hidden, and refreshes at once when it shows again.
    assert result["pollsWhileHidden"] == 0
    assert result["pollsOnShow"] >= 1

    # The ticket view: transcript, order number and market, details, messages with languages.
    assert result["title"].startswith(refs["REF_ES"])
    assert "100234" in result["facts"] and "ES" in result["facts"]
    assert "damaged item" in result["details"] and "Blue mug" in result["details"]
    assert any("Mi pedido llegó roto" in turn for turn in result["transcript"])
    assert any("Te paso con una persona" in turn for turn in result["transcript"])
    assert "¿Cuándo me contestan?" in result["messages"][0]
    assert result["messageLanguages"][0] == "es"
    assert result["translations"] == [f"{fill(en['message.translationTo'], language='en')} When will you answer me?"]

    # Claim, reply, resolve, as the database has them.
    assert "Ana" in result["afterClaim"]
    assert result["reply"] == "Hola, ya estamos revisando su pedido." and result["replyLanguage"] == "es"
    assert en["status.resolved"] in result["afterResolve"] and result["replyDisabled"] is True
    service = console["service"]
    ticket = service.ticket(refs["REF_ES"])
    assert ticket.status == "resolved" and ticket.assignee_id is not None
    replies = [m for m in service.messages(refs["REF_ES"]) if m.author == "agent"]
    assert [(m.text, m.language) for m in replies] == [("Hola, ya estamos revisando su pedido.", "es")]

    # A French browser: the login form is in French until an agent logs in.
    french = result["french"]
    assert (french["lang"], french["dir"], french["heading"], french["submit"]) == ("fr", "ltr", fr["login.title"], fr["login.submit"])
    assert french["username"] == fr["login.username"] and french["picker"] == ""

    # Lucía works in Spanish: her first language wins over the browser's.
    spanish = result["spanish"]
    assert (spanish["lang"], spanish["dir"]) == ("es", "ltr")
    assert spanish["queueTitle"] == es["queue.title"] and spanish["logout"] == es["header.logout"]
    assert spanish["headers"] == [es[f"field.{name}"] for name in (
        "reference", "priority", "status", "languageShort", "reason", "age", "due", "assignee")]
    assert spanish["statusOptions"][0] == es["filters.statusActive"]
    assert spanish["placeholder"] == es["filters.languagePlaceholder"]
    assert spanish["pageInfo"] == fill(es["pager.info"], page="1", pages="1")
    # The shopper's language is still shown as its code.
    assert spanish["rowDE"][1:5] == [es["priority.normal"], es["status.new"], "de", es["reason.explicit_request"]]
    assert spanish["rowDE"][7] == es["ticket.unassigned"]
    assert spanish["rowLate"][6].startswith(fill(es["due.overdue"], timers=es["timer.first_response"]))
    assert spanish["updated"].startswith(es["queue.updated"].split("{time}")[0])
    assert spanish["agent"] == f"Lucía ({es['role.agent']})"
    # Dates as Intl.DateTimeFormat writes them in Spanish.
    opened = fill(es["ticket.openedAt"], time=spanish["ticket"]["openedDate"]).split("{duration}")[0]
    assert spanish["ticket"]["opened"].startswith(opened), (spanish["ticket"]["opened"], opened)
    assert spanish["ticket"]["claim"] == es["ticket.claim"] and spanish["ticket"]["reply"] == es["reply.send"]
    assert es["field.orderNumber"] in spanish["ticket"]["facts"] and es["priority.normal"] in spanish["ticket"]["facts"]
    assert spanish["ticket"]["headings"] == [es["ticket.details"], es["ticket.transcript"], es["ticket.messages"]]
    assert spanish["ticket"]["transcriptWho"] == [es["turn.user"]]

    # She picks Arabic: right to left, Arabic labels, and it is remembered (localStorage, that
    # one key, no token) over a reload.
    arabic = result["arabic"]
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")
    assert arabic["queueTitle"] == ar["queue.title"] and arabic["logout"] == ar["header.logout"]
    assert arabic["headers"][0] == ar["field.reference"] and arabic["headers"][7] == ar["field.assignee"]
    assert arabic["rowDE"][2] == ar["status.new"] and arabic["rowDE"][3] == "de"
    assert arabic["storage"] == {"demoShop.console.language": "ar"}
    assert arabic["afterReload"] == {"lang": "ar", "dir": "rtl", "queueTitle": ar["queue.title"], "picker": "ar"}
    # The layout follows: the brand on the right, the agent and the picker on the left, the
    # table's first column on the right, and nothing wider than the window.
    layout = arabic["layout"]
    assert layout["brandLeft"] > layout["pickerLeft"]
    assert layout["firstHeaderLeft"] > layout["lastHeaderLeft"]
    assert layout["overflow"] is False
    assert arabic["ticket"]["headings"] == [ar["ticket.details"], ar["ticket.transcript"], ar["ticket.messages"]]
    assert arabic["ticket"]["title"].startswith(refs["REF_DE"])
    assert arabic["ticket"]["dir"] == "rtl" and arabic["ticket"]["overflow"] is False


def test_the_console_puts_text_in_with_text_content_only():
    script = (PROJECT_ROOT / "ticketing" / "console" / "console.js").read_text(encoding="utf-8")
    for unsafe in (".innerHTML", ".outerHTML", ".insertAdjacentHTML(", "document.write(", "eval(", "localStorage["):
        assert unsafe not in script, unsafe
    # localStorage keeps the language the agent picked, and nothing else (the token is in sessionStorage).
    uses = re.findall(r"localStorage\.(\w+)\(([^,)]*)", script)
    assert uses and all(argument.strip() == "LANGUAGE_KEY" for _, argument in uses), uses
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
    assert code.count("localStorage") == len(uses)
    page = (PROJECT_ROOT / "ticketing" / "console" / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and " style=" not in page and "http" not in page.lower().replace("http-equiv", "")


async def test_the_console_is_served_with_a_strict_policy_and_nothing_else_is(aiohttp_client, tmp_path):
    from ticketing.api import create_app

    service = TicketService.start(f"sqlite:///{tmp_path / 'tickets.db'}")
    client = await aiohttp_client(create_app(service, token_secret=TOKEN_SECRET))
    try:
        for path, kind in (("/console", "text/html"), ("/console/console.js", "text/javascript"),
                           ("/console/console.css", "text/css"), ("/console/favicon.svg", "image/svg+xml"),
                           ("/console/i18n/en.json", "application/json"), ("/console/i18n/ar.json", "application/json")):
            answer = await client.get(path)
            assert answer.status == 200 and answer.content_type == kind, path
            assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
            assert answer.headers["X-Frame-Options"] == "DENY" and answer.headers["Cache-Control"] == "no-store"
        assert (await (await client.get("/console/i18n/es.json")).json()) == catalog("es")
        for path in ("/console/index.html", "/console/..%2Fapi.py", "/console/package.json", "/console/nothing.js",
                     "/console/i18n/xx.json", "/console/i18n/EN.json", "/console/i18n/..%2F..%2Fapi.json"):
            answer = await client.get(path)
            assert answer.status == 404 and (await answer.json()) == {"error": "not_found"}, path
        # No route at all: like any unknown path, 401 before 404.
        for path in ("/console/i18n/en.js", "/console/i18n/", "/console/i18n/en.json/x"):
            answer = await client.get(path)
            assert answer.status == 401 and (await answer.json()) == {"error": "unauthorized"}, path
    finally:
        service.engine.dispose()
