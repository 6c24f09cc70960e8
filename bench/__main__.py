"""`make bench` / `python -m bench [name ...]`: run the benchmarks listed in BENCHMARKS against
a database and Redis of their own, write each one's figures to bench/results/<name>.json and
its file in bench/results/ (docs/performance.md summarises them). Figures are never
asserted anywhere."""

import importlib
import json
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from fabricloop.core import migrate

from bench.env import (
    QUICK,
    ROOT,
    SERVER_STARTS,
    bench_env,
    cpu_calibration,
    machine,
    prepare_data,
    running_servers,
    start_servers,
    stop_servers,
)
from bench.report import update_section
from bench.usage import server_rss

# Each module has NAME, run(env) -> dict and report(result) -> str (markdown). Add yours here.
BENCHMARKS = [
    "bench.materials_search",
    "bench.search_facets",
    "bench.material_detail",
    "bench.messages",
    "bench.purchases",
    "bench.writes",
    "bench.money",
    "bench.live_updates",
    "bench.roundtrip",
    "bench.notify",
    "bench.app_instructions",
]
# A quick run's figures are a check, not a record: kept out of bench/results/.
RESULTS = ROOT / "var" / "bench" / "quick-results" if QUICK else ROOT / "bench" / "results"


def main(argv: list[str]) -> int:
    selected = set(argv)
    env = bench_env()
    started = time.perf_counter()
    data = prepare_data(env)
    context: dict[str, Any] = {
        "machine": machine(),
        "materials": data["active_listings"],
        "data": data,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    print(f"bench data ready: {json.dumps(data)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    modules = [importlib.import_module(name) for name in BENCHMARKS]
    modules = [m for m in modules if not selected or m.NAME in selected]
    try:
        # Every server the selected benchmarks use, started at once and shared by them.
        migrate.upgrade(env.database_url)
        launch_started = time.perf_counter()
        start_servers(env, [key for m in modules for key in getattr(m, "SERVERS_USED", ())])
        context["servers_started_seconds"] = round(time.perf_counter() - launch_started, 1)
        print(f"servers up in {context['servers_started_seconds']} s: {SERVER_STARTS}", flush=True)
        for module in modules:
            print(f"running {module.NAME} ...", flush=True)
            bench_started = time.perf_counter()
            load_before = os.getloadavg()
            check_before = cpu_calibration()
            starts_before = set(SERVER_STARTS)
            result = module.run(env)
            check_after = cpu_calibration()
            context_now = {
                **context,
                "seconds": round(time.perf_counter() - bench_started, 1),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "cpu_check": {"before": check_before, "after": check_after},
                # Servers this benchmark started (others it shared with the ones before it).
                # Memory of every app process up after this benchmark (shared servers too).
                "app_rss_mb": {name: server_rss(base) for name, base in running_servers().items()},
                "server_start_seconds": [
                    s for base, s in SERVER_STARTS.items() if base not in starts_before
                ],
            }
            payload = {"context": context_now, "result": result}
            (RESULTS / f"{module.NAME}.json").write_text(json.dumps(payload, indent=2) + "\n")
            update_section(module.NAME, context_now, module.report(result), RESULTS)
            starts, load = context_now["server_start_seconds"], context_now["load_average_after"]
            print(f"  done in {context_now['seconds']} s (server starts {starts} s, load {load})")
    finally:
        stop_servers()
    print(f"all benchmarks done in {round(time.perf_counter() - started, 1)} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
