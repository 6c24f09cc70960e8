"""Two app processes and two workers on the same PostgreSQL and Redis behave as one service:
a listing changed through one process is never served stale by the other, the rate limit is
shared, an event stream on one process receives a message sent through the other, a periodic
job runs once per schedule however many workers there are, and the email reaches the mailbox
once."""

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.config import Settings
from fabricloop.core.mailsink import kept_mails, start_sink
from fabricloop.notifications.models import Notification
from fabricloop.transactions.models import Transaction
from tests.events.helpers import read_events
from tests.factories import TEST_SECRET, auth_headers, make_material, make_transaction, make_user
from tests.http_servers import free_port

pytestmark = pytest.mark.concurrency

LIMIT = 60
EXPIRY_CHECK_SECONDS = 2


def environment(settings: Settings, var_dir: Path, smtp_port: int) -> dict[str, str]:
    assert settings.database_url is not None
    assert settings.redis_url is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS"))}
    env.update(
        ENV="development",
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        JOB_QUEUE=settings.job_queue,
        JWT_SECRET=TEST_SECRET,
        RATE_LIMIT_PER_MINUTE=str(LIMIT),
        VAR_DIR=str(var_dir),
        LOG_LEVEL="debug",
        SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        EXPIRY_CHECK_SECONDS=str(EXPIRY_CHECK_SECONDS),
        PUBLIC_BASE_URL="http://testserver",
    )
    return env


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()


def text_of(path: Path) -> str:
    return path.read_text() if path.exists() else ""


