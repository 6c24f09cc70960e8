"""Live updates and email across processes.

`sse_fanout`: two app processes (`fabricloop serve`, one uvicorn worker each) on the bench
database and Redis; STREAMS open event streams (GET /api/events), spread over both processes
and over USERS recipients; MESSAGES messages sent one after another through the first process
(POST /api/messages), each to a random recipient. Latency: from just before the POST to the
`message` event on each of the recipient's streams (on both processes), in one client process.

`email`: EMAILS notifications written to the outbox, then the worker's send loop
(`notifications.outbox.send_due`, what `fabricloop worker` runs) sending them to an aiosmtpd
sink on loopback; emails per second. The bench's loop must be the outbox's only consumer: the
servers above run with --no-worker and are stopped first, and any other client of the bench
database (a worker left running by an earlier run would claim a batch and send it elsewhere)
is counted before, and the outbox itself is counted after: what the loop sent, what the sink
kept and what the database marks sent must agree.

Run alone with `python -m bench live_updates` (BENCH_MATERIALS=0 needs no listings)."""

import asyncio
import json
import random
import secrets
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from fabricloop.auth import tokens
from fabricloop.config import Settings
from fabricloop.core import migrate
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.core.mail import SmtpTarget
from fabricloop.core.mailsink import start_sink
from fabricloop.notifications import outbox
from fabricloop.notifications.service import notify
from fabricloop.ops.pgtools import connect

from bench.env import JWT_SECRET, QUICK, SERVER_PIDS, BenchEnv, free_port, percentile, server
from bench.usage import app_processes

NAME = "live_updates"
# Two servers, one worker each; a quick run uses the two-worker server of the purchase
# benchmarks as its second (a server less to start: 20-60 s on a loaded host).
SECOND = ("uvicorn", 2, 0) if QUICK else ("uvicorn", 1, 1)
SERVERS_USED = [("uvicorn", 1, 0), SECOND]
STREAMS = 50 if QUICK else 500
USERS = 10 if QUICK else 50
MESSAGES = 20 if QUICK else 100
EMAILS = 50 if QUICK else 500
OPENING = 25


async def _users(env: BenchEnv, count: int) -> list[str]:
    connection = await connect(env.database_url)
    try:
        rows = await connection.fetch(
            "INSERT INTO users (email, password_hash, company_name, role) "
            "SELECT 'bench-live-' || gen_random_uuid() || '@example.com', '!', "
            "'Bench live ' || n, 'brand' FROM generate_series(1, $1) AS n RETURNING id",
            count,
        )
        return [str(r["id"]) for r in rows]
    finally:
        await connection.close()


async def _cleanup(env: BenchEnv) -> None:
    connection = await connect(env.database_url)
    try:
        await connection.execute(
            "DELETE FROM messages WHERE sender_id IN "
            "(SELECT id FROM users WHERE email LIKE 'bench-live-%@example.com')"
        )
        await connection.execute("DELETE FROM users WHERE email LIKE 'bench-live-%@example.com'")
    finally:
        await connection.close()


async def _stream(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    ready: asyncio.Event,
    arrivals: dict[str, list[float]],
    opened: list[int],
    opening: asyncio.Semaphore,
) -> None:
    await opening.acquire()
    async with client.stream("GET", "/api/events", headers=headers) as response:
        response.raise_for_status()
        event = ""
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "ready":
                opening.release()
                opened.append(1)
                if len(opened) == STREAMS:
                    ready.set()
            elif line.startswith("data:") and event == "message":
                message_id = json.loads(line[5:])["message_id"]
                arrivals.setdefault(message_id, []).append(time.perf_counter())


