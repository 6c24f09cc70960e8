"""The app's own CPU per purchase, in process: 32 tasks call the ASGI app directly (no HTTP
parsing, no load generator beside it) against the bench database and Redis, and the process's
CPU time is divided by the purchases made; so is the bench PostgreSQL server's CPU (all its
processes, when it runs on this machine; apart, the part of it used by those that ended during
the run: autovacuum's workers, sessions closed) and what it counted for the bench database
(`pg_stat_database`: transactions, tuples, buffer hits, sessions), to set beside pgbench's
replay of the same SQL. Throughput on a shared 2-core host moves +-10 % between runs with
the host's speed; this figure moves less, and alternating two versions of the code in the
same minutes shows what a change does to a purchase's CPU.

    python -m bench.inprocess [--request KIND] [--purchases N]
    python -m bench.inprocess --against /path/to/other/backend/src --pairs 4 [--request KIND]

KIND: `order` (the default), `pay` (each order paid at once), `message` (a buyer to the seller
of a listing, about it), `create_listing`, `update_listing` (a seller reprices and restocks
one of theirs), as bench.writes sends them: the CPU per order, purchase or request.

The second form runs the code at that path (a `git worktree` of the commit to compare, its
`backend/src`) and this checkout's alternately, each in a process of its own, and prints
each run and the medians. Figures are printed, never asserted.

    python -m bench.inprocess --instructions [--against ... --pairs N] [--request KIND]

counts the instructions the app executes per purchase instead (under Valgrind's callgrind,
bench.instructions): some 50 times slower, so a few hundred purchases (`--purchases 320`), but
a figure the host's speed and its neighbours do not move, for a change smaller than the noise
of the CPU time. The database's work is not in it."""

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import instructions

TASKS = 32
WARM_UP_PER_TASK = 20
SELLERS = 20
LISTINGS = 200
# Under callgrind: 10 per task, about 1.5 minutes for orders and 3 for paid purchases.
COUNTED_PURCHASES = 320
REQUESTS = ("order", "pay", "message", "create_listing", "update_listing")


def _configure() -> None:
    """The app's settings, as bench.env gives its servers (set before the app is built)."""
    from fabricloop.config import get_settings

    from bench.env import JWT_SECRET, SERVER_SETTINGS, bench_env

    env = bench_env()
    os.environ.update(
        {
            "DATABASE_URL": env.database_url,
            "REDIS_URL": env.redis_url,
            "RATE_LIMIT_PER_MINUTE": "1000000000",
            "RATE_LIMIT_PER_USER_PER_MINUTE": "1000000000",
            "LOG_LEVEL": "info",
            "LOG_FILE": "/dev/null",
            "SEED_DEMO": "false",
            **SERVER_SETTINGS,
            "JWT_SECRET": JWT_SECRET,
        }
    )
    get_settings.cache_clear()


# What PostgreSQL counts for the bench database (pg_stat_database), per purchase in the output.
# Both ends of the run lag by up to a second (bench.usage.database_counts); over a run of
# several seconds in a steady state the lags cancel.
DATABASE_STATS = (
    "xact_commit",
    "xact_rollback",
    "tup_returned",
    "tup_fetched",
    "blks_hit",
    "sessions",
)


