"""The `fabricloop` command, run as a separate process like an operator would."""

import contextlib
import json
import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

from fabricloop.config import Settings


def run(args: list[str], tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "ENV": "test", **environment}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "fabricloop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_openapi_prints_the_schema(tmp_path: Path, settings: Settings) -> None:
    assert settings.redis_url is not None
    result = run(["openapi"], tmp_path, REDIS_URL=settings.redis_url)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/register" in schema["paths"]
    upload = schema["paths"]["/api/images"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "401", "413", "415", "422"} <= set(upload["responses"])


def test_migrate_check_passes(tmp_path: Path, settings: Settings, migrated: str) -> None:
    assert settings.redis_url is not None
    result = run(
        ["migrate", "--check"],
        tmp_path,
        DATABASE_URL=migrated,
        REDIS_URL=settings.redis_url,
    )
    assert result.returncode == 0, result.stderr
    assert "latest migration" in result.stdout


def test_bad_setting_exits_with_message(tmp_path: Path) -> None:
    result = run(["openapi"], tmp_path, PORT="eighty")
    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_fails(tmp_path: Path) -> None:
    result = run(["no-such-command"], tmp_path)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_each_worker_listens_on_a_socket_of_its_own_and_connections_spread() -> None:
    """`serve` with several workers: the address the supervisor binds reaches each worker as a
    new socket on the same port (SO_REUSEPORT), through the pickling multiprocessing uses, so
    the kernel spreads connections over the workers instead of one taking them all."""
    from multiprocessing.reduction import ForkingPickler

    from fabricloop.cli import _listening_address

    with _listening_address("127.0.0.1", 0) as address:
        port = address.getsockname()[1]
        workers = [pickle.loads(ForkingPickler.dumps(address)) for _ in range(2)]  # noqa: S301
        for sock in workers:
            assert type(sock) is socket.socket
            assert sock.fileno() != address.fileno()
            assert sock.getsockname() == ("127.0.0.1", port)
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            sock.listen(128)
            sock.setblocking(False)
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(64)]
        try:
            accepted = [0, 0]
            deadline = time.monotonic() + 5
            while sum(accepted) < len(clients) and time.monotonic() < deadline:
                for index, sock in enumerate(workers):
                    with contextlib.suppress(BlockingIOError):
                        connection, _ = sock.accept()
                        connection.close()
                        accepted[index] += 1
            assert sum(accepted) == len(clients)  # the supervisor's own socket took none
            assert min(accepted) >= 12  # 32 each on average; one alone would take 64
        finally:
            for client in clients:
                client.close()
            for sock in workers:
                sock.close()
