"""Two versions of the app over HTTP, side by side: a server of the code at `--against` (a
`git worktree` of the commit to compare, its `backend/src`) and one of this checkout's, both
up at once on the bench database and Redis, the same buyers, each round's load sent to one
then the other (their order alternating), with the CPU each purchase cost the app's processes,
PostgreSQL and the load generator. On a shared 2-core host throughput moves +-10 % within
minutes; two versions measured in the same minutes show what a change does to a purchase
under load, PostgreSQL's side included (`python -m bench.inprocess` measures the app's CPU
alone, without HTTP).

    python -m bench.sidebyside --against /path/to/other/backend/src [--rounds 6]
        [--pays] [--listing hot|many] [--seconds 8]

Prints each run and the medians. Figures are printed, never asserted."""

import argparse
import statistics
import sys
from typing import Any

from fabricloop.auth import tokens
from fabricloop.core import migrate
from fabricloop.ops.pgtools import connect

from bench import env as bench_env_module
from bench import loadgen
from bench.env import JWT_SECRET, SERVER_PIDS, SERVER_SETTINGS, BenchEnv, prepare_data
from bench.pgbench import delete_bench_users, seed_history
from bench.purchases import (
    CLIENTS,
    EMAIL,
    HOT_STOCK,
    MANY_LISTINGS,
    MANY_SELLERS,
    _listings,
    _load,
    _logins,
    _users,
)
from bench.usage import Meter

VERSIONS = ("against", "this")


def _start(env: BenchEnv, against: str) -> dict[str, str]:
    """A server of each version (two uvicorn workers each, as the purchases benchmark runs)."""
    SERVER_SETTINGS["PYTHONPATH"] = against
    try:
        bench_env_module.start_servers(env, [("uvicorn", 2, 1)])
    finally:
        del SERVER_SETTINGS["PYTHONPATH"]
    bench_env_module.start_servers(env, [("uvicorn", 2, 0)])
    running = bench_env_module.running_servers()
    return {"against": running["uvicorn x2 #1"], "this": running["uvicorn x2"]}


async def _rounds(env: BenchEnv, servers: dict[str, str], options: argparse.Namespace) -> None:
    connection = await connect(env.database_url)
    runs: dict[str, list[dict[str, Any]]] = {version: [] for version in VERSIONS}
    try:
        sellers = await _users(connection, MANY_SELLERS, "manufacturer")
        buyers = await _users(connection, CLIENTS, "brand")
        families = await _logins(connection, buyers)
        headers = [
            {
                "Authorization": "Bearer "
                + tokens.issue(JWT_SECRET, b, "access", 7200, family_id=f)[0]
            }
            for b, f in zip(buyers, families, strict=True)
        ]
        await seed_history(connection, EMAIL)
        for base in servers.values():  # connections, caches, the first queries' plans
            warm_up = await _listings(connection, sellers, 10, HOT_STOCK)
            await _load(base, headers, warm_up, pays=True, duration=3)
        for number in range(options.rounds):
            for version in VERSIONS if number % 2 == 0 else reversed(VERSIONS):
                base = servers[version]
                listings = await _listings(
                    connection,
                    sellers[:1] if options.listing == "hot" else sellers,
                    1 if options.listing == "hot" else MANY_LISTINGS,
                    HOT_STOCK,
                )
                meter = Meter(SERVER_PIDS[base], connection)
                await meter.start()
                figures = await _load(
                    base, headers, listings, pays=options.pays, duration=options.seconds
                )
                usage = await meter.stop(figures["purchases"])
                run = {
                    "purchases_per_second": figures["purchases_per_second"],
                    "app_ms": usage["app_cpu_ms_per_request"],
                    "db_ms": usage["db_cpu_ms_per_request"],
                    "client_ms": usage["client_cpu_ms_per_request"],
                    "p99_ms": {k: v["p99_ms"] for k, v in figures["requests"].items()},
                    "statuses": {k: v["statuses"] for k, v in figures["requests"].items()},
                }
                runs[version].append(run)
                print(f"round {number} {version}: {run}", flush=True)
    finally:
        await delete_bench_users(connection, EMAIL)
        await connection.close()
    for version, done in runs.items():
        medians = {
            key: round(statistics.median(float(run[key]) for run in done), 2)
            for key in ("purchases_per_second", "app_ms", "db_ms", "client_ms")
        }
        every = statistics.median(
            float(run["app_ms"]) + float(run["db_ms"]) + float(run["client_ms"]) for run in done
        )
        print(f"medians, {version}: {medians}, all CPU {every:.2f} ms per purchase")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sidebyside", description=__doc__)
    parser.add_argument("--against", required=True, help="the other version's backend/src")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--pays", action="store_true", help="pay each order at once")
    parser.add_argument("--listing", choices=("hot", "many"), default="many")
    parser.add_argument("--seconds", type=float, default=8.0)
    options = parser.parse_args(argv)
    env = bench_env_module.bench_env()
    prepare_data(env)
    migrate.upgrade(env.database_url)
    try:
        servers = _start(env, options.against)
        loadgen.run(_rounds(env, servers, options))
    finally:
        bench_env_module.stop_servers()


if __name__ == "__main__":
    main(sys.argv[1:])
