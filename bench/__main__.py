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

from bench.env import QUICK, ROOT, bench_env, cpu_calibration, machine, prepare_data
from bench.report import update_section

# Each module has NAME, run(env) -> dict and report(result) -> str (markdown). Add yours here.
BENCHMARKS = [
    "bench.materials_search",
    "bench.material_detail",
    "bench.messages",
    "bench.purchases",
    "bench.money",
    "bench.live_updates",
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
        "materials": env.materials,
        "data": data,
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    print(f"bench data ready: {json.dumps(data)}", flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for module_name in BENCHMARKS:
        module = importlib.import_module(module_name)
        if selected and module.NAME not in selected:
            continue
        print(f"running {module.NAME} ...", flush=True)
        bench_started = time.perf_counter()
        load_before = os.getloadavg()
        check_before = cpu_calibration()
        result = module.run(env)
        check_after = cpu_calibration()
        context_now = {
            **context,
            "seconds": round(time.perf_counter() - bench_started, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "cpu_check": {"before": check_before, "after": check_after},
        }
        payload = {"context": context_now, "result": result}
        (RESULTS / f"{module.NAME}.json").write_text(json.dumps(payload, indent=2) + "\n")
        update_section(module.NAME, context_now, module.report(result), RESULTS)
        print(f"  done in {context_now['seconds']} s", flush=True)
    print(f"all benchmarks done in {round(time.perf_counter() - started, 1)} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