async def _call(
    app: Any, path: str, headers: dict[str, str], body: dict[str, Any], method: str = "POST"
) -> Any:
    """Send `body` to the ASGI app; (status, parsed JSON body)."""
    raw = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(raw)).encode()),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    delivered = False
    response: dict[str, Any] = {"status": None, "body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()  # a client that never disconnects
        delivered = True
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif message["type"] == "http.response.body":
            response["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return response["status"], json.loads(response["body"] or b"null")


async def _measure(purchases: int, request: str) -> dict[str, Any]:
    _configure()
    import fabricloop
    from fabricloop.app import create_configured_app
    from fabricloop.auth import tokens
    from fabricloop.ops.pgtools import connect

    from bench.env import JWT_SECRET, bench_env
    from bench.pgbench import delete_bench_users, seed_history
    from bench.purchases import ADDRESS, EMAIL, _listings, _logins, _users
    from bench.usage import ServerCpu, database_counts, postgres_pids
    from bench.writes import LISTING, update_body

    app = create_configured_app()
    connection = await connect(bench_env().database_url)
    statuses: dict[str, int] = {}
    try:
        async with app.router.lifespan_context(app):
            sellers = await _users(connection, SELLERS, "manufacturer")
            buyers = await _users(connection, TASKS, "brand")
            selling = request in ("create_listing", "update_listing")
            users = [sellers[t % SELLERS] for t in range(TASKS)] if selling else buyers
            families = await _logins(connection, users)
            headers = [
                {
                    "Authorization": "Bearer "
                    + tokens.issue(JWT_SECRET, u, "access", 7200, family_id=f)[0]
                }
                for u, f in zip(users, families, strict=True)
            ]
            listings = [str(i) for i in await _listings(connection, sellers, LISTINGS, 1_000_000)]
            seller_of = {
                str(row["id"]): str(row["seller_id"])
                for row in await connection.fetch(
                    "SELECT id, seller_id FROM materials WHERE id = ANY($1::uuid[])", listings
                )
            }
            own = [[i for i in listings if seller_of[i] == str(users[t])] for t in range(TASKS)]

            async def buy(task: int, count: int) -> None:
                rng = random.Random(task)
                for _ in range(count):
                    if request == "create_listing":
                        status, _ = await _call(app, "/api/materials", headers[task], LISTING)
                        statuses[f"create {status}"] = statuses.get(f"create {status}", 0) + 1
                        continue
                    if request == "update_listing":
                        path = f"/api/materials/{rng.choice(own[task])}"
                        change = update_body(rng.randrange(1 << 30))
                        status, _ = await _call(app, path, headers[task], change, "PUT")
                        statuses[f"update {status}"] = statuses.get(f"update {status}", 0) + 1
                        continue
                    if request == "message":
                        listing = rng.choice(listings)
                        note = {
                            "recipient_id": seller_of[listing],
                            "material_id": listing,
                            "content": "Is the jersey still available? A swatch, please.",
                        }
                        status, _ = await _call(app, "/api/messages", headers[task], note)
                        statuses[f"message {status}"] = statuses.get(f"message {status}", 0) + 1
                        continue
                    body = {"material_id": rng.choice(listings), "quantity": 1}
                    status, order = await _call(
                        app,
                        "/api/transactions",
                        headers[task],
                        {**body, "shipping_address": ADDRESS},
                    )
                    statuses[f"order {status}"] = statuses.get(f"order {status}", 0) + 1
                    if request == "pay" and status == 201:
                        keyed = {**headers[task], "Idempotency-Key": secrets.token_hex(16)}
                        payment = {
                            "transaction_id": order["transaction_id"],
                            "payment_method": "pm_card_visa",
                        }
                        status, _ = await _call(app, "/api/payments", keyed, payment)
                        statuses[f"pay {status}"] = statuses.get(f"pay {status}", 0) + 1

            await seed_history(connection, EMAIL)
            await asyncio.gather(*(buy(t, WARM_UP_PER_TASK) for t in range(TASKS)))
            statuses.clear()
            each = max(1, purchases // TASKS)
            db_before = ServerCpu.read(await postgres_pids(connection))
            db_stats = await database_counts(connection, DATABASE_STATS)
            if instructions.measuring():
                instructions.start()
            cpu, wall = time.process_time(), time.perf_counter()
            await asyncio.gather(*(buy(t, each) for t in range(TASKS)))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if instructions.measuring():
                instructions.stop()
            db_cpu, db_ended = ServerCpu.read(await postgres_pids(connection)).since(db_before)
            after = await database_counts(connection, DATABASE_STATS)
            db_stats = {k: v - db_stats[k] for k, v in after.items()}
    finally:
        await delete_bench_users(connection, EMAIL)
        await connection.close()
    made = each * TASKS
    return {
        "code": os.path.dirname(fabricloop.__file__),
        "purchases": made,
        "app_cpu_us_per_purchase": round(cpu / made * 1e6),
        "db_cpu_us_per_purchase": round(db_cpu / made * 1e3) if db_before.live else None,
        "db_ended_cpu_us_per_purchase": round(db_ended / made * 1e3) if db_before.live else None,
        "purchases_per_second": round(made / wall, 1),
        "database_per_purchase": {k: round(v / made, 2) for k, v in db_stats.items()},
        "statuses": statuses,
    }


def _output(command: list[str], environment: dict[str, str]) -> str:
    """The last line a run printed (its figures); its error output if it failed."""
    run = subprocess.run(command, env=environment, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{command} exited with {run.returncode}:\n{run.stderr[-4000:]}")
    return run.stdout.strip().splitlines()[-1]


def _child(arguments: list[str], code: str | None) -> tuple[list[str], dict[str, str]]:
    """The command and environment of one run of this module in a process of its own, on the
    code at `code` (another checkout's `backend/src`) or this checkout's."""
    environment = {**os.environ}
    if code is not None:
        environment["PYTHONPATH"] = code
    return [sys.executable, "-m", "bench.inprocess", *arguments], environment


def _timed(arguments: list[str], code: str | None) -> dict[str, Any]:
    """One run of this module in a process of its own: its figures."""
    figures: dict[str, Any] = json.loads(_output(*_child(arguments, code)))
    return figures


def _alternate(other_src: str, pairs: int, arguments: list[str], by_instructions: bool) -> None:
    measure, figure = (
        (counted, "app_instructions_per_purchase")
        if by_instructions
        else (_timed, "app_cpu_us_per_purchase")
    )
    runs: dict[str, list[int]] = {"against": [], "this": []}
    for pair in range(pairs):
        for which in ("against", "this"):
            figures = measure(arguments, other_src if which == "against" else None)
            runs[which].append(figures[figure])
            print(
                f"{time.strftime('%H:%M:%S')} pair {pair + 1} {which}: {json.dumps(figures)}",
                flush=True,
            )
    medians = {which: statistics.median(values) for which, values in runs.items()}
    change = (medians["this"] - medians["against"]) / medians["against"] * 100
    print(
        f"median {figure}: against {medians['against']}, this {medians['this']} ({change:+.1f} %)"
    )


def counted(arguments: list[str], code: str | None) -> dict[str, Any]:
    """One run of this module under callgrind (the code at `code`, or this checkout's): its
    figures, and the instructions the app executed per purchase in the measured window."""
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as out_dir:
        command, environment = instructions.callgrind(*_child(arguments, code), Path(out_dir))
        figures: dict[str, Any] = json.loads(_output(command, environment))
        total = instructions.window_total(Path(out_dir))
    figures["app_instructions_per_purchase"] = round(total / figures["purchases"])
    # Under callgrind the process runs some 50 times slower: its times say nothing, nor the
    # database's CPU at that pace.
    for slowed in (
        "app_cpu_us_per_purchase",
        "purchases_per_second",
        "db_cpu_us_per_purchase",
        "db_ended_cpu_us_per_purchase",
    ):
        figures.pop(slowed)
    return figures


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--request", choices=REQUESTS, default="order")
    parser.add_argument(
        "--purchases", type=int, help="purchases counted: 1500, or 320 with --instructions"
    )
    parser.add_argument("--against", help="another backend/src to alternate with this one")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count the instructions the app executes per purchase under Valgrind's callgrind "
        "(bench.instructions) instead of timing its CPU: some 50 times slower, so a few "
        "hundred purchases, and a figure the host's speed does not move",
    )
    options = parser.parse_args(argv)
    if options.instructions and not instructions.available():
        parser.error("--instructions needs Valgrind (valgrind and callgrind_control)")
    purchases = options.purchases or (COUNTED_PURCHASES if options.instructions else 1500)
    arguments = ["--purchases", str(purchases), "--request", options.request]
    if options.against:
        _alternate(options.against, options.pairs, arguments, options.instructions)
        return
    if options.instructions:
        print(json.dumps(counted(arguments, None)))
        return
    import uvloop

    print(json.dumps(uvloop.run(_measure(purchases, options.request))))


if __name__ == "__main__":
    main(sys.argv[1:])
