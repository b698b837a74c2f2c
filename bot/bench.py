"""Load generator: simulated shoppers hold multi-turn order-status conversations with the
running assistant over its REST channel, and the figures are printed at the end.

If the assistant is not running, the benchmark starts it (and stops it afterwards).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

from bot.settings import Settings

# Conversations in three languages, on the demo store's showcase orders.
SCRIPTS = (
    ("hello", "where is my order 100234?", "maria.garcia@example.es", "thanks!"),
    ("hola", "dónde está mi pedido 100234??", "maria.garcia@example.es", "gracias"),
    ("你好", "我的订单100236到哪了", "wang.fang@example.cn", "谢谢"),
    ("hi there", "track order 100235", "+1 202 555 0143", "bye"),
)


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def failed(self, reason: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(reason)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shoppers", type=int, default=20, help="concurrent simulated shoppers")
    parser.add_argument("--conversations", type=int, default=3, help="conversations per shopper")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a reply counts as an error")


async def _shopper(session: aiohttp.ClientSession, url: str, index: int, conversations: int, timeout: float, results: Results) -> None:
    for number in range(conversations):
        sender = f"bench-{index}-{number}-{uuid.uuid4().hex[:8]}"
        for text in SCRIPTS[(index + number) % len(SCRIPTS)]:
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": text}, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                    body = await response.json(content_type=None)
                    if response.status != 200 or not isinstance(body, list) or not body:
                        results.failed(f"HTTP {response.status}: {str(body)[:100]}")
                        continue
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                results.failed(type(error).__name__)
                continue
            results.latencies.append(time.perf_counter() - started)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def _run(url: str, shoppers: int, conversations: int, timeout: float) -> tuple[Results, float]:
    results = Results()
    connector = aiohttp.TCPConnector(limit=shoppers)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(_shopper(session, url, i, conversations, timeout, results) for i in range(shoppers)))
        return results, time.perf_counter() - started


def report(results: Results, elapsed: float, shoppers: int) -> str:
    sent = len(results.latencies) + results.errors
    lines = [
        f"shoppers: {shoppers}   messages: {sent}   errors: {results.errors}   elapsed: {elapsed:.1f} s",
        f"throughput: {len(results.latencies) / elapsed:.1f} messages/s",
    ]
    if results.latencies:
        ms = [v * 1000 for v in results.latencies]
        lines.append(
            "reply latency ms: p50 {:.0f}   p95 {:.0f}   p99 {:.0f}   mean {:.0f}   max {:.0f}".format(
                _percentile(ms, 0.50), _percentile(ms, 0.95), _percentile(ms, 0.99), statistics.mean(ms), max(ms)
            )
        )
    lines += [f"error: {sample}" for sample in results.error_samples]
    return "\n".join(lines)


def main(args: argparse.Namespace, settings: Settings) -> int:
    from bot.stack import Stack, is_healthy

    url = f"{settings.rasa_url}/webhooks/rest/webhook"
    stack = None
    if not is_healthy(settings.rasa_port, "/"):
        from bot.model import ensure_model

        print("The assistant is not running; starting it for the benchmark...", flush=True)
        stack = Stack(settings, ensure_model()).start()
    try:
        # One warm-up conversation, so that lazy loading is not measured.
        asyncio.run(_run(url, 1, 1, args.timeout))
        print(f"Benchmark: {args.shoppers} shoppers x {args.conversations} conversations x 4 messages -> {url}", flush=True)
        results, elapsed = asyncio.run(_run(url, args.shoppers, args.conversations, args.timeout))
        print(report(results, elapsed, args.shoppers))
        return 0 if results.latencies else 1
    finally:
        if stack is not None:
            stack.stop()
