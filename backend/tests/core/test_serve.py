"""`fabricloop serve` as `make run` starts it: embedded servers, migrations, demo data on an
empty database, the API answering, and Ctrl-C stopping everything it started."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.http_servers import data_segments_in


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[str], seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0][-3000:]
        try:
            response = httpx.get(f"{url}/health", timeout=2)
            if response.status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the server never answered /health")


def test_serve_on_embedded_servers_seeds_answers_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(VAR_DIR=str(tmp_path / "var"), PORT=str(port), ENV="development", LOG_LEVEL="warn")
    server = subprocess.Popen(
        [sys.executable, "-m", "fabricloop.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = _wait_healthy(f"http://127.0.0.1:{port}", server, 180).json()
        assert health["checks"]["database"]["status"] == "ok"
        assert health["checks"]["redis"]["status"] == "ok"
        search = httpx.get(f"http://127.0.0.1:{port}/api/materials", timeout=5).json()
        assert search["total"] >= 60
        postmaster = tmp_path / "var" / "pgdata" / "postmaster.pid"
        assert postmaster.is_file()
        postgres_pid = int(postmaster.read_text().split()[0])
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output[-3000:]
    assert "Demo logins" in output
    assert "sourcing@northwind.demo" in output
    # The embedded PostgreSQL it started is stopped too (its data stays for the next start).
    assert not postmaster.exists()
    assert not psutil.pid_exists(postgres_pid) or (
        psutil.Process(postgres_pid).status() == psutil.STATUS_ZOMBIE
    )


def _worker_of(server: subprocess.Popen[str]) -> psutil.Process:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for child in psutil.Process(server.pid).children(recursive=True):
            if "worker" in child.cmdline():
                return child
        time.sleep(0.2)
    raise AssertionError("no worker process beside the server")


def _gone(process: psutil.Process, seconds: float) -> bool:
    try:
        process.wait(timeout=seconds)
    except psutil.TimeoutExpired:
        return False
    return True


def _serve_on(
    tmp_path: Path, service_urls: tuple[str, str], *options: str
) -> tuple[subprocess.Popen[str], int]:
    """`fabricloop serve --no-seed *options` on the test database and Redis, on a free port."""
    port = _free_port()
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "PORT": str(port), "LOG_LEVEL": "warn"}
    env["DATABASE_URL"], env["REDIS_URL"] = service_urls
    server = subprocess.Popen(  # noqa: S603 (the options are this test's own)
        [sys.executable, "-m", "fabricloop.cli", "serve", "--no-seed", *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return server, port


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_the_worker_never_outlives_its_server(
    tmp_path: Path, stop: signal.Signals, service_urls: tuple[str, str]
) -> None:
    """SIGTERM (a supervisor, a test harness) stops the worker with the server; even a
    SIGKILLed server takes its worker down (no orphan holding database connections)."""
    server, port = _serve_on(tmp_path, service_urls)
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server, 120)
        worker = _worker_of(server)
        server.send_signal(stop)
        server.communicate(timeout=60)
        assert _gone(worker, 20), "the worker outlived its server"
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    if stop == signal.SIGTERM:
        assert server.returncode == 128 + signal.SIGTERM


def _listening(pid: int, port: int) -> dict[int, set[int]]:
    """The listening sockets on `port` of the process and of each of its children, by pid."""
    listening: dict[int, set[int]] = {}
    for process in [psutil.Process(pid), *psutil.Process(pid).children()]:
        listening[process.pid] = {
            c.fd
            for c in process.net_connections("tcp")
            if c.laddr.port == port
            if c.status == psutil.CONN_LISTEN
        }
    return listening


def test_several_workers_each_listen_on_their_own_socket(
    tmp_path: Path, service_urls: tuple[str, str]
) -> None:
    """`serve --workers 2`: each worker process listens on a socket of its own on the port
    (the kernel spreads connections over them), the supervisor on none, and Ctrl-C stops all."""
    server, port = _serve_on(tmp_path, service_urls, "--no-worker", "--workers=2")
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server, 120)
        # One worker answering is not both listening: the second may still be starting.
        deadline = time.monotonic() + 60
        while True:
            listening = _listening(server.pid, port)
            if sum(1 for sockets in listening.values() if sockets) >= 2:
                break
            assert time.monotonic() < deadline, listening
            time.sleep(0.2)
        assert listening.pop(server.pid) == set()
        listeners = [sockets for sockets in listening.values() if sockets]
        assert [len(sockets) for sockets in listeners] == [1, 1]  # two workers, one socket each
        for _ in range(20):
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output[-3000:]


def test_the_app_answers_each_request_in_one_segment(
    tmp_path: Path, service_urls: tuple[str, str]
) -> None:
    """`serve` runs uvicorn with the protocol that sends a response's head and body in one
    write (core/httpwrites.py): each answer of a keep-alive connection, a JSON one and an
    error, arrives in one TCP segment, by the kernel's count (tcpi_data_segs_in, TCP_INFO)."""
    server, port = _serve_on(tmp_path, service_urls, "--no-worker")
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server, 120)
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.settimeout(10)
            for path, status in [("/api/materials/types", b"200"), ("/api/nowhere", b"404")] * 3:
                before = data_segments_in(sock)
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                answer = _one_response(sock)
                time.sleep(0.05)  # anything more the server sent would have arrived
                assert answer.startswith(b"HTTP/1.1 " + status)
                assert data_segments_in(sock) - before == 1
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output[-3000:]


def _one_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length, read whole."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?im)^content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body
