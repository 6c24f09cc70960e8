"""`GET /api/materials/{id}` from the cache against a trivial JSON endpoint of the same app
(`GET /api/materials/types`: same middleware, rate limiting included, no database), both under
64 connections with wrk, in the same run."""

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from fabricloop.ops.pgtools import connect

from bench.env import QUICK, SERVER_LOGS, BenchEnv, cpu_calibration, server
from bench.usage import server_rss

NAME = "material_detail"
CONNECTIONS = 64
# One wrk thread drives 64 connections easily; a second would take CPU from the server on the
# same two cores (p99 ~25 ms instead of ~19 ms with two workers, measured).
THREADS = 1
DURATION_SECONDS = 2 if QUICK else 15
# (server, app worker processes): one worker, and one per core of the 2-core target machine.
SERVERS: tuple[tuple[str, int], ...] = (("uvicorn", 1), ("uvicorn", 2), ("granian", 2))
if QUICK:  # each server takes 20-40 s to start on a loaded machine: the production one only
    SERVERS = (("uvicorn", 2),)

SERVERS_USED = [(kind, workers, 0) for kind, workers in SERVERS]
# The production server once more while the CPU is slow: a busy loop pinned to each core, at the
# server's priority, takes about half of every core as a noisy neighbour in a slow spell does.
# The p99 should then grow with the CPU check (the same work on a slower CPU), not with queues.
SLOWED = ("uvicorn", 2)
HOG = "import os, sys\nos.sched_setaffinity(0, {int(sys.argv[1])})\nwhile True:\n    pass\n"

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", value)
    if not match:
        raise ValueError(value)
    return round(float(match.group(1)) * _UNITS[match.group(2)], 2)


# A browser asks for compressed answers: the production server's detail once more, so.
GZIPPED = ("uvicorn", 2)


def _wrk(url: str, *headers: str) -> dict[str, Any]:
    extra = [option for header in headers for option in ("-H", header)]
    output = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION_SECONDS}s",
            "--latency",
            *extra,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if "99" not in latency:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": round(rps),
        "p50_ms": _ms(latency["50"]),
        "p90_ms": _ms(latency["90"]),
        "p99_ms": _ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


async def _some_material(env: BenchEnv) -> str:
    connection = await connect(env.database_url)
    try:
        return str(
            await connection.fetchval(
                "SELECT id FROM materials WHERE status = 'active' AND deleted_at IS NULL "
                "ORDER BY created_at DESC LIMIT 1"
            )
        )
    finally:
        await connection.close()


def _log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def _redis_timeouts(log: Path, since: int) -> int:
    """Redis calls of the server that failed (each puts the cache into its 2 s back-off, during
    which reads go to PostgreSQL): the sign of an overloaded machine."""
    if not log.exists():
        return 0
    with log.open("rb") as handle:
        handle.seek(since)
        return handle.read().count(b'"event": "redis unavailable"')


@contextlib.contextmanager
def cpu_hog() -> Iterator[None]:
    """One busy loop per core the bench may use, each pinned to its core, until the block ends."""
    hogs = [
        subprocess.Popen([sys.executable, "-c", HOG, str(cpu)])
        for cpu in sorted(os.sched_getaffinity(0))
    ]
    try:
        time.sleep(1)  # the loops running before anything is measured
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def _one_server(
    env: BenchEnv, kind: str, workers: int, material_id: str, *, slowed: bool = False
) -> dict[str, Any]:
    with server(env, server_kind=kind, workers=workers) as base:
        log = SERVER_LOGS[base]
        log_start = _log_size(log)
        detail = f"{base}/api/materials/{material_id}"
        trivial = f"{base}/api/materials/types"
        httpx.get(detail).raise_for_status()  # fills the cache
        for url in (trivial, detail):  # warm-up
            warm_up = f"-d{1 if QUICK else 2}s"
            subprocess.run(["wrk", "-t1", "-c8", warm_up, url], check=True, capture_output=True)
        time.sleep(1)
        with cpu_hog() if slowed else contextlib.nullcontext():
            cpu_check = cpu_calibration() if slowed else None
            trivial_result = _wrk(trivial)
            detail_result = _wrk(detail)
            gzipped = (
                _wrk(detail, "Accept-Encoding: gzip, deflate, br")
                if (kind, workers) == GZIPPED and not slowed
                else None
            )
        rss = server_rss(base)
    ratio = detail_result["requests_per_second"] / max(1, trivial_result["requests_per_second"])
    return {
        "server": kind,
        "workers": workers,
        "cpu_hog": slowed,
        "cpu_check_during": cpu_check,
        "trivial": trivial_result,
        "cached_detail": detail_result,
        **({"cached_detail_gzip": gzipped} if gzipped else {}),
        "ratio": round(ratio, 3),
        "redis_failures_logged": _redis_timeouts(log, log_start),
        "app_rss_mb": rss,
    }


def run(env: BenchEnv) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (apt-get install -y wrk)"}
    material_id = asyncio.run(_some_material(env))
    runs = [_one_server(env, kind, workers, material_id) for kind, workers in SERVERS]
    runs.append(_one_server(env, *SLOWED, material_id, slowed=True))
    return {
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_seconds": DURATION_SECONDS,
        "runs": runs,
    }


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"Skipped: {result['skipped']}."
    lines = [
        f"wrk, {result['threads']} threads, {result['connections']} connections, "
        f"{result['duration_seconds']} s per endpoint, wrk on the same machine; access logs on "
        "(`LOG_LEVEL=info`, a JSON line per request to the log file), as in production.",
        "",
        "| server | workers | endpoint | req/s | p50 ms | p90 ms | p99 ms | non-2xx "
        "| detail/trivial |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run_ in result["runs"]:
        name = run_["server"] + (", CPU hog" if run_.get("cpu_hog") else "")
        for key, label in (
            ("trivial", "GET /api/materials/types"),
            ("cached_detail", "GET /api/materials/{id} (cached)"),
            ("cached_detail_gzip", "the same, Accept-Encoding: gzip"),
        ):
            if key not in run_:
                continue
            r = run_[key]
            ratio = f"{run_['ratio']:.0%}" if key == "cached_detail" else ""
            lines.append(
                f"| {name} | {run_.get('workers', 1)} | {label} | "
                f"{r['requests_per_second']} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | "
                f"{r['non_2xx']} | {ratio} |"
            )
    rss = "; ".join(
        f"{run_['server']} x{run_.get('workers', 1)}: "
        + ", ".join(str(x) for x in run_.get("app_rss_mb", []))
        for run_ in result["runs"]
    )
    failures = ", ".join(
        f"{run_['server']} x{run_.get('workers', 1)}: {run_.get('redis_failures_logged', 0)}"
        for run_ in result["runs"]
    )
    lines += [
        "",
        f"Redis calls that failed in the server during the run (0.5 s socket timeout; each "
        f"starts the cache's 2 s back-off, when reads go to PostgreSQL): {failures}. "
        f"RSS of each app process after its run (MB): {rss}.",
    ]
    for run_ in result["runs"]:
        check = run_.get("cpu_check_during")
        if check:
            lines += [
                "",
                f"CPU hog: a busy loop pinned to each core during the {run_['server']} "
                f"x{run_['workers']} run, at the "
                f"server's priority; the CPU check during it: {check['loop_ms']} ms, CPU "
                f"pressure {check['cpu_pressure_avg10']}%.",
            ]
    return "\n".join(lines)