async def _fanout(env: BenchEnv, bases: list[str], secret: str) -> dict[str, Any]:
    users = await _users(env, USERS + 1)
    sender, recipients = users[0], users[1:]
    headers = {
        u: {"Authorization": f"Bearer {tokens.issue(secret, uuid.UUID(u), 'access', 3600)[0]}"}
        for u in users
    }
    limits = httpx.Limits(max_connections=STREAMS, max_keepalive_connections=0)
    timeout = httpx.Timeout(60, read=None)
    arrivals: dict[str, list[float]] = {}
    opened: list[int] = []
    ready = asyncio.Event()
    clients = [httpx.AsyncClient(base_url=b, limits=limits, timeout=timeout) for b in bases]
    # Streams are opened OPENING at a time (each authenticates in a transaction of its own):
    # all 500 at the same instant queue for the servers' pools past their 5 s checkout
    # timeout on a loaded host (503). What is measured starts once all are open.
    opening = asyncio.Semaphore(OPENING)
    tasks = [
        asyncio.create_task(
            _stream(
                clients[i % 2], headers[recipients[i % USERS]], ready, arrivals, opened, opening
            )
        )
        for i in range(STREAMS)
    ]
    try:
        # All open, or the first stream that ended (refused, dropped): its error, not a timeout.
        waiting = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait(
            [waiting, *tasks], timeout=120, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()
        if not ready.is_set():
            ended = [t for t in done if t is not waiting]
            if ended and ended[0].exception() is not None:
                raise RuntimeError(f"a stream failed: {ended[0].exception()!r}")
            raise RuntimeError(f"{len(opened)} of {STREAMS} streams open after 120 s")
        rng = random.Random(1)
        sent: dict[str, tuple[float, int]] = {}
        async with httpx.AsyncClient(base_url=bases[0], timeout=30) as poster:
            for _ in range(MESSAGES):
                recipient = rng.choice(recipients)
                started = time.perf_counter()
                response = await poster.post(
                    "/api/messages",
                    json={"recipient_id": recipient, "content": "bench"},
                    headers=headers[sender],
                )
                response.raise_for_status()
                sent[response.json()["message_id"]] = (started, STREAMS // USERS)
                await asyncio.sleep(0.02)
        # Let the last deliveries arrive (a poll of a counter the streams fill).
        deadline = time.perf_counter() + 10
        expected = sum(n for _, n in sent.values())
        while time.perf_counter() < deadline:
            if sum(len(arrivals.get(m, [])) for m in sent) >= expected:
                break
            await asyncio.sleep(0.05)
        latencies = [
            (at - started) * 1000
            for message_id, (started, _) in sent.items()
            for at in arrivals.get(message_id, [])
        ]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in clients:
            await client.aclose()
        await _cleanup(env)
    return {
        "streams": STREAMS,
        "processes": len(bases),
        "messages": MESSAGES,
        "deliveries_expected": expected,
        "deliveries": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(max(latencies), 1) if latencies else None,
    }


async def _before_email(env: BenchEnv) -> tuple[list[str], int]:
    """The other client sessions of the bench database (application name, or address), and
    the emails already waiting in its outbox (the loop would send them too)."""
    connection = await connect(env.database_url)
    try:
        rows = await connection.fetch(
            "SELECT coalesce(nullif(application_name, ''), host(client_addr), 'local') AS who "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        waiting = await connection.fetchval(
            "SELECT count(*) FROM email_outbox WHERE status = 'pending'"
        )
        return [str(r["who"]) for r in rows], int(waiting)
    finally:
        await connection.close()


async def _outbox_of(env: BenchEnv, user: str) -> dict[str, int]:
    """The user's outbox rows by status."""
    connection = await connect(env.database_url)
    try:
        rows = await connection.fetch(
            "SELECT e.status, count(*) AS n FROM email_outbox e "
            "JOIN notifications n ON n.id = e.notification_id WHERE n.user_id = $1 "
            "GROUP BY e.status",
            uuid.UUID(user),
        )
        return {str(r["status"]): int(r["n"]) for r in rows}
    finally:
        await connection.close()


async def _email(env: BenchEnv) -> dict[str, Any]:
    others, waiting = await _before_email(env)
    if others or waiting:
        print(f"  warning: other clients {others}, {waiting} emails already waiting", flush=True)
    settings = Settings(
        _env_file=None,
        database_url=env.sqlalchemy_url,
        redis_url=env.redis_url,
        jwt_secret=secrets.token_urlsafe(48),
    )
    engine = create_engine(settings)
    maker = create_sessionmaker(engine)
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        sink = start_sink(Path(directory), port=port)
        [user] = await _users(env, 1)
        try:
            async with maker() as session:
                for i in range(EMAILS):
                    await notify(session, uuid.UUID(user), "order_paid", f"Order {i}", "Paid.")
                await session.commit()
            started = time.perf_counter()
            sent = 0
            while sent < EMAILS:
                done = await outbox.send_due(maker, settings, SmtpTarget("127.0.0.1", port))
                if done == 0:
                    break
                sent += done
            elapsed = time.perf_counter() - started
            kept = len(await asyncio.to_thread(lambda: list(Path(directory).glob("*.eml"))))
            outbox_after = await _outbox_of(env, user)
        finally:
            sink.stop()
            await engine.dispose()
            await _cleanup(env)
    return {
        "emails": EMAILS,
        "other_clients_before": others,
        "waiting_before": waiting,
        "sent": sent,
        "kept_by_the_sink": kept,
        "outbox_after": outbox_after,
        "seconds": round(elapsed, 2),
        "emails_per_second": round(sent / elapsed, 1),
    }


def run(env: BenchEnv) -> dict[str, Any]:
    migrate.upgrade(env.database_url)
    kind, workers, instance = SECOND
    with (
        server(env) as first,
        server(env, server_kind=kind, workers=workers, instance=instance) as second,
    ):
        fanout = asyncio.run(_fanout(env, [first, second], JWT_SECRET))
        fanout["processes"] = len(app_processes(SERVER_PIDS[first])) + len(
            app_processes(SERVER_PIDS[second])
        )
    return {"sse_fanout": fanout, "email": asyncio.run(_email(env))}


def report(result: dict[str, Any]) -> str:
    f, e = result["sse_fanout"], result["email"]
    return "\n".join(
        [
            f"SSE fan-out: {f['streams']} open streams over two servers "
            f"({f['processes']} app processes), {f['messages']} messages sent one after another "
            "through the first process to random recipients with 10 streams each (5 on each "
            "process); latency from the POST to the `message` event on each stream.",
            "",
            "| deliveries | p50 ms | p90 ms | p99 ms | max ms |",
            "| ---: | ---: | ---: | ---: | ---: |",
            f"| {f['deliveries']} of {f['deliveries_expected']} | {f['p50_ms']} | "
            f"{f['p90_ms']} | {f['p99_ms']} | {f['max_ms']} |",
            "",
            f"Email: {e['emails']} notifications in the outbox sent by the worker's loop "
            "(one SMTP connection per email, as `outbox.send_due` does) to an aiosmtpd sink on "
            f"loopback: {e['sent']} sent in {e['seconds']} s, "
            f"**{e['emails_per_second']} emails/s**; the sink kept {e['kept_by_the_sink']}, "
            f"the outbox after the run: {e['outbox_after']}; client sessions of the bench "
            f"database before the run: {len(e['other_clients_before'])} (the bench's own app "
            f"servers, --no-worker, among them), emails already waiting: {e['waiting_before']}.",
        ]
    )
