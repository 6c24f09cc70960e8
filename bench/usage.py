"""Where the CPU of a load went, per request: the app's processes, the PostgreSQL server (all
its processes, while it runs on this machine, as the bench's own does) and the load generator,
from the kernel's counters (/proc/<pid>/stat); and the memory (RSS) of each app process. On a
shared machine throughput depends on the neighbours; the CPU each request costs much less so,
which makes it the figure to compare runs by."""

import asyncio
import contextlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.env import SERVER_PIDS

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def cpu_ms(pid: int) -> float:
    """User + system CPU of a process so far (0 once it is gone)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / TICKS
    return 0.0


def rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError, ValueError):
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        return round(resident * PAGE / 2**20, 1)
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (the app's uvicorn workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def app_processes(server_pid: int) -> list[int]:
    """The processes that serve requests: the uvicorn workers (multiprocessing children; not
    its resource tracker), or the server itself when it has none (one worker runs in the
    server's process)."""
    workers = []
    for pid in descendants(server_pid):
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                workers.append(pid)
    return workers or [server_pid]


async def postgres_pids(connection: asyncpg.Connection) -> list[int]:
    """The PostgreSQL server's processes when it runs on this machine: the postmaster first,
    then its children (backends, WAL writer, checkpointer...); none when it is elsewhere."""
    directory = await connection.fetchval("SHOW data_directory")
    with contextlib.suppress(OSError, ValueError, IndexError):
        postmaster = int(Path(directory, "postmaster.pid").read_text().split()[0])  # noqa: ASYNC240
        if Path(f"/proc/{postmaster}").exists():  # noqa: ASYNC240
            return [postmaster, *descendants(postmaster)]
    return []


@dataclass(frozen=True)
class ServerCpu:
    """The PostgreSQL server's CPU so far: each of its live processes' (the postmaster and its
    children), and what its children that have exited used (a pool's overflow connections
    close during a run, autovacuum's workers end: their CPU counts too)."""

    live: dict[int, float]
    exited: float

    @classmethod
    def read(cls, pids: list[int]) -> "ServerCpu":
        exited = 0.0
        if pids:
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(f"/proc/{pids[0]}/stat").read_text().rsplit(")", 1)[1].split()
                exited = (int(fields[13]) + int(fields[14])) * 1000 / TICKS
        return cls({p: cpu_ms(p) for p in pids}, exited)

    def since(self, earlier: "ServerCpu") -> tuple[float, float]:
        """CPU used since `earlier`: in all, and the part of it used by the processes that
        ended in between (autovacuum's workers, sessions closed), which a benchmark's own
        statements don't explain."""
        total = sum(self.live.values()) + self.exited - sum(earlier.live.values())
        total -= earlier.exited
        gone = sum(cpu for pid, cpu in earlier.live.items() if pid not in self.live)
        return total, self.exited - earlier.exited - gone


def cpu_cell(usage: dict[str, Any]) -> str:
    """A report's CPU per request: the app, PostgreSQL (in brackets, the part of it used by
    its processes that ended during the run: autovacuum's workers, sessions closed) and the
    load generator."""
    ended = usage.get("db_ended_cpu_ms_per_request")
    db = f"{usage['db_cpu_ms_per_request']}" + (f" ({ended})" if ended else "")
    return f"{usage['app_cpu_ms_per_request']}, {db}, {usage['client_cpu_ms_per_request']}"


def sessions_cell(usage: dict[str, Any]) -> str:
    """A report's PostgreSQL sessions opened during the run and rows its statements read per
    request (`pg_stat_database`)."""
    rows = usage.get("db_rows_read_per_request")
    return f"{usage.get('db_sessions_opened', '')}" + ("" if rows is None else f", {rows}")


def server_rss(base: str) -> list[float]:
    """RSS (MB) of each app process of the bench server at `base`, now."""
    return [rss_mb(p) for p in app_processes(SERVER_PIDS[base])]


async def database_counts(connection: asyncpg.Connection, columns: Sequence[str]) -> dict[str, int]:
    """`columns` of `pg_stat_database` for the bench database, as PostgreSQL has counted them
    since its statistics were reset. A backend reports its counts at most once a second, so
    a reading lags by up to that much."""
    row = await connection.fetchrow(
        f"SELECT {', '.join(columns)} FROM pg_stat_database WHERE datname = current_database()"
    )
    return {name: int(row[name]) for name in columns}


@dataclass
class Meter:
    """CPU used between start() and stop(), by the app, PostgreSQL and this process. The app's
    processes are those of the server when started: a worker that died and was replaced
    would not be counted."""

    server_pid: int
    connection: asyncpg.Connection

    async def start(self) -> None:
        self._app = {p: cpu_ms(p) for p in [self.server_pid, *descendants(self.server_pid)]}
        self._db = ServerCpu.read(await postgres_pids(self.connection))
        self._counts = await self._database_counts()
        self._me = time.process_time()

    async def _database_counts(self) -> tuple[int, int]:
        """Sessions PostgreSQL has opened on the bench database since its statistics were
        reset (a pool that closes connections under load and opens new ones shows here), and
        the rows its statements have read (a plan gone to sequential scans shows here)."""
        counts = await database_counts(self.connection, ("sessions", "tup_returned"))
        return counts["sessions"], counts["tup_returned"]

    async def stop(self, requests: int) -> dict[str, float | list[float]]:
        """CPU per request since start(), RSS of each app process and the load average now."""
        me = (time.process_time() - self._me) * 1000
        app = sum(cpu_ms(p) - self._app.get(p, 0.0) for p in self._app)
        db, db_ended = ServerCpu.read(await postgres_pids(self.connection)).since(self._db)
        # A backend reports its statistics when it goes idle, at most once a second.
        await asyncio.sleep(1.1)
        sessions, rows = await self._database_counts()
        sessions, rows = sessions - self._counts[0], rows - self._counts[1]
        per = max(1, requests)
        return {
            "app_cpu_ms_per_request": round(app / per, 2),
            "db_cpu_ms_per_request": round(db / per, 2),
            # Of which the processes that ended during the run: autovacuum, sessions closed.
            "db_ended_cpu_ms_per_request": round(db_ended / per, 2),
            "client_cpu_ms_per_request": round(me / per, 2),
            "db_sessions_opened": sessions,
            "db_rows_read_per_request": round(rows / per, 1),
            "app_rss_mb": [rss_mb(p) for p in app_processes(self.server_pid)],
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
