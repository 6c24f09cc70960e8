"""Property-based fuzzing of the whole API from its OpenAPI schema: no request, valid or not,
may produce a server error or a response the schema does not describe.

The app runs against a database of its own (schemathesis commits what it creates), with an
account whose token authenticates every call, so the authenticated paths are exercised too;
the operator's routes are fuzzed again with an admin's token, past their 403."""

import asyncio
import os
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.engine import make_url

from fabricloop.app import create_app
from fabricloop.auth import service as auth
from fabricloop.config import Settings
from fabricloop.core import migrate
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.ops.pgtools import connect

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    # pytest-asyncio owns this thread's event loop: a fresh one in another thread is safe.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def _recreate(url: str) -> None:
    parsed = make_url(url)
    connection = await connect(parsed.set(database="postgres").render_as_string(False))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings) -> Any:
    assert settings.database_url is not None
    base = make_url(settings.database_url)
    url = base.set(database=f"{base.database}_fuzz").render_as_string(False)
    _in_thread(_recreate(url))
    migrate.upgrade(url)
    return create_app(settings.model_copy(update={"database_url": url}))


PASSWORD = "Fuzz1ngPassword"


def _login(fuzz_app: Any, email: str) -> str:
    with asgi.get_client(fuzz_app) as client:
        login = client.post(
            f"http://{asgi.HOST}/api/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        value: str = login.json()["token"]
        return value


@pytest.fixture(scope="module")
def token(fuzz_app: Any) -> str:
    email = f"fuzz-{uuid.uuid4().hex[:10]}@example.com"
    with asgi.get_client(fuzz_app) as client:
        registered = client.post(
            f"http://{asgi.HOST}/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "company_name": "Fuzz Mills",
                "role": "manufacturer",
            },
        )
        assert registered.status_code == 201, registered.text
    return _login(fuzz_app, email)


@pytest.fixture(scope="module")
def admin_token(fuzz_app: Any) -> str:
    """An operator, made the only way one can be: by the service behind `create-admin`."""
    settings: Settings = fuzz_app.state.settings
    email = f"fuzz-admin-{uuid.uuid4().hex[:10]}@example.com"

    async def create() -> None:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                await auth.create_admin(session, settings, email, PASSWORD, "Fuzz Operator")
                await session.commit()
        finally:
            await engine.dispose()

    _in_thread(create())
    return _login(fuzz_app, email)


@pytest.fixture(scope="module")
def api_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_app)


def _fuzz(operation: Any, token: str) -> None:
    # Logging out or deleting the fuzzing account would turn every later call into a 401.
    anonymous = operation.path in ("/api/auth/delete", "/api/auth/logout")
    headers = {} if anonymous else {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def _describe(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return "\n".join(_describe(e) for e in error.exceptions) + f"\n{error}"
    return f"{type(error).__name__}: {error}"


def _fuzz_all(api_schema: Any, token: str, prefix: str = "/") -> int:
    """Every operation under `prefix`, fuzzed in turn; the failures of all of them are reported
    together. (schemathesis' own pytest loader does not work with pytest 9, hence the loop.)"""
    failures = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(prefix):
            continue
        operations += 1
        try:
            _fuzz(operation, token)
        except (Exception, BaseExceptionGroup) as error:  # FailureGroup is a BaseExceptionGroup
            failures.append(f"{operation.method.upper()} {operation.path}:\n{_describe(error)}")
    assert not failures, "\n\n".join(failures)
    return operations


def test_api_matches_its_schema(api_schema: Any, token: str) -> None:
    assert _fuzz_all(api_schema, token) > 10


def test_admin_api_matches_its_schema(api_schema: Any, admin_token: str) -> None:
    """The operator's routes with an operator's token: their validation, 404s and 409s."""
    assert _fuzz_all(api_schema, admin_token, "/api/admin/") > 10
