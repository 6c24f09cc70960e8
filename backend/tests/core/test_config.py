"""Settings: validated at start-up with messages that name the variable; JWT secret rules."""

import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fabricloop.config import DEV_SECRET_PLACEHOLDER, Settings, describe_error, get_settings

VARIABLES = [
    "ENV",
    "PORT",
    "LOG_LEVEL",
    "DATABASE_URL",
    "REDIS_URL",
    "JWT_SECRET",
    "VAR_DIR",
    "PUBLIC_BASE_URL",
    "STRIPE_SECRET_KEY",
    "METRICS_TOKEN",
    "CORS_ORIGINS",
    "TRUSTED_PROXIES",
    "PASSPORT_SIGNING_KEY",
    "PASSPORT_RETIRED_KEYS",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))


def message_for(**environment: str) -> str:
    # Strings for fields of any type, as the environment gives them.
    values: dict[str, Any] = dict(environment)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **values)
    return describe_error(caught.value)


class TestValidation:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("PORT", "eighty"),
            ("PORT", "70000"),
            ("PORT", "0"),
            ("LOG_LEVEL", "verbose"),
            ("DATABASE_URL", "mysql://root@localhost/db"),
            ("DATABASE_URL", "not a url"),
            ("DATABASE_READ_URL", "mysql://replica/db"),
            ("REDIS_URL", "http://localhost:6379"),
            ("ENV", "staging"),
            ("RATE_LIMIT_PER_MINUTE", "-5"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip"),
            ("SMTP_URL", "http://mail.example"),
            ("SMTP_SINK_PORT", "0"),
        ],
    )
    def test_bad_variable_is_named(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
    ) -> None:
        monkeypatch.setenv(variable, value)
        text = message_for()
        assert text.startswith("Invalid configuration:")
        assert f"  {variable}: " in text

    @pytest.mark.parametrize(("value", "expected"), [("WARN", "warning"), ("Debug", "debug")])
    def test_log_level_spellings(
        self, monkeypatch: pytest.MonkeyPatch, value: str, expected: str
    ) -> None:
        monkeypatch.setenv("LOG_LEVEL", value)
        assert Settings(_env_file=None).log_level == expected

    def test_lists_from_commas(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example,")
        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16")
        settings = Settings(_env_file=None)
        assert settings.cors_origins == ["https://a.example", "https://b.example"]
        assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/16"]

    def test_blank_urls_mean_unset(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", " ")
        monkeypatch.setenv("REDIS_URL", "")
        monkeypatch.setenv("DATABASE_READ_URL", "  ")
        settings = Settings(_env_file=None)
        assert settings.database_url is None
        assert settings.redis_url is None
        assert settings.database_read_url is None

    def test_start_up_exits_with_the_message(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("PORT", "eighty")
        get_settings.cache_clear()
        try:
            with pytest.raises(SystemExit) as caught:
                get_settings()
        finally:
            get_settings.cache_clear()
        assert caught.value.code == 2
        error = capsys.readouterr().err
        assert "PORT" in error
        assert "Traceback" not in error


class TestJwtSecret:
    @pytest.mark.parametrize("secret", ["", DEV_SECRET_PLACEHOLDER, "short-but-set"])
    def test_production_refuses_missing_default_or_short(
        self, monkeypatch: pytest.MonkeyPatch, secret: str
    ) -> None:
        monkeypatch.setenv("ENV", "production")
        monkeypatch.setenv("JWT_SECRET", secret)
        assert "JWT_SECRET" in message_for()

    def test_production_accepts_a_real_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("ENV", "production")
        monkeypatch.setenv("JWT_SECRET", "s" * 48)
        monkeypatch.setenv("DATABASE_URL", "postgresql://app@db.internal/fabricloop")
        monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/0")
        monkeypatch.setenv("PUBLIC_BASE_URL", "https://fabricloop.example")
        monkeypatch.setenv("PASSPORT_SIGNING_KEY", '{"kty": "EC"}')  # checked at app start
        monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_" + "k" * 24)
        monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_" + "w" * 24)
        monkeypatch.setenv("STRIPE_PUBLISHABLE_KEY", "pk_live_" + "p" * 24)
        monkeypatch.setenv("METRICS_TOKEN", "m" * 32)
        monkeypatch.setenv("SMTP_URL", "smtp://relay.internal:587")
        assert Settings(_env_file=None).jwt_secret == "s" * 48

    def test_production_never_generates_one(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("ENV", "production")
        message_for()
        assert not (tmp_path / "var" / "jwt_secret").exists()

    def test_development_generates_once_and_reuses(self, tmp_path: Path) -> None:
        var_dir = tmp_path / "var"
        first = Settings(_env_file=None).jwt_secret
        stored = var_dir / "jwt_secret"
        assert stored.read_text() == first
        assert len(first) >= 43
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert Settings(_env_file=None).jwt_secret == first
        assert Settings(_env_file=None, jwt_secret=DEV_SECRET_PLACEHOLDER).jwt_secret == first

    def test_development_keeps_an_explicit_secret(self, tmp_path: Path) -> None:
        settings = Settings(_env_file=None, jwt_secret="mine-" + "x" * 30)
        assert settings.jwt_secret.startswith("mine-")
        assert not (tmp_path / "var" / "jwt_secret").exists()

    def test_each_checkout_gets_its_own(self, tmp_path: Path) -> None:
        one = Settings(_env_file=None, var_dir=tmp_path / "a").jwt_secret
        two = Settings(_env_file=None, var_dir=tmp_path / "b").jwt_secret
        assert one != two


def test_blank_values_mean_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # .env.example lists every setting as `KEY=`: copying it must change nothing.
    for name in (
        "MEDIA_DIR",
        "LOG_FILE",
        "METRICS_TOKEN",
        "STRIPE_API_BASE",
        "CORS_ORIGINS",
        "SMTP_URL",
    ):
        monkeypatch.setenv(name, "")
    settings = Settings(var_dir=tmp_path)
    assert settings.smtp_url is None
    assert settings.media_dir is None
    assert settings.media_path == tmp_path / "media"
    assert settings.log_file is None
    assert settings.metrics_token is None
    assert settings.stripe_api_base is None
    assert settings.cors_origins == []
