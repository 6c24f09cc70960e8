"""One Settings class, read from the environment (and `.env`), validated at start-up."""

import secrets
import sys
from decimal import Decimal
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[3]
DEV_SECRET_PLACEHOLDER = "change-me"  # noqa: S105 - the value production must refuse


class Settings(BaseSettings):
    # env_ignore_empty: `KEY=` (as in .env.example) means "use the default", never "".
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)

    var_dir: Path = REPO_ROOT / "var"
    database_url: str | None = None
    # A streaming replica for searches; used only once it has replayed every listing change
    database_read_url: str | None = None
    redis_url: str | None = None
    # The job queue's name in Redis: the app enqueues on it and `fabricloop worker` takes from
    # it. Servers on one Redis database but different PostgreSQL ones each need their own.
    job_queue: str = Field("fabricloop", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    # Connections the pool keeps open: as many as one process's requests use at once. A
    # connection returned while this many are idle is closed (SQLAlchemy's QueuePool), and the
    # next burst opens a new one: a PostgreSQL backend started and every statement prepared
    # again (docs/performance.md, fifteenth round).
    db_pool_size: int = Field(30, ge=1, le=200)
    db_max_overflow: int = Field(10, ge=0, le=200)
    db_pool_timeout_seconds: float = Field(5.0, gt=0)
    db_statement_timeout_ms: int = Field(15000, ge=100)
    # Connecting through PgBouncer in transaction mode (docs/deployment.md)
    db_pgbouncer: bool = False

    jwt_secret: str = ""
    access_token_ttl_seconds: int = Field(24 * 3600, ge=60)
    refresh_token_ttl_seconds: int = Field(30 * 24 * 3600, ge=60)
    bcrypt_rounds: int = Field(12, ge=12, le=16)
    # Failed logins per account and IP pair, then per account from every IP, refilled over
    # the window (core.limiter); registrations per IP.
    login_max_failures: int = Field(10, ge=1)
    login_account_max_failures: int = Field(100, ge=1)
    login_window_seconds: int = Field(15 * 60, ge=1)
    register_max_per_ip: int = Field(20, ge=1)
    register_window_seconds: int = Field(3600, ge=1)

    # Requests a minute on /api per client IP (anonymous), and per user with a valid access
    # token (never below the per-IP figure).
    rate_limit_per_minute: int = Field(100, ge=1)
    rate_limit_per_user_per_minute: int = Field(300, ge=1)
    # Request limits in the app (core.limits): a body (uploads have their own), all headers
    # together, and the wait for each part of a body.
    # Image decoding per process: threads at once, uploads waiting beyond them; per account a
    # minute.
    image_processing_slots: int = Field(2, ge=1, le=64)
    image_queue: int = Field(4, ge=0, le=1000)
    uploads_per_minute: int = Field(20, ge=1)
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    max_header_bytes: int = Field(32 * 1024, ge=1024)
    body_read_timeout_seconds: float = Field(10.0, gt=0)
    # A search counts its matches exactly up to this many; past it `total` is the bound and
    # `total_approximate` true (an exact count at 1M listings took seconds).
    search_count_limit: int = Field(10_000, ge=1)
    cors_origins: Annotated[list[str], NoDecode] = []
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = []

    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    # Given to the browser for Stripe.js (cards and 3-D Secure); public by design.
    stripe_publishable_key: str | None = None
    stripe_api_base: str | None = None
    # The sandbox gateway (no STRIPE_SECRET_KEY) answers after this long, like a real one.
    sandbox_latency_ms: int = Field(0, ge=0, le=60_000)
    order_expiry_minutes: int = Field(30, ge=1)
    # An open offer expires this long after its last round.
    offer_ttl_hours: int = Field(72, ge=1, le=24 * 365)
    # The platform's commission on each paid order, in percent of what the buyer keeps paid.
    platform_fee_percent: Decimal = Field(Decimal("5"), ge=0, le=100, decimal_places=2)
    # A shipped order the buyer neither confirms nor disputes completes after these days.
    auto_complete_days: int = Field(14, ge=1)
    # The buyer may open a dispute until these days after shipping.
    dispute_window_days: int = Field(14, ge=1)
    # How often a worker looks for unpaid orders past their expiry
    expiry_check_seconds: int = Field(30, ge=1, le=59)
    idempotency_ttl_hours: int = Field(24, ge=24)

    public_base_url: str = "http://127.0.0.1:8000"
    # The private EC P-256 JWK (JSON) that signs passports; required in production, generated
    # once into var/ otherwise. Retired public JWKs (a JSON list) stay in the DID document.
    passport_signing_key: str | None = None
    passport_retired_keys: str | None = None
    # The SMTP server the worker sends through; unset outside production: an embedded sink
    # keeping the mails under var/mail (SMTP_SINK_PORT), listed at /dev/mail.
    smtp_url: str | None = None
    smtp_sink_port: int = Field(8025, ge=1, le=65535)
    mail_from: str = Field("FabricLoop <notifications@fabricloop.local>", min_length=3)
    media_dir: Path | None = None
    # Where uploads are stored: the local directory (MEDIA_DIR), or an S3-compatible bucket
    # when STORAGE_URL=s3://bucket/prefix is set (credentials: the standard AWS variables).
    storage_backend: Literal["local"] = "local"
    storage_url: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    # Where browsers fetch the objects (a CDN, or the bucket's public URL); default: the
    # endpoint's (or AWS's) URL of the bucket and prefix.
    s3_public_url: str | None = None
    # Files only their owner (and the operator) may read, served through the API and never
    # under /media: certificate documents. The local directory PRIVATE_DIR (default
    # var/private), or PRIVATE_STORAGE_URL=s3://bucket/prefix, a bucket or prefix that allows
    # no anonymous reads (same endpoint, region and credentials as STORAGE_URL).
    private_dir: Path | None = None
    private_storage_url: str | None = None
    web_dist_dir: Path = REPO_ROOT / "frontend" / "dist"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_file: Path | None = None
    metrics_token: str | None = None
    # FastAPI's own OpenTelemetry traces, metrics and logs of each request, exported through
    # the providers an OpenTelemetry SDK installed beside the app configures. Off by default:
    # the app's Prometheus metrics and JSON logs cover each request, and asking whether a
    # provider is configured costs every request about 3 % of a cached read's CPU.
    otel_enabled: bool = False
    deletion_grace_days: int = Field(30, ge=0)
    seed_demo: bool = True

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [ip_network(p.strip(), strict=False) for p in value.split(",") if p.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_level(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.lower()
            return "warning" if value == "warn" else value
        return value

    @field_validator("storage_url", "private_storage_url")
    @classmethod
    def _storage_scheme(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("s3://") and len(value) > len("s3://")):
            raise ValueError("must be an s3://bucket/prefix URL")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("smtp://", "smtps://")):
            raise ValueError("must be an smtp:// or smtps:// URL")
        return value

    @field_validator(
        "database_url",
        "database_read_url",
        "redis_url",
        "smtp_url",
        "storage_url",
        "private_storage_url",
        "s3_endpoint_url",
        "s3_public_url",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", "database_read_url")
    @classmethod
    def _postgres_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
            raise ValueError("must be a postgresql:// URL")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return value

    @model_validator(mode="after")
    def _secret(self) -> "Settings":
        if self.env == "production":
            if not self.jwt_secret or self.jwt_secret == DEV_SECRET_PLACEHOLDER:
                raise ValueError("JWT_SECRET must be set to a random value in production")
            if len(self.jwt_secret) < 32:
                raise ValueError("JWT_SECRET must be at least 32 characters in production")
        elif not self.jwt_secret or self.jwt_secret == DEV_SECRET_PLACEHOLDER:
            self.jwt_secret = _development_secret(self.var_dir)
        return self

    @model_validator(mode="after")
    def _production_services(self) -> "Settings":
        """Production never falls back to the embedded servers or plain HTTP links."""
        if self.env != "production":
            return self
        problems = []
        if self.database_url is None:
            problems.append("DATABASE_URL must be set (no embedded PostgreSQL in production)")
        if self.redis_url is None:
            problems.append("REDIS_URL must be set (no embedded Redis in production)")
        if self.smtp_url is None:
            problems.append("SMTP_URL must be set (no embedded mail sink in production)")
        if not self.public_base_url.startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be an https:// URL")
        if not self.passport_signing_key:
            problems.append("PASSPORT_SIGNING_KEY must be set (the key that signs passports)")
        # Without a key the sandbox gateway would mark orders paid with no money moved.
        if not self.stripe_secret_key:
            problems.append("STRIPE_SECRET_KEY must be set (no sandbox payments in production)")
        elif not self.stripe_webhook_secret:
            problems.append("STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY")
        elif not self.stripe_publishable_key:
            problems.append("STRIPE_PUBLISHABLE_KEY must be set with STRIPE_SECRET_KEY")
        if not self.metrics_token or len(self.metrics_token) < 16:
            problems.append("METRICS_TOKEN must be set to at least 16 characters (/metrics)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def media_path(self) -> Path:
        return self.media_dir or self.var_dir / "media"

    @property
    def private_path(self) -> Path:
        return self.private_dir or self.var_dir / "private"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def log_path(self) -> Path:
        return self.log_file or self.var_dir / "log" / "fabricloop.log"


def _development_secret(var_dir: Path) -> str:
    """A random secret made once per checkout, so development tokens survive restarts."""
    path = var_dir / "jwt_secret"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def describe_error(error: ValidationError) -> str:
    lines = ["Invalid configuration:"]
    for item in error.errors():
        name = "_".join(str(p) for p in item["loc"]).upper() or "SETTINGS"
        lines.append(f"  {name}: {item['msg']}")
    return "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        print(describe_error(error), file=sys.stderr)
        raise SystemExit(2) from None
