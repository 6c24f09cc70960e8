"""The admin role: `fabricloop create-admin` makes it, the API never does."""

import os
import select as fd_select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fabricloop.auth.models import User
from fabricloop.config import Settings
from tests.factories import auth_headers, make_admin

PASSWORD = "Adm1nistrator"


def cli_env(tmp_path: Path, settings: Settings) -> dict[str, str]:
    assert settings.database_url is not None
    assert settings.redis_url is not None
    return {
        **os.environ,
        "VAR_DIR": str(tmp_path / "var"),
        "ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
    }


def create_admin(
    tmp_path: Path, settings: Settings, *args: str, text: str
) -> subprocess.CompletedProcess[str]:
    """Run create-admin with `text` on a standard input that is not a terminal."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "fabricloop.cli", "create-admin", *args],
        input=text,
        capture_output=True,
        text=True,
        env=cli_env(tmp_path, settings),
        timeout=120,
        check=False,
    )


async def admins(sessions: async_sessionmaker[AsyncSession], email: str) -> list[User]:
    async with sessions() as session:
        return list((await session.scalars(select(User).where(User.email == email))).all())


async def test_creates_an_admin_from_stdin_who_can_log_in(
    tmp_path: Path,
    settings: Settings,
    committed: async_sessionmaker[AsyncSession],
    committed_client: AsyncClient,
) -> None:
    result = create_admin(
        tmp_path,
        settings,
        "Ops@FabricLoop.example",
        "--company",
        "FabricLoop Ops",
        text=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    (user,) = await admins(committed, "ops@fabricloop.example")
    assert (user.role, user.company_name) == ("admin", "FabricLoop Ops")
    login = await committed_client.post(
        "/api/auth/login", json={"email": "ops@fabricloop.example", "password": PASSWORD}
    )
    assert login.status_code == 200
    assert login.json()["role"] == "admin"
    me = await committed_client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {login.json()['token']}"}
    )
    assert me.json()["role"] == "admin"
    again = create_admin(
        tmp_path, settings, "ops@fabricloop.example", "--company", "Other", text=PASSWORD
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr


@pytest.mark.parametrize(
    ("email", "company", "password", "problem"),
    [
        ("ops@fabricloop.example", "FabricLoop Ops", "weak", "password"),
        ("not-an-email", "FabricLoop Ops", PASSWORD, "email"),
        ("ops@fabricloop.example", "X", PASSWORD, "company_name"),
        ("ops@fabricloop.example", "Fabric\x01Loop" + "x" * 200, PASSWORD, "company_name"),
    ],
)
async def test_refuses_what_registration_refuses(
    tmp_path: Path,
    settings: Settings,
    committed: async_sessionmaker[AsyncSession],
    email: str,
    company: str,
    password: str,
    problem: str,
) -> None:
    result = create_admin(tmp_path, settings, email, "--company", company, text=password)
    assert result.returncode == 1
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    assert await admins(committed, "ops@fabricloop.example") == []


def typed_at_a_terminal(tmp_path: Path, settings: Settings, first: str, second: str) -> int:
    """Run create-admin with a terminal as stdin, typing each password once it is asked for
    (getpass flushes what was typed before its prompt)."""
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fabricloop.cli",
            "create-admin",
            "tty@fabricloop.example",
            "--company",
            "Ops",
        ],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(tmp_path, settings),
        start_new_session=True,  # no controlling terminal: getpass uses the given stdin
    )
    try:
        seen = b""
        for prompt, answer in ((b"Password: ", first), (b"(again): ", second)):
            deadline = time.monotonic() + 60
            while prompt not in seen:
                assert process.stderr is not None
                ready, _, _ = fd_select.select(
                    [process.stderr], [], [], deadline - time.monotonic()
                )
                chunk = os.read(process.stderr.fileno(), 1024) if ready else b""
                assert chunk, f"no prompt {prompt!r}; saw {seen!r}"
                seen += chunk
            seen = b""
            os.write(controller, answer.encode() + b"\n")
        return process.wait(timeout=120)
    finally:
        process.kill()
        process.communicate()
        os.close(controller)
        os.close(terminal)


async def test_a_terminal_is_asked_twice(
    tmp_path: Path, settings: Settings, committed: async_sessionmaker[AsyncSession]
) -> None:
    assert typed_at_a_terminal(tmp_path, settings, PASSWORD, PASSWORD + "X") == 2
    assert await admins(committed, "tty@fabricloop.example") == []
    assert typed_at_a_terminal(tmp_path, settings, PASSWORD, PASSWORD) == 0
    assert len(await admins(committed, "tty@fabricloop.example")) == 1


async def test_register_cannot_make_an_admin(client: AsyncClient, session: AsyncSession) -> None:
    response = await client.post(
        "/api/auth/register",
        json={
            "email": "sneaky@example.com",
            "password": PASSWORD,
            "company_name": "Sneaky Ltd",
            "role": "admin",
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "role"
    admin = await make_admin(session)
    me = await client.get("/api/auth/me", headers=auth_headers(admin))
    assert me.status_code == 200
    assert me.json()["role"] == "admin"
