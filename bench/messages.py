"""Messaging at 1,000,000 messages: the conversation list (one query) and the history with one
user, for a busy user (500 counterparts, 20,000 messages) and a typical one, timed through the
app's own repository functions, with EXPLAIN ANALYZE of the conversation query.

The data lives in a database of its own (fabricloop_bench_messages), generated once with COPY
and kept between runs. Run alone with `python -m bench.messages`."""

import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fabricloop.config import Settings
from fabricloop.core import migrate
from fabricloop.core.db import create_engine
from fabricloop.messages import repository
from fabricloop.messages.repository import CONVERSATIONS_SQL
from fabricloop.ops.pgtools import connect, create_database_if_missing
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from bench.env import QUICK, BenchEnv

NAME = "messages"
# `make bench-quick`: a database of its own at a twentieth of the size.
DATABASE = "fabricloop_bench_messages_quick" if QUICK else "fabricloop_bench_messages"
USERS = 1_000 if QUICK else 10_000
MESSAGES = 50_000 if QUICK else 1_000_000
BUSY_MESSAGES = 2_000 if QUICK else 20_000
BUSY_COUNTERPARTS = 50 if QUICK else 500
ROUNDS = 5 if QUICK else 30
# One long conversation between two users, for paging back through a history.
LONG_THREAD = 1_000 if QUICK else 10_000
CHUNK = 50_000
WORDS = [
    "hello",
    "is",
    "the",
    "jersey",
    "still",
    "available",
    "could",
    "you",
    "send",
    "a",
    "swatch",
    "we",
    "need",
    "300",
    "kg",
    "by",
    "march",
    "what",
    "is",
    "the",
    "minimum",
    "order",
    "price",
    "per",
    "metre",
    "GOTS",
    "certificate",
    "attached",
    "thanks",
    "shipping",
    "to",
    "Porto",
    "next",
    "week",
    "invoice",
    "please",
    "recycled",
    "polyester",
    "deadstock",
]


def _url(env: BenchEnv) -> str:
    return make_url(env.database_url).set(database=DATABASE).render_as_string(False)


def _content(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(4, 60)))


