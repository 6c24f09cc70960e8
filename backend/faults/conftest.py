"""The fault suite's own servers (faults.cluster), started once for the module and torn down
after it; every test runs app processes against them."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from faults.cluster import App, Postgres, base_directory, migrate
from tests.servers import RedisProcess


@dataclass
class Cluster:
    directory: Path
    postgres: Postgres
    redis: RedisProcess

    def app(self, **settings: str) -> App:
        env = {
            "ENV": "development",
            "DATABASE_URL": self.postgres.url,
            "REDIS_URL": self.redis.url,
            "JWT_SECRET": "faults-" + "s" * 48,
            "SEED_DEMO": "false",
            "JOBS_ENABLED": "false",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "REGISTER_MAX_PER_IP": "100000",
            "VAR_DIR": str(self.directory / "var"),
            "LOG_LEVEL": "warning",
            "DB_POOL_TIMEOUT_SECONDS": "3",
            **settings,
        }
        return App(self.directory, env)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    directory = base_directory()
    postgres = Postgres(directory)
    redis = RedisProcess(directory / "redis")
    try:
        postgres.init()
        postgres.start()
        redis.start()
        migrate(postgres.url, redis.url)
        yield Cluster(directory, postgres, redis)
    finally:
        redis.stop()
        postgres.stop()
        # FAULTS_KEEP=1 keeps the servers' data and the apps' logs for a look after a failure.
        if not os.environ.get("FAULTS_KEEP"):
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def apps(cluster: Cluster) -> Iterator[list[App]]:
    """App processes a test starts; stopped after it."""
    started: list[App] = []
    yield started
    for app in started:
        app.stop()
