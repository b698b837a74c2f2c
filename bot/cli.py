"""Command line: `python -m bot {run,train,bench}` (what the Makefile calls)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from bot.settings import Settings, get_settings, load_dotenv


def prepare(settings: Settings) -> None:
    for folder in ("log", "rasa", "ticketing"):
        (settings.var_dir / folder).mkdir(parents=True, exist_ok=True)


def run(settings: Settings) -> int:
    from bot.model import ensure_model
    from bot.policies import PolicyError, get_policies
    from bot.stack import Stack, StackError

    prepare(settings)
    try:
        # The shop's policy file is checked before anything starts: a typo must not surface
        # as a wrong answer to a shopper days later.
        get_policies()
    except PolicyError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1
    model = ensure_model()
    print("Starting the assistant...", flush=True)
    stack = Stack(settings, model)
    try:
        stack.start()
    except StackError as error:
        print(f"Could not start: {error}", file=sys.stderr)
        return 1

    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    print(
        "\nThe assistant is running.\n"
        f"  Chat page:        http://127.0.0.1:{settings.chat_port}/\n"
        f"  Rasa REST channel: {settings.rasa_url}/webhooks/rest/webhook\n"
        f"  Demo store API:   {settings.demo_store_url}/health\n"
        f"  Agents' console:  {settings.ticketing_url}/console "
        "(first agent: .venv/bin/python -m ticketing create-agent NAME --role admin)\n"
        f"  Ticket queue API: {settings.ticketing_url}/api/openapi.json\n"
        f"  Logs:             {settings.var_dir / 'log'}\n"
        "Try: \"where is my order 100234?\" and, when asked, maria.garcia@example.es\n"
        "Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        while not stopping.wait(1.0):
            for name in ("rasa", "actions", "nlg", "chat", "demo-store", "ticketing"):
                process = stack.process(name)
                if process is not None and process.poll() is not None:
                    print(f"{name} stopped unexpectedly (exit {process.returncode}):\n{stack.tail(name)}", file=sys.stderr)
                    stopping.set()
    finally:
        print("\nStopping...", flush=True)
        stack.stop()
        print("Stopped.", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The shop's customer-service assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="train if needed, then start every process")
    commands.add_parser("train", help="train a model unless one matches the data")
    commands.add_parser("eval", help="intent accuracy and language detection on held-out data")
    bench = commands.add_parser("bench", help="load-test the REST channel")
    from bot.bench import add_arguments

    add_arguments(bench)
    args = parser.parse_args(argv)
    load_dotenv()
    settings = get_settings()
    if args.command == "run":
        return run(settings)
    if args.command == "eval":
        from bot.evaluate import main as evaluate

        return evaluate(settings)
    if args.command == "train":
        from bot.model import ensure_model

        ensure_model()
        return 0
    from bot.bench import main as bench_main

    prepare(settings)
    return bench_main(args, settings)


if __name__ == "__main__":
    sys.exit(main())