async def _generate(url: str) -> dict[str, Any]:
    """Users and messages with COPY; skipped when the data is already there."""
    connection = await connect(url)
    try:
        present = await connection.fetchval("SELECT count(*) FROM messages")
        if present >= MESSAGES:
            return {"generated": 0, "present": present}
        await connection.execute("TRUNCATE messages, users CASCADE")
        rng = random.Random(42)
        started = time.perf_counter()
        user_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(USERS)]
        await connection.copy_records_to_table(
            "users",
            records=[
                (uid, f"bench-{i}@example.com", "!", f"Company {i}", "manufacturer")
                for i, uid in enumerate(user_ids)
            ],
            columns=["id", "email", "password_hash", "company_name", "role"],
        )
        busy = user_ids[0]
        partners = user_ids[1 : BUSY_COUNTERPARTS + 1]
        start = datetime.now(UTC) - timedelta(days=365)
        step = timedelta(days=365) / MESSAGES
        written = 0
        while written < MESSAGES:
            rows = []
            for i in range(written, min(MESSAGES, written + CHUNK)):
                if i % (MESSAGES // BUSY_MESSAGES) == 0:  # spread over the whole year
                    pair = [busy, rng.choice(partners)]
                    rng.shuffle(pair)
                    sender, recipient = pair
                else:
                    sender, recipient = rng.sample(user_ids[1:], 2)
                at = start + step * i
                read_at = at + timedelta(minutes=5) if rng.random() < 0.8 else None
                rows.append(
                    (
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        sender,
                        recipient,
                        _content(rng),
                        at,
                        read_at,
                    )
                )
            await connection.copy_records_to_table(
                "messages",
                records=rows,
                columns=["id", "sender_id", "recipient_id", "content", "created_at", "read_at"],
            )
            written += len(rows)
            print(f"  {written:,} messages", flush=True)
        await connection.execute("VACUUM ANALYZE messages")
        await connection.execute("ANALYZE users")
        return {"generated": MESSAGES, "seconds": round(time.perf_counter() - started, 1)}
    finally:
        await connection.close()


async def _ensure_long_thread(url: str) -> tuple[uuid.UUID, uuid.UUID]:
    connection = await connect(url)
    try:
        ids = await connection.fetch(
            "SELECT id FROM users WHERE email IN ($1, $2) ORDER BY email",
            f"bench-{USERS - 2}@example.com",
            f"bench-{USERS - 1}@example.com",
        )
        first, second = ids[0]["id"], ids[1]["id"]
        present = await connection.fetchval(
            "SELECT count(*) FROM messages WHERE (sender_id = $1 AND recipient_id = $2) "
            "OR (sender_id = $2 AND recipient_id = $1)",
            first,
            second,
        )
        if present < LONG_THREAD:
            rng = random.Random(7)
            start = datetime.now(UTC) - timedelta(days=300)
            rows = []
            for i in range(LONG_THREAD):
                sender, recipient = (first, second) if i % 3 else (second, first)
                at = start + timedelta(minutes=30 * i)
                rows.append(
                    (
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        sender,
                        recipient,
                        _content(rng),
                        at,
                        at + timedelta(minutes=1),
                    )
                )
            await connection.copy_records_to_table(
                "messages",
                records=rows,
                columns=["id", "sender_id", "recipient_id", "content", "created_at", "read_at"],
            )
            await connection.execute("ANALYZE messages")
        return first, second
    finally:
        await connection.close()


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def _measure(url: str) -> dict[str, Any]:
    # The app's own engine settings (statement timeout, JIT off...), as a request would run.
    engine = create_engine(Settings(env="test", database_url=url, jwt_secret="x" * 40))
    maker = async_sessionmaker(engine, expire_on_commit=False)
    raw = await connect(url)
    try:
        busy = await raw.fetchval(
            "SELECT sender_id FROM messages GROUP BY sender_id ORDER BY count(*) DESC LIMIT 1"
        )
        typical = await raw.fetchval(
            "SELECT id FROM users WHERE email = $1", f"bench-{USERS // 2}@example.com"
        )
        first, second = await _ensure_long_thread(url)
        figures: dict[str, Any] = {
            "messages": await raw.fetchval("SELECT count(*) FROM messages"),
            "busy_user_messages": await raw.fetchval(
                "SELECT count(*) FROM messages WHERE sender_id = $1 OR recipient_id = $1", busy
            ),
            "typical_user_messages": await raw.fetchval(
                "SELECT count(*) FROM messages WHERE sender_id = $1 OR recipient_id = $1",
                typical,
            ),
        }
        for label, user in (("busy", busy), ("typical", typical)):
            for name, call in (
                ("conversations", lambda s, u=user: repository.conversations(s, u, 20, 0)),
                (
                    "conversations_page_10",
                    lambda s, u=user: repository.conversations(s, u, 20, 180),
                ),
                ("unread_count", lambda s, u=user: repository.unread_count(s, u)),
            ):
                samples = []
                for _ in range(ROUNDS):
                    async with maker() as session:
                        started = time.perf_counter()
                        await call(session)
                        samples.append((time.perf_counter() - started) * 1000)
                figures[f"{label}_{name}"] = _summary(samples)
        samples = []
        cursor = None
        async with maker() as session:
            for _ in range(ROUNDS):
                started = time.perf_counter()
                rows = await repository.history(session, first, second, 50, cursor)
                samples.append((time.perf_counter() - started) * 1000)
                if rows:  # walk backwards page by page, as a client scrolling up would
                    cursor = (rows[-1].created_at, rows[-1].id)
        figures["long_thread_history_50_paging_back"] = _summary(samples)
        figures["long_thread_messages"] = await raw.fetchval(
            "SELECT count(*) FROM messages WHERE (sender_id = $1 AND recipient_id = $2) "
            "OR (sender_id = $2 AND recipient_id = $1)",
            first,
            second,
        )
        async with maker() as session:
            plan = (
                await session.execute(
                    text("EXPLAIN (ANALYZE, BUFFERS) " + CONVERSATIONS_SQL.text),
                    {"me": busy, "limit": 20, "offset": 0},
                )
            ).all()
        lines = [r[0] for r in plan]
        figures["explain_conversations_busy"] = lines
        figures["explain_execution_ms"] = next(
            float(line.split(":")[1].split()[0]) for line in lines if "Execution Time" in line
        )
        return figures
    finally:
        await raw.close()
        await engine.dispose()


def run(env: BenchEnv) -> dict[str, Any]:
    url = _url(env)
    asyncio.run(create_database_if_missing(url))
    migrate.upgrade(url)
    generated = asyncio.run(_generate(url))
    return {"data": generated, **asyncio.run(_measure(url))}


def report(result: dict[str, Any]) -> str:
    rows = [
        "| query | user | p50 ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for key in (
        "busy_conversations",
        "busy_conversations_page_10",
        "busy_unread_count",
        "long_thread_history_50_paging_back",
        "typical_conversations",
        "typical_conversations_page_10",
        "typical_unread_count",
    ):
        user, _, query = key.partition("_")
        if user == "long":
            user, query = "long thread", key.removeprefix("long_thread_")
        figures = result[key]
        rows.append(
            f"| {query} | {user} | {figures['p50_ms']} | {figures['p95_ms']} | "
            f"{figures['max_ms']} |"
        )
    plan = "\n".join(result["explain_conversations_busy"])
    return (
        f"{result['messages']:,} messages among {USERS:,} users; the busy user has "
        f"{result['busy_user_messages']:,} messages with {BUSY_COUNTERPARTS} counterparts, "
        f"the typical one {result['typical_user_messages']:,}; the long thread has "
        f"{result['long_thread_messages']:,} messages between two users (paged back 50 at a "
        f"time from the newest). Each round opens a session on "
        f"the app's own engine (pool checkout with pre-ping, BEGIN, the query, as a request "
        f"does), {ROUNDS} rounds per row; the machine is shared, see the load average above.\n\n"
        + "\n".join(rows)
        + "\n\nThe conversation list is one statement. The counterparts come from index-only "
        "scans of both (sender, recipient, created_at, id) indexes; per counterpart a lateral "
        "subquery takes the newest (created_at, id) of each direction from the same indexes "
        "(index-only, one probe each); only the requested page then reads message text and "
        "company names and counts unread messages from the partial unread index. Its cost grows "
        "with the caller's own messages and counterparts, not with the table. EXPLAIN ANALYZE "
        "for the busy user "
        f"(execution {result['explain_execution_ms']} ms):\n\n```\n{plan}\n```\n"
    )


def main() -> int:
    """Run this benchmark alone, as `python -m bench` would, and record it the same way."""
    import json
    import os

    from bench.env import ROOT, bench_env, machine
    from bench.report import update_section

    env = bench_env()
    load_before = os.getloadavg()
    started = time.perf_counter()
    outcome = run(env)
    context = {
        "machine": machine(),
        "materials": env.materials,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average_before": [round(x, 2) for x in load_before],
    }
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    payload = {"context": context, "result": outcome}
    (results / f"{NAME}.json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    update_section(NAME, context, report(outcome))
    print(json.dumps({k: v for k, v in outcome.items() if k != "explain_conversations_busy"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
