"""What every benchmark shares: its own database and Redis (dev data stays untouched), the
bench data, and a real server on the loopback interface."""

import asyncio
import contextlib
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from fabricloop.cli import settings_with_services
from fabricloop.ops.pgtools import connect, create_database_if_missing
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BENCH_REDIS_DB = 15
DEFAULT_MATERIALS = 1_000_000
# `make bench-quick` (BENCH_QUICK=1): every scenario, briefly and at a small size, to check a
# change before committing it; its figures are for that, not for docs/performance.md.
QUICK = os.environ.get("BENCH_QUICK") == "1"
QUICK_MATERIALS = 20_000
# A quick run has a database of its own: on the million listings a full run leaves, its
# searches and clean-ups would not be small, nor its minutes few.
BENCH_DB = "fabricloop_bench_quick" if QUICK else "fabricloop_bench"
# The process of each running server and its scratch log, by its base URL (bench.usage
# measures its CPU and memory; bench.material_detail reads its log).
SERVER_PIDS: dict[str, int] = {}
SERVER_LOGS: dict[str, Path] = {}
# How long each server of this run took to answer /health after its start, by base URL.
SERVER_STARTS: dict[str, float] = {}
# Every server of a run signs and checks tokens with this secret, pays with the sandbox
# gateway at once: the same settings for every benchmark, so one server serves them all.
JWT_SECRET = secrets.token_urlsafe(48)
SERVER_SETTINGS = {"JWT_SECRET": JWT_SECRET, "STRIPE_SECRET_KEY": "", "SANDBOX_LATENCY_MS": "0"}
# Servers started by `server()` stay up until `stop_servers()` (the end of `python -m bench`):
# a start takes 20-60 s on a loaded 2-core host, so the benchmarks share them, by
# (kind, workers, instance).
_RUNNING: dict[tuple[str, int, int], str] = {}
_SERVERS = contextlib.ExitStack()


@dataclass(frozen=True)
class BenchEnv:
    database_url: str  # postgresql:// (libpq form)
    redis_url: str
    materials: int

    @property
    def sqlalchemy_url(self) -> str:
        return (
            make_url(self.database_url)
            .set(drivername="postgresql+asyncpg")
            .render_as_string(hide_password=False)
        )


def _redis_url(url: str) -> str:
    if url.startswith("unix://"):
        base = url.split("?", 1)[0]
        return f"{base}?db={BENCH_REDIS_DB}"
    parsed = make_url(url.replace("redis://", "postgresql://", 1))
    return f"redis://{parsed.host or '127.0.0.1'}:{parsed.port or 6379}/{BENCH_REDIS_DB}"


# The bench's own PostgreSQL is configured as docs/deployment.md recommends for production:
# the default shared_buffers (128 MB) holds a tenth of the million listings' heap and indexes
# (1.5 GB), so every broad search would copy pages from the OS cache instead.
TUNED_POSTGRES = {
    "shared_buffers": "2GB",
    "effective_cache_size": "8GB",
    "random_page_cost": "1.1",
    # The servers a run shares stay up, each holding its pool's connections (up to 40 per app
    # process), while pgbench opens 64 more: the default 100 is not enough.
    "max_connections": "400",
}
BENCH_PGDATA = ROOT / "var" / "bench" / "pgdata"


def tuned_postgres() -> str:
    """A PostgreSQL server of the bench's own (pgserver, data under var/bench, kept between
    runs) with TUNED_POSTGRES applied; it stops when the bench exits."""
    import pgserver

    BENCH_PGDATA.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(BENCH_PGDATA, cleanup_mode="stop")  # type: ignore[attr-defined]
    wanted = "".join(
        f"ALTER SYSTEM SET {name} = '{value}';\n" for name, value in TUNED_POSTGRES.items()
    )
    server.psql(wanted + "SELECT pg_reload_conf();")
    if "t" in server.psql("SELECT bool_or(pending_restart) FROM pg_settings;").split():
        server.cleanup()  # stops it; the next start reads the settings
        server = pgserver.get_server(BENCH_PGDATA, cleanup_mode="stop")  # type: ignore[attr-defined]
    uri: str = server.get_uri(BENCH_DB)
    return uri


def bench_env() -> BenchEnv:
    settings = settings_with_services()
    assert settings.redis_url
    database_url = os.environ.get("BENCH_DATABASE_URL") or tuned_postgres()
    redis_url = os.environ.get("BENCH_REDIS_URL") or _redis_url(settings.redis_url)
    default = QUICK_MATERIALS if QUICK else DEFAULT_MATERIALS
    materials = int(os.environ.get("BENCH_MATERIALS", default))
    return BenchEnv(database_url=database_url, redis_url=redis_url, materials=materials)


async def _active_materials(url: str) -> int:
    connection = await connect(url)
    try:
        has_table = await connection.fetchval("SELECT to_regclass('materials') IS NOT NULL")
        if not has_table:
            return 0
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM materials WHERE status = 'active' AND deleted_at IS NULL"
            )
        )
    finally:
        await connection.close()


