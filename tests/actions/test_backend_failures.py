"""When the order system is down or slow, the shopper gets a clear answer, not silence.

A second action server is started whose demo-store URL points at a closed port (down) or
at a real aiohttp server that answers too late (slow)."""
import asyncio
import threading
import time

import pytest
from aiohttp import web

from bot.stack import Stack
from tests.actions.conftest import ActionServer, make_tracker, responses
from tests.conftest import free_port


class SlowServer:
    """A real HTTP server on loopback that holds every request longer than the timeout."""

    def __init__(self, delay: float):
        self.port = free_port()
        self._delay = delay
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        async def slow(request):
            await asyncio.sleep(self._delay)
            return web.json_response({})

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", slow)
        runner = self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        self._loop.run_until_complete(runner.setup())
        self._loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self._loop.run_forever()

    def __enter__(self):
        self._thread.start()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture(params=["down", "slow"])
def broken_action_server(request, stack_settings, domain_dict):
    port = free_port()
    slow = SlowServer(delay=5) if request.param == "slow" else None
    backend_port = slow.port if slow else free_port()  # nothing listens on a fresh free port
    env = {
        "ACTION_PORT": str(port),
        "DEMO_STORE_URL": f"http://127.0.0.1:{backend_port}",
        "BACKEND_TIMEOUT_SECONDS": "1",
        "BACKEND_RETRIES": "1",
    }
    settings = stack_settings.__class__(**{**stack_settings.__dict__, "action_port": port})
    if slow:
        slow.__enter__()
    stack = Stack(settings, None, quiet=True, names=("actions",), extra_env=env).start()
    yield ActionServer(f"http://127.0.0.1:{port}/webhook", domain_dict)
    stack.stop()
    if slow:
        slow.__exit__()


def test_report_apologises_when_the_order_system_fails(broken_action_server):
    tracker = make_tracker(slots={"order_number": "100234", "verified_order": "100234"})
    started = time.monotonic()
    result = broken_action_server.run("action_order_status", tracker)
    assert responses(result) == ["utter_backend_unavailable"]
    assert time.monotonic() - started < 10, "a slow backend must not hold the shopper for long"


def test_form_keeps_a_well_formed_number_when_the_order_system_fails(broken_action_server):
    tracker = make_tracker(slots={"order_number": "100234"}, intent="inform", active_loop="order_status_form")
    tracker["events"].append({"event": "slot", "name": "order_number", "value": "100234"})
    result = broken_action_server.run("validate_order_status_form", tracker)
    slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert slots["order_number"] == "100234"
    assert responses(result) == []
