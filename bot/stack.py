"""Starts and stops the whole assistant on the embedded default: the demo store, the action
server, the NLG endpoint, the chat page and the Rasa server, each its own process.

Used by `make run`, by the tests that drive the running stack, and by the benchmark.
Each process logs to var/log/<name>.log; stopping is orderly (SIGTERM, then SIGKILL).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bot.model import rasa_environment
from bot.settings import PROJECT_ROOT, Settings


class StackError(RuntimeError):
    pass


@dataclass(frozen=True)
class Service:
    name: str
    command: list[str]
    port: int
    health_path: str
    start_timeout: float


def services(settings: Settings, model: Optional[Path]) -> list[Service]:
    python = sys.executable
    return [
        Service("demo-store", [python, "-m", "integrations.demo_store", "serve"], settings.demo_store_port, "/health", 60),
        Service(
            "actions",
            [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
            settings.action_port,
            "/health",
            90,
        ),
        Service("nlg", [python, "-m", "bot.nlg.server"], settings.nlg_port, "/health", 60),
        Service("chat", [python, "-m", "bot.webchat"], settings.chat_port, "/health", 60),
        # The ticket queue's REST API for agents (migrates its database before it listens).
        Service("ticketing", [python, "-m", "ticketing"], settings.ticketing_port, "/api/health", 60),
        Service(
            "rasa",
            [
                python, "-m", "rasa", "run",
                "--model", str(model),
                "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml",
                "--port", str(settings.rasa_port),
                "--enable-api",
                # One argument with "=": a token may begin with "-", which argparse would
                # otherwise read as an option and refuse.
                f"--auth-token={settings.rasa_api_token}",
                "--cors", "*",
            ],
            settings.rasa_port,
            "/",
            300,
        ),
    ]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def is_healthy(port: int, path: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class Stack:
    """The processes of the assistant. `names` picks some of them (tests that need only the
    action server and the demo store); `extra_env` overrides the settings' environment."""

    def __init__(
        self,
        settings: Settings,
        model: Optional[Path],
        quiet: bool = False,
        names: Optional[tuple[str, ...]] = None,
        extra_env: Optional[dict[str, str]] = None,
    ):
        self.settings = settings
        self.model = model
        self.quiet = quiet
        self.names = names
        self.extra_env = extra_env or {}
        self.log_dir = settings.var_dir / "log"
        self._processes: list[tuple[Service, subprocess.Popen]] = []

    def _say(self, text: str) -> None:
        if not self.quiet:
            print(text, flush=True)

    def start(self) -> "Stack":
        planned = [s for s in services(self.settings, self.model) if self.names is None or s.name in self.names]
        busy = [f"{s.name} ({s.port})" for s in planned if port_in_use(s.port)]
        if busy:
            raise StackError(
                "port(s) already in use: " + ", ".join(busy) + ". Is the assistant already running? "
                "Stop it, or choose other ports (see .env.example)."
            )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = {**rasa_environment(), **self.extra_env}
        try:
            for service in planned:
                self._launch(service, env)
            for service, process in self._processes:
                self._wait_until_healthy(service, process)
        except BaseException:
            self.stop()
            raise
        return self

    def _launch(self, service: Service, env: dict) -> None:
        log = open(self.log_dir / f"{service.name}.log", "ab")
        self._say(f"  starting {service.name} on port {service.port} (log: {self._relative(self.log_dir / (service.name + '.log'))})")
        process = subprocess.Popen(
            service.command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to us; we stop the children in order
        )
        log.close()
        self._processes.append((service, process))

    def _wait_until_healthy(self, service: Service, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + service.start_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(
                    f"{service.name} exited with code {process.returncode} while starting; "
                    f"see {self.log_dir / (service.name + '.log')}:\n{self.tail(service.name)}"
                )
            if is_healthy(service.port, service.health_path):
                self._say(f"  {service.name} is ready")
                return
            time.sleep(0.5)
        raise StackError(f"{service.name} did not become ready in {service.start_timeout:.0f}s:\n{self.tail(service.name)}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def process(self, name: str) -> Optional[subprocess.Popen]:
        return next((p for s, p in self._processes if s.name == name), None)

    def stop(self) -> None:
        for service, process in reversed(self._processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for service, process in reversed(self._processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        self._processes.clear()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @staticmethod
    def _relative(path: Path) -> str:
        try:
            return str(path.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(path)