def prepare_data(env: BenchEnv) -> dict[str, object]:
    """Fill the bench database up to `env.materials` active listings (kept between runs)."""
    asyncio.run(create_database_if_missing(env.database_url))
    present = asyncio.run(_active_materials(env.database_url))
    missing = env.materials - present
    result: dict[str, object] = {
        "present_before": present,
        "generated": max(0, missing),
        "active_listings": max(present, env.materials),
    }
    if missing > 0:
        started = time.perf_counter()
        generator = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.data",
                "--materials",
                str(missing),
                "--database-url",
                env.database_url,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        if generator.returncode != 0:
            raise RuntimeError(
                f"bench.data exited with {generator.returncode}:\n{generator.stderr[-4000:]}"
            )
        result["generator"] = generator.stdout.strip().splitlines()[-1]
        result["generate_seconds"] = round(time.perf_counter() - started, 1)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ServerKey = tuple[str, int, int]  # (kind, workers, instance)


@contextlib.contextmanager
def server(
    env: BenchEnv, *, server_kind: str = "uvicorn", workers: int = 1, instance: int = 0
) -> Iterator[str]:
    """The app served on 127.0.0.1 (loopback only) against the bench database and Redis, with
    SERVER_SETTINGS: the one of this (kind, workers, instance) already running, else a new
    one, kept for the next benchmark until `stop_servers()`. `instance` asks for another
    process of the same kind (two servers side by side)."""
    start_servers(env, [(server_kind, workers, instance)])
    yield _RUNNING[(server_kind, workers, instance)]


def start_servers(env: BenchEnv, wanted: Iterable[ServerKey]) -> None:
    """Start those of `wanted` not up yet, side by side: a start is mostly imports, a process
    each, and on a loaded host several at once finish much sooner than one after another."""
    launched = [
        (key, _SERVERS.enter_context(_launch(env, key[0], key[1])))
        for key in dict.fromkeys(wanted)
        if key not in _RUNNING
    ]
    for key, base in launched:
        _wait_healthy(base)
        _RUNNING[key] = base


def running_servers() -> dict[str, str]:
    """Base URL of each server up now, by "kind xworkers" (and "#instance" past the first)."""
    return {
        f"{kind} x{workers}" + (f" #{instance}" if instance else ""): base
        for (kind, workers, instance), base in _RUNNING.items()
    }


def stop_servers() -> None:
    _RUNNING.clear()
    _SERVERS.close()


_PROCESSES: dict[str, tuple[subprocess.Popen[bytes], float]] = {}


@contextlib.contextmanager
def _launch(env: BenchEnv, server_kind: str, workers: int) -> Iterator[str]:
    """A server process started (not yet answering) and stopped on the way out. No job worker:
    it is no part of a request, and a server stopped by SIGKILL (after the 15 s grace) would
    leave it running."""
    port = free_port()
    log = Path(f"/tmp/fabricloop-bench-{port}.log")  # noqa: S108 - a scratch log per server
    log.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "DATABASE_URL": env.database_url,
        "REDIS_URL": env.redis_url,
        "RATE_LIMIT_PER_MINUTE": "1000000000",
        # Access logs on, as in production: a line per request to the file (and stdout).
        "LOG_LEVEL": "info",
        "LOG_FILE": str(log),
        "SEED_DEMO": "false",
        "WORKERS": str(workers),
        **SERVER_SETTINGS,
    }
    if server_kind == "granian":
        command = [
            str(BIN / "granian"),
            "--interface",
            "asgi",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--loop",
            "uvloop",
            "--no-ws",
            "--log-level",
            "warning",
            "fabricloop.app:create_configured_app",
        ]
    else:
        command = [
            str(BIN / "fabricloop"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-seed",
            "--no-worker",
        ]
    # stderr to a file: a pipe nobody reads would stall a server kept up for several benchmarks.
    errors = log.with_suffix(".err")
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=stderr
        )
    base = f"http://127.0.0.1:{port}"
    SERVER_PIDS[base], SERVER_LOGS[base] = process.pid, log
    _PROCESSES[base] = (process, time.monotonic())
    try:
        yield base
    finally:
        SERVER_PIDS.pop(base, None)
        _PROCESSES.pop(base, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.unlink(missing_ok=True)
        errors.unlink(missing_ok=True)


def _wait_healthy(base: str) -> None:
    process, started = _PROCESSES[base]
    deadline = started + 180
    while True:
        if process.poll() is not None:
            errors = SERVER_LOGS[base].with_suffix(".err")
            raise RuntimeError(f"server exited: {errors.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start within 180 s")
        time.sleep(0.3)
    SERVER_STARTS[base] = round(time.monotonic() - started, 1)


def machine() -> dict[str, object]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


CALIBRATION_STEPS = 5_000_000


def cpu_calibration() -> dict[str, object]:
    """How fast this machine's CPU is right now, for comparing runs: the best of three timings
    of a fixed pure-Python loop, and the kernel's CPU pressure (the share of time something
    waited for a CPU; on a shared host it rises when neighbours take the cores)."""
    timings = []
    for _ in range(1 if QUICK else 3):  # a quick run's check: one timing (0.1-0.9 s each)
        started = time.perf_counter()
        total = 0
        for step in range(CALIBRATION_STEPS):
            total += step
        timings.append(time.perf_counter() - started)
    pressure = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        pressure = float(first.split()[1].split("=")[1])
    return {"loop_ms": round(min(timings) * 1000, 1), "cpu_pressure_avg10": pressure}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return round(ordered[index], 2)
