"""The `fabricloop` command."""

import argparse
import contextlib
import json
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from fabricloop.config import Settings, get_settings


def settings_with_services() -> Settings:
    """Settings after embedded servers have filled in any unset DATABASE_URL / REDIS_URL."""
    from fabricloop.core.embedded import ensure_services

    ensure_services(get_settings().var_dir)
    get_settings.cache_clear()
    return get_settings()


def database_url(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url


def _migrated(settings: Settings) -> None:
    """The database at the latest migration, created first when the server has none yet (a
    fresh CI machine, a new environment)."""
    import asyncio

    from fabricloop.core import migrate
    from fabricloop.ops.pgtools import create_database_if_missing

    asyncio.run(create_database_if_missing(database_url(settings)))
    migrate.upgrade(database_url(settings))


def cmd_migrate(args: argparse.Namespace) -> int:
    from fabricloop.core import migrate

    settings = settings_with_services()
    _migrated(settings)
    if args.check:
        migrate.check(database_url(settings))
    print("database is at the latest migration")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from fabricloop.core.logging import configure_logging

    if args.host:
        os.environ["HOST"] = args.host
    if args.port:
        os.environ["PORT"] = str(args.port)
    if args.workers:
        os.environ["WORKERS"] = str(args.workers)
    get_settings.cache_clear()
    settings = settings_with_services()
    configure_logging(settings.log_level, settings.log_path)
    _migrated(settings)
    for hook in STARTUP_HOOKS:
        hook(settings, args)
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again with the handler
    # it found: with the default one the process would die there, before the worker and the
    # mail sink beside it are stopped (left running, orphaned). This one unwinds instead.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with ExitStack() as beside:
        if settings.smtp_url is None and settings.env != "production":
            beside.enter_context(_mail_sink(settings))
        if not args.no_worker:
            beside.enter_context(_worker_process())
        print(f"FabricLoop is serving on http://{settings.host}:{settings.port}", flush=True)
        _serve(settings)
    return 0


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def _die_with_parent() -> None:
    """In the worker, before it runs: on Linux, SIGTERM it when the server process dies, even
    by SIGKILL (no worker outlives its server)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextmanager
def _mail_sink(settings: Settings) -> Iterator[None]:
    """The development SMTP server the worker sends to when SMTP_URL is unset. When its port
    is taken (another checkout's server), any free one: the worker reads it from
    SMTP_SINK_PORT, which it inherits."""
    from fabricloop.core.mailsink import start_sink

    port = settings.smtp_sink_port
    try:
        sink = start_sink(settings.mail_dir, port=port)
    except OSError:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        sink = start_sink(settings.mail_dir, port=port)
        os.environ["SMTP_SINK_PORT"] = str(port)
    print(
        f"Mails are kept in {settings.mail_dir} (listed at /dev/mail); "
        f"SMTP sink on 127.0.0.1:{port}",
        flush=True,
    )
    try:
        yield
    finally:
        sink.stop()


@contextmanager
def _worker_process() -> Iterator[None]:
    """One `fabricloop worker` beside the server, on the same (possibly embedded) services."""
    import subprocess

    worker = subprocess.Popen(
        [sys.executable, "-m", "fabricloop.cli", "worker"], preexec_fn=_die_with_parent
    )
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


class _ListeningAddress(socket.socket):
    """The server's address for several worker processes: bound here in the supervisor, so a
    port in use fails at once, but never listened on here. Handed to a worker (pickled), it
    becomes a socket of the worker's own on the same address (_own_socket), and the kernel
    spreads new connections evenly across the workers' sockets (SO_REUSEPORT). One socket
    shared by every worker, as uvicorn binds it, goes to whichever worker wakes first: 64
    connections opened at once all went to one of two workers, which then served alone."""

    def __reduce__(self) -> tuple[Callable[[int, Any], socket.socket], tuple[int, Any]]:
        return _own_socket, (int(self.family), self.getsockname())


S = TypeVar("S", bound=socket.socket)


def _bind_sharing_port(sock: S, address: Any) -> S:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _own_socket(family: int, address: Any) -> socket.socket:
    return _bind_sharing_port(socket.socket(family, socket.SOCK_STREAM), address)


def _listening_address(host: str, port: int) -> _ListeningAddress:
    family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return _bind_sharing_port(_ListeningAddress(family, socket.SOCK_STREAM), address)


def _serve(settings: Settings) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "fabricloop.app:create_configured_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        loop="uvloop",
        # httptools, a response's head and body sent in one write (core/httpwrites.py).
        http="fabricloop.core.httpwrites:CoalescingHttpToolsProtocol",
        log_config=None,
        # X-Forwarded-For is judged by our own middleware against TRUSTED_PROXIES.
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    if config.workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        server = uvicorn.Server(config)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: it has shut down (as uvicorn.run)
            server.run()
        if not server.started:
            raise SystemExit(3)  # uvicorn's exit status for a failed start
        return
    try:
        address = _listening_address(settings.host, settings.port)
    except OSError as error:
        raise SystemExit(f"Cannot listen on {settings.host}:{settings.port}: {error}") from error
    with address, contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[address]).run()


def cmd_worker(_args: argparse.Namespace) -> int:
    from fabricloop.core.logging import configure_logging
    from fabricloop.worker import main as run_worker

    settings = settings_with_services()
    configure_logging(settings.log_level, settings.var_dir / "log" / "worker.log")
    if settings.log_level != "debug":
        # saq logs every job it queues, starts and finishes: several lines a second.
        logging.getLogger("saq").setLevel(logging.WARNING)
    run_worker(settings)
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from fabricloop.app import create_app

    schema = create_app().openapi()
    text = json.dumps(schema, indent=2, sort_keys=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from fabricloop.core import migrate
    from fabricloop.demo import seed

    settings = settings_with_services()
    if settings.env == "production":
        print("Demo data (with known passwords) is never loaded with ENV=production.")
        return 2
    migrate.upgrade(database_url(settings))
    if seed.seed(settings):
        print("Loaded the demo marketplace.")
        print(seed.demo_logins_text())
    else:
        print("The database already has accounts: demo data is only loaded into an empty one.")
    return 0


def _seed_demo_at_start(settings: Settings, args: argparse.Namespace) -> None:
    from fabricloop.demo import seed

    seed.startup_hook(settings, no_seed=args.no_seed)


def cmd_purge(_args: argparse.Namespace) -> int:
    import asyncio

    from fabricloop.account.purge import purge_due_accounts
    from fabricloop.core.db import create_engine, create_sessionmaker

    settings = settings_with_services()

    async def run() -> int:
        engine = create_engine(settings)
        try:
            return await purge_due_accounts(create_sessionmaker(engine))
        finally:
            await engine.dispose()

    print(f"{asyncio.run(run())} deleted account(s) anonymised")
    return 0


def cmd_fx_import(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from fabricloop.core.db import create_engine, create_sessionmaker
    from fabricloop.fx import service
    from fabricloop.fx.errors import InvalidRatesFile

    settings = settings_with_services()
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Cannot read {args.file}: {error}", file=sys.stderr)
        return 2

    async def run() -> list[service.DayRates]:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                days = await service.import_rates(session, text)
                await session.commit()
                return days
        finally:
            await engine.dispose()

    try:
        days = asyncio.run(run())
    except InvalidRatesFile as error:
        print(f"{args.file}: {error.message}", file=sys.stderr)
        return 2
    last = days[-1]
    print(
        f"Imported {len(days)} day(s) of rates; the newest, {last.day}: "
        f"{len(last.rates)} currencies."
    )
    return 0


def cmd_reconcile(_args: argparse.Namespace) -> int:
    import asyncio

    from fabricloop.ledger.service import reconcile_database

    settings = settings_with_services()
    checked, found = asyncio.run(reconcile_database(settings))
    for discrepancy in found:
        print(f"{discrepancy.transaction_id}: {'; '.join(discrepancy.problems)}")
    print(f"{checked} order(s) checked, {len(found)} breaking the ledger invariant")
    return 1 if found else 0


def _read_new_password() -> str | None:
    """The password: standard input's first line when it is not a terminal (scripts, CI),
    else typed twice without echo. None when the two differ."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        return None
    return first


def cmd_create_admin(args: argparse.Namespace) -> int:
    import asyncio

    from fabricloop.auth import service
    from fabricloop.core import migrate
    from fabricloop.core.db import create_engine, create_sessionmaker
    from fabricloop.core.errors import AppError

    password = _read_new_password()
    if password is None:
        print("The passwords differ.", file=sys.stderr)
        return 2
    settings = settings_with_services()
    migrate.upgrade(database_url(settings))

    async def run() -> str:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                user = await service.create_admin(
                    session, settings, args.email, password, args.company
                )
                await session.commit()
                return str(user.id)
        finally:
            await engine.dispose()

    try:
        user_id = asyncio.run(run())
    except AppError as error:
        problems = "; ".join(f"{d['field']}: {d['message']}" for d in error.details or [])
        print(f"Not created: {problems or error.message}", file=sys.stderr)
        return 1
    print(f"Admin account {args.email} created (user_id {user_id}).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from fabricloop.ops.backup import create_backup

    settings = settings_with_services()
    root = Path(args.output) if args.output else settings.var_dir / "backups"
    directory = asyncio.run(create_backup(database_url(settings), settings.media_path, root))
    print(f"backup written to {directory}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from fabricloop.ops.backup import BackupError, restore_backup

    settings = settings_with_services()
    target = args.database_url or database_url(settings)
    media = Path(args.media_dir) if args.media_dir else settings.media_path
    try:
        restored = asyncio.run(restore_backup(Path(args.directory), target, media))
    except BackupError as error:
        print(f"restore failed: {error}", file=sys.stderr)
        return 1
    rows = sum(restored.tables.values())
    print(f"restored {len(restored.tables)} tables ({rows} rows) and the media files")
    return 0


# Work `serve` does after migrating and before listening.
STARTUP_HOOKS: list[Callable[[Settings, argparse.Namespace], None]] = [_seed_demo_at_start]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fabricloop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve the API and the web app")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    serve.add_argument("--no-seed", action="store_true", help="don't load demo data")
    serve.add_argument(
        "--no-worker", action="store_true", help="don't start a job worker beside the server"
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run background and periodic jobs")
    worker.set_defaults(handler=cmd_worker)

    migrate = commands.add_parser("migrate", help="apply the database migrations")
    migrate.add_argument(
        "--check", action="store_true", help="fail if models and migrations differ"
    )
    migrate.set_defaults(handler=cmd_migrate)

    seed_demo = commands.add_parser("seed-demo", help="load demo data into an empty database")
    seed_demo.set_defaults(handler=cmd_seed_demo)

    purge = commands.add_parser(
        "purge", help="anonymise deleted accounts whose grace period is over"
    )
    purge.set_defaults(handler=cmd_purge)

    reconcile = commands.add_parser(
        "reconcile",
        help="check every order's ledger: charges - refunds = fees + transfers + held; "
        "prints the orders that break it and exits 1 if any does",
    )
    reconcile.set_defaults(handler=cmd_reconcile)

    fx_import = commands.add_parser(
        "fx-import",
        help="load reference exchange rates from a file in the ECB's CSV format "
        "(eurofxref.csv, or the history eurofxref-hist.csv)",
    )
    fx_import.add_argument("file")
    fx_import.set_defaults(handler=cmd_fx_import)

    create_admin = commands.add_parser(
        "create-admin",
        help="create an operator (admin) account; the password is read from standard input "
        "when it is not a terminal, else prompted for twice",
    )
    create_admin.add_argument("email")
    create_admin.add_argument("--company", required=True, help="the operator's company name")
    create_admin.set_defaults(handler=cmd_create_admin)

    backup = commands.add_parser(
        "backup", help="pg_dump (custom format) and the media files into var/backups/<time>/"
    )
    backup.add_argument("--output", help="directory to create the backup in")
    backup.set_defaults(handler=cmd_backup)

    restore = commands.add_parser("restore", help="restore a backup into an EMPTY database")
    restore.add_argument("directory", help="a backup directory made by `fabricloop backup`")
    restore.add_argument("--database-url", help="the empty database (default: DATABASE_URL)")
    restore.add_argument("--media-dir", help="where to put the media files (default: MEDIA_DIR)")
    restore.set_defaults(handler=cmd_restore)

    openapi = commands.add_parser("openapi", help="print the OpenAPI schema")
    openapi.add_argument("--output", "-o")
    openapi.set_defaults(handler=cmd_openapi)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