async def healthy(url: str, child: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient(timeout=2) as http:
        for _ in range(600):
            assert child.poll() is None, text_of(log)[-3000:]
            try:
                if (await http.get(f"{url}/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} never became healthy: {text_of(log)[-3000:]}")


@pytest.fixture
async def cluster(
    settings: Settings,
    committed: object,  # noqa: ARG001
    redis: Redis,  # noqa: ARG001
    tmp_path: Path,
) -> AsyncIterator[dict[str, Any]]:
    """Two `uvicorn` app processes and two `fabricloop worker` processes; a mail sink."""
    smtp_port = free_port()
    sink = start_sink(tmp_path / "mail", port=smtp_port)
    ports = [free_port(), free_port()]
    with ExitStack() as stack:
        apps = []
        for i, port in enumerate(ports):
            var_dir = tmp_path / f"app{i}"
            log = tmp_path / f"app{i}.log"
            child = stack.enter_context(
                process(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "fabricloop.app:create_configured_app",
                        "--factory",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                    ],
                    environment(settings, var_dir, smtp_port),
                    log,
                )
            )
            apps.append((f"http://127.0.0.1:{port}", child, log))
        workers = []
        for i in range(2):
            var_dir = tmp_path / f"worker{i}"
            log = tmp_path / f"worker{i}.log"
            stack.enter_context(
                process(
                    [sys.executable, "-m", "fabricloop.cli", "worker"],
                    environment(settings, var_dir, smtp_port),
                    log,
                )
            )
            workers.append(var_dir / "log" / "worker.log")
        for url, child, log in apps:
            await healthy(url, child, log)
        try:
            yield {
                "apps": [url for url, _, _ in apps],
                "app_logs": [log for _, _, log in apps],
                "worker_logs": workers,
                "queue": settings.job_queue,
                "mail": tmp_path / "mail",
            }
        finally:
            sink.stop()


async def test_processes_behave_as_one(
    cluster: dict[str, Any], committed: async_sessionmaker[AsyncSession]
) -> None:
    one, other = cluster["apps"]
    async with committed() as session:
        seller = await make_user(session, company_name="Mill One")
        buyer = await make_user(
            session, role="brand", email="buyer@example.com", company_name="Brand Two"
        )
        material = await make_material(session, seller, price=Decimal("4.00"))
        overdue = await make_transaction(
            session, material, buyer, expires_at=datetime.now(UTC) - timedelta(minutes=1)
        )
        await session.commit()
    detail = f"/api/materials/{material.id}"

    async with httpx.AsyncClient(timeout=15) as http:
        # 1. A listing changed through one process is never served stale by the other.
        for price in ("4.50", "5.25", "6.00"):
            warm = await http.get(other + detail)
            assert warm.status_code == 200
            changed = await http.put(
                one + detail, json={"price": price}, headers=auth_headers(seller)
            )
            assert changed.status_code == 200, changed.text
            served = await http.get(other + detail)
            assert Decimal(served.json()["price"]) == Decimal(price)

        # 2. An event stream on one process receives a message sent through the other.
        async with http.stream(
            "GET", other + "/api/events", headers=auth_headers(seller)
        ) as stream:
            events = read_events(stream)
            assert await asyncio.wait_for(anext(events), 10) == ("ready", {})
            sent = await http.post(
                one + "/api/messages",
                json={"recipient_id": str(seller.id), "content": "Across processes"},
                headers=auth_headers(buyer),
            )
            assert sent.status_code == 201
            name, data = await asyncio.wait_for(anext(events), 10)
            assert name == "message"
            assert data["message_id"] == sent.json()["message_id"]

        # 3. The worker sends the message's email; the mailbox has it once.
        def about_the_message() -> list[str]:
            return [
                m.to
                for m in kept_mails(cluster["mail"])
                if m.subject == "New message from Brand Two"
            ]

        for _ in range(300):
            if about_the_message():
                break
            await asyncio.sleep(0.1)
        assert about_the_message() == [seller.email]

        # The app enqueued that send on the cluster's queue (JOB_QUEUE, passed to all four
        # processes), and a worker took that very job from it.
        enqueued = re.search(
            rf"Enqueuing Job<function: send_emails, queue: {re.escape(cluster['queue'])}, "
            r"key: ([0-9a-f-]{36}),",
            text_of(cluster["app_logs"][0]),
        )
        assert enqueued is not None
        taken = f"Processing Job<function: send_emails, queue: {cluster['queue']}, "
        taken += f"key: {enqueued[1]},"
        for _ in range(300):
            if any(taken in text_of(log) for log in cluster["worker_logs"]):
                break
            await asyncio.sleep(0.1)
        assert any(taken in text_of(log) for log in cluster["worker_logs"])

        # 4. The expiry job, run by the workers every 2 s, cancels the overdue order once.
        for _ in range(300):
            async with committed() as session:
                status = await session.scalar(
                    select(Transaction.status).where(Transaction.id == overdue.id)
                )
            if status == "cancelled":
                break
            await asyncio.sleep(0.1)
        assert status == "cancelled"

        # 5. The rate limit is one budget for both processes.
        served_by = {one: 0, other: 0}
        limited = None
        for i in range(2 * LIMIT):
            url = (one, other)[i % 2]
            response = await http.get(url + "/api/materials?limit=1")
            if response.status_code == 429:
                limited = url
                break
            served_by[url] += 1
        assert limited is not None
        assert served_by[one] < LIMIT
        assert served_by[other] < LIMIT

    async with committed() as session:
        history = await session.scalar(
            select(Transaction.status_history).where(Transaction.id == overdue.id)
        )
        cancelled_notices = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "order_cancelled")
        )
    assert [entry["status"] for entry in history or []].count("cancelled") == 1
    assert cancelled_notices == 2  # the buyer and the seller, once each

    # Each scheduled run of a periodic job ran on one worker only. The wait ends at the third
    # run of the expiry job: a bound, not a timing. (Twice in CI the runs stopped after two:
    # a worker of another run on the same Redis database took the jobs of the one queue every
    # process shared then. The cluster has a queue of its own now, JOB_QUEUE.)
    runs: dict[tuple[str, int], int] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        runs.clear()
        for log in cluster["worker_logs"]:
            for line in text_of(log).splitlines():
                entry = json.loads(line)
                # A run the schedule made (an ad-hoc run enqueued after a commit, such as
                # match_saved_searches after a listing change, has no schedule: scheduled 0).
                if entry.get("event") == "periodic job run" and entry.get("scheduled"):
                    key = (entry["job"], entry["scheduled"])
                    runs[key] = runs.get(key, 0) + 1
        if sum(1 for job, _ in runs if job == "expire_unpaid_orders") >= 3:
            break
        await asyncio.sleep(0.2)
    expiry_runs = [key for key in runs if key[0] == "expire_unpaid_orders"]
    worth_reading = [
        line
        for log in cluster["worker_logs"]
        for line in text_of(log).splitlines()
        if "expire_unpaid_orders" in line or '"level":"warn' in line or '"level":"error"' in line
    ]
    assert len(expiry_runs) >= 3, "\n".join(worth_reading[-40:])
    assert set(runs.values()) == {1}
