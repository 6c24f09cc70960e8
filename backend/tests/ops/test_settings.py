import json
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey
from pydantic import ValidationError

from fabricloop.config import Settings

PRODUCTION = {
    "env": "production",
    "jwt_secret": "j" * 48,
    "database_url": "postgresql://fabricloop@db.internal:5432/fabricloop",
    "redis_url": "redis://cache.internal:6379/0",
    "public_base_url": "https://fabricloop.example",
    "passport_signing_key": json.dumps(ECKey.generate_key("P-256").as_dict(private=True)),
    "stripe_secret_key": "sk_live_" + "k" * 24,
    "stripe_webhook_secret": "whsec_" + "w" * 24,
    "stripe_publishable_key": "pk_live_" + "p" * 24,
    "metrics_token": "m" * 32,
    "smtp_url": "smtp://mailer:secret@relay.internal:587",
}


def production(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, Any] = {**PRODUCTION, "var_dir": tmp_path, **overrides}
    return Settings(_env_file=None, **values)


class TestProductionSettings:
    def test_complete_configuration(self, tmp_path: Path) -> None:
        settings = production(tmp_path)
        assert settings.env == "production"

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"database_url": None}, "DATABASE_URL must be set"),
            ({"redis_url": ""}, "REDIS_URL must be set"),
            ({"smtp_url": None}, "SMTP_URL must be set"),
            ({"public_base_url": "http://fabricloop.example"}, "PUBLIC_BASE_URL"),
            ({"stripe_webhook_secret": None}, "STRIPE_WEBHOOK_SECRET"),
            ({"stripe_publishable_key": None}, "STRIPE_PUBLISHABLE_KEY"),
            ({"stripe_secret_key": None}, "STRIPE_SECRET_KEY must be set"),
            ({"stripe_secret_key": ""}, "STRIPE_SECRET_KEY must be set"),
            ({"metrics_token": "short"}, "METRICS_TOKEN"),
            ({"metrics_token": None}, "METRICS_TOKEN must be set"),
            ({"jwt_secret": "change-me"}, "JWT_SECRET"),
            ({"jwt_secret": "too-short"}, "JWT_SECRET"),
            ({"passport_signing_key": None}, "PASSPORT_SIGNING_KEY must be set"),
        ],
    )
    def test_refused(self, tmp_path: Path, overrides: dict[str, object], message: str) -> None:
        with pytest.raises(ValidationError, match=message):
            production(tmp_path, **overrides)

    def test_development_needs_none_of_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The shell running the tests may export one.
        monkeypatch.delenv("DATABASE_URL", raising=False)
        settings = Settings(_env_file=None, env="development", var_dir=tmp_path)
        assert settings.database_url is None
        assert settings.jwt_secret

    def test_production_example_names_only_real_settings(self) -> None:
        example = Path(__file__).resolve().parents[3] / ".env.production.example"
        names = {
            line.split("=", 1)[0].strip()
            for line in example.read_text().splitlines()
            if "=" in line and not line.lstrip().startswith("#")
        }
        known = {name.upper() for name in Settings.model_fields}
        assert names - known == set()
        assert {"DATABASE_URL", "REDIS_URL", "JWT_SECRET", "PUBLIC_BASE_URL"} <= names


@pytest.mark.parametrize("name", ["", "fabric loop", "q" * 65, "queue\x00", "a:b", "é"])
def test_job_queue_name_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValidationError, match="job_queue"):
        Settings(_env_file=None, var_dir=tmp_path, job_queue=name)


class TestPgBouncerMode:
    async def test_engine_prepares_nothing_it_would_reuse(
        self, settings: Settings, migrated: str
    ) -> None:
        from sqlalchemy import text

        from fabricloop.core.db import create_engine

        engine = create_engine(settings.model_copy(update={"db_pgbouncer": True}), migrated)
        try:
            async with engine.connect() as connection:
                for _ in range(3):
                    assert (await connection.execute(text("SELECT 1"))).scalar() == 1
                raw = await connection.get_raw_connection()
                driver = raw.driver_connection
                assert driver is not None
                assert driver._stmt_cache.get_max_size() == 0
        finally:
            await engine.dispose()
