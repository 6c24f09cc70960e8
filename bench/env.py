"""What every benchmark shares: its own database and Redis (dev data stays untouched), the
bench data, and a real server on the loopback interface."""

import asyncio
import contextlib
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from fabricloop.cli import settings_with_services
from fabricloop.ops.pgtools import connect, create_database_if_missing
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BENCH_DB = "fabricloop_bench"
BENCH_REDIS_DB = 15
DEFAULT_MATERIALS = 1_000_000
# `make bench-quick` (BENCH_QUICK=1): every scenario, briefly and at a small size, to check a
# change before committing it; its figures are for that, not for docs/performance.md.
QUICK = os.environ.get("BENCH_QUICK") == "1"
QUICK_MATERIALS = 20_000
SERVER_LOG = Path("/tmp/fabricloop-bench.log")  # noqa: S108 - a scratch log of the bench server
# The process of each running server, by its base URL (bench.usage measures its CPU and memory).
SERVER_PIDS: dict[str, int] = {}


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
    result: dict[str, object] = {"present_before": present, "generated": max(0, missing)}
    if missing > 0:
        started = time.perf_counter()
        output = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.data",
                "--materials",
                str(missing),
                "--database-url",
                env.database_url,
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        result["generator"] = output.strip().splitlines()[-1]
        result["generate_seconds"] = round(time.perf_counter() - started, 1)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(
    env: BenchEnv,
    *,
    server_kind: str = "uvicorn",
    workers: int = 1,
    settings: dict[str, str] | None = None,
) -> Iterator[str]:
    """The app served on 127.0.0.1 (loopback only) against the bench database and Redis, with
    `settings` added to its environment. No job worker: it is no part of a request, and a
    server stopped by SIGKILL (after the 15 s grace) would leave it running."""
    port = free_port()
    SERVER_LOG.unlink(missing_ok=True)  # a scratch log per server: it grows by a line a request
    environment = {
        **os.environ,
        "DATABASE_URL": env.database_url,
        "REDIS_URL": env.redis_url,
        "RATE_LIMIT_PER_MINUTE": "1000000000",
        # Access logs on, as in production: a line per request to the file (and stdout).
        "LOG_LEVEL": "info",
        "LOG_FILE": str(SERVER_LOG),
        "SEED_DEMO": "false",
        "WORKERS": str(workers),
        **(settings or {}),
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
    process = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    SERVER_PIDS[base] = process.pid
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 60 s")
            time.sleep(0.3)
        yield base
    finally:
        SERVER_PIDS.pop(base, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


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
    for _ in range(3):
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
