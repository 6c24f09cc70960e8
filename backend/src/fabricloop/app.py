"""create_app(): middleware, routers and the lifespan that owns pools and caches."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from fabricloop import __version__
from fabricloop.account.purge import purge_job
from fabricloop.account.router import router as account_router
from fabricloop.admin.router import router as admin_router
from fabricloop.arbitration.router import router as arbitration_router
from fabricloop.audit.router import router as audit_router
from fabricloop.auth.router import SIGN_IN_PATHS
from fabricloop.auth.router import router as auth_router
from fabricloop.auth.tokens import bearer_subject
from fabricloop.certificates.router import admin_router as certificates_admin_router
from fabricloop.certificates.router import router as certificates_router
from fabricloop.certificates.service import check_expiry
from fabricloop.companies.router import router as companies_router
from fabricloop.config import Settings, get_settings
from fabricloop.core.cache import Cache
from fabricloop.core.cache_epoch import CacheEpoch, start_epoch, stop_epoch
from fabricloop.core.db import create_engine, create_sessionmaker
from fabricloop.core.errors import install_error_handlers
from fabricloop.core.events import EventHub, use_publisher
from fabricloop.core.heap import freeze_startup_heap
from fabricloop.core.http import HttpSemanticsMiddleware
from fabricloop.core.jobs import Job
from fabricloop.core.limiter import Limiter
from fabricloop.core.limits import RequestLimitsMiddleware
from fabricloop.core.logging import configure_logging
from fabricloop.core.mailsink import install_dev_mail
from fabricloop.core.middleware import RequestContextMiddleware, content_security_policy
from fabricloop.core.openapi import install_openapi
from fabricloop.core.prefetched import Compression, PrefetchedResponseMiddleware
from fabricloop.core.queue import create_queue, use_queue
from fabricloop.core.ratelimit import RateLimitMiddleware
from fabricloop.core.redis import RedisServer, create_redis
from fabricloop.core.replica import ReadReplica
from fabricloop.core.spa import install_spa
from fabricloop.core.storage import (
    MediaFiles,
    Storage,
    create_private_storage,
    create_storage,
)
from fabricloop.disputes.router import router as disputes_router
from fabricloop.documents.router import router as documents_router
from fabricloop.events.router import router as events_router
from fabricloop.fx.router import router as fx_router
from fabricloop.health.router import router as health_router
from fabricloop.images.router import router as images_router
from fabricloop.images.service import ProcessingPool, unattached_purge
from fabricloop.invoices.router import router as invoices_router
from fabricloop.invoices.service import issue_due, render_pending
from fabricloop.materials.router import DETAIL_ENDPOINT, detail_key_of
from fabricloop.materials.router import router as materials_router
from fabricloop.materials.search import refresh_facet_counts
from fabricloop.messages.router import router as messages_router
from fabricloop.moderation.router import reports_router as listing_reports_router
from fabricloop.moderation.router import router as moderation_router
from fabricloop.notifications.router import router as notifications_router
from fabricloop.notifications.router import settings_router as notification_settings_router
from fabricloop.offers.router import router as offers_router
from fabricloop.offers.service import expire_offers
from fabricloop.ops.router import router as ops_router
from fabricloop.passports.router import identity_router
from fabricloop.passports.router import router as passports_router
from fabricloop.passports.signing import signing_keys
from fabricloop.payment_events.router import router as payment_events_router
from fabricloop.payments.gateway import PaymentGateway, create_gateway
from fabricloop.payments.router import router as payments_router
from fabricloop.payments.service import expire_unpaid, purge_idempotency_keys
from fabricloop.payouts.router import router as payouts_router
from fabricloop.payouts.service import complete_overdue
from fabricloop.refunds.router import router as refunds_router
from fabricloop.reports.router import router as reports_router
from fabricloop.saved_searches.router import router as saved_searches_router
from fabricloop.saved_searches.service import match_new_listings
from fabricloop.sellers.router import router as sellers_router
from fabricloop.seo.router import page_head as seo_page_head
from fabricloop.seo.router import router as seo_router
from fabricloop.shipping.router import router as shipping_router
from fabricloop.transactions.router import router as transactions_router

ROUTERS: list[APIRouter] = [
    health_router,
    ops_router,
    auth_router,
    account_router,
    images_router,
    materials_router,
    messages_router,
    events_router,
    notifications_router,
    notification_settings_router,
    passports_router,
    identity_router,
    reports_router,
    transactions_router,
    offers_router,
    saved_searches_router,
    sellers_router,
    fx_router,
    shipping_router,
    payments_router,
    payment_events_router,
    refunds_router,
    payouts_router,
    disputes_router,
    invoices_router,
    audit_router,
    companies_router,
    listing_reports_router,
    admin_router,
    moderation_router,
    documents_router,
    certificates_router,
    certificates_admin_router,
    arbitration_router,
    seo_router,
]

# The routers most requests reach, matched first: FastAPI tries a request against each route in
# turn, a few microseconds each, and an order or a payment walked past some 50 routes of others.
HOT_ROUTERS: list[APIRouter] = [
    materials_router,
    transactions_router,
    payments_router,
    messages_router,
    events_router,
    notifications_router,
]

# Responses of 500 bytes and more are compressed for clients that accept gzip.
COMPRESSION = Compression(minimum_size=500, level=9)

# Stripe.js (cards, 3-D Secure) with the Stripe gateway: its script, its frames, its API.
STRIPE_JS_SOURCES = {
    "script-src": ("https://js.stripe.com",),
    "frame-src": ("https://js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
}


def _rate_limit_user(secret: str, scope: Scope) -> str | None:
    """Who a request's rate-limit bucket belongs to: the user of a valid access token."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return bearer_subject(secret, value.decode("latin-1"))
    return None


def _telemetry(enabled: bool) -> TelemetryConfig | None:
    """FastAPI's OpenTelemetry instrumentation: its defaults when enabled; otherwise off, so a
    request skips its check for configured providers."""
    return None if enabled else {"tracing": False, "metrics": False, "logs": False}


def periodic_jobs(
    cache: Cache, storage: Storage, gateway: PaymentGateway, settings: Settings
) -> list[Job]:
    """The periodic work, run by `fabricloop worker` (worker.py schedules each)."""
    return [
        Job(
            "expire_unpaid_orders",
            partial(expire_unpaid, cache=cache, settings=settings, gateway=gateway),
        ),
        Job(
            "complete_shipped_orders", partial(complete_overdue, settings=settings, gateway=gateway)
        ),
        Job("expire_offers", expire_offers),
        Job("match_saved_searches", match_new_listings),
        Job("refresh_facet_counts", refresh_facet_counts),
        Job("purge_idempotency_keys", purge_idempotency_keys),
        Job("purge_deleted_accounts", purge_job),
        Job("purge_unattached_images", unattached_purge(storage)),
        Job("check_certificates", partial(check_expiry, cache=cache)),
        Job("render_documents", partial(render_pending, storage=create_private_storage(settings))),
        Job("issue_due_invoices", issue_due),
    ]


DESCRIPTION = """FabricLoop connects textile manufacturers with surplus, deadstock and waste
material to brands that need low-impact material and report Scope 3 emissions.

Errors always have the body `{"error": {"code", "message", "details"?, "request_id"}}`.
Pagination: `page` (>= 1) and `limit` (default 20; above 100 clamped to 100); a non-integer or
a value below 1 is a 400 `invalid_query`. Any `/api` route may also answer 429 `rate_limited`
(with `Retry-After`) over its rate limit (per user with a valid access token, 300 a minute;
else per client IP, 100 a minute, sign-in having a bucket of its own),
and 503 `service_unavailable` when the database is unreachable. Any request may answer 413
`payload_too_large` (a body over 1 MB, image uploads excepted), 431 `headers_too_large`
(headers over 32 KB) and 408 `request_timeout` (a body that stops arriving for 10 s);
docs/operations.md lists the limits."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    signing_keys(settings)  # a bad PASSPORT_SIGNING_KEY stops the start, not a request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.redis_url is None:
            raise RuntimeError("REDIS_URL is not set")
        app.state.engine = create_engine(settings)
        app.state.sessionmaker = create_sessionmaker(app.state.engine)
        app.state.replica = (
            ReadReplica(create_engine(settings, settings.database_read_url))
            if settings.database_read_url
            else None
        )
        redis_server = RedisServer()
        app.state.redis = create_redis(settings.redis_url, redis_server)
        app.state.cache = Cache(app.state.redis, redis_server)
        app.state.limiter = Limiter(app.state.cache)
        app.state.image_pool = ProcessingPool(settings.image_processing_slots, settings.image_queue)
        app.state.cache_epoch = CacheEpoch(app.state.engine, app.state.cache)
        await app.state.cache_epoch.sync()
        app.state.payment_gateway = create_gateway(settings)
        # Under ENV=test, tests sync the epoch themselves.
        epoch = start_epoch(app.state.cache_epoch) if settings.env != "test" else None
        # Jobs run in `fabricloop worker` processes; this process only enqueues (never under
        # ENV=test, where tests run the jobs directly).
        app.state.queue = (
            create_queue(settings.redis_url, settings.job_queue) if settings.env != "test" else None
        )
        previous_queue = use_queue(app.state.queue)
        app.state.events = EventHub(settings.redis_url)
        await app.state.events.start()
        # Both restored on the way out: another app in the process (a test's) keeps its own.
        previous_publisher = use_publisher(app.state.cache.batch)
        freeze_startup_heap()
        try:
            yield
        finally:
            if epoch is not None:
                await stop_epoch(app.state.cache_epoch, epoch)
            use_publisher(previous_publisher)
            await app.state.events.stop()
            use_queue(previous_queue)
            if app.state.queue is not None:
                await app.state.queue.disconnect()
            await app.state.payment_gateway.aclose()
            await app.state.redis.aclose()
            await app.state.engine.dispose()
            if app.state.replica is not None:
                await app.state.replica.engine.dispose()

    app = FastAPI(
        title="FabricLoop API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        telemetry=_telemetry(settings.otel_enabled),
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_openapi(
        app, [r.path for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    )
    for router in [*HOT_ROUTERS, *(r for r in ROUTERS if r not in HOT_ROUTERS)]:
        app.include_router(router)
    settings.media_path.mkdir(parents=True, exist_ok=True)
    app.state.storage = create_storage(settings)
    app.state.private_storage = create_private_storage(settings)
    app.mount("/media", MediaFiles(directory=settings.media_path), name="media")
    if settings.env == "development" and settings.smtp_url is None:
        install_dev_mail(app, settings.mail_dir)
    install_spa(app, settings.web_dist_dir, page_head=seo_page_head)

    # Added innermost first: the request context wraps everything, so every response (a 429
    # or a 500 included) carries its request id and security headers.
    app.add_middleware(
        GZipMiddleware, minimum_size=COMPRESSION.minimum_size, compresslevel=COMPRESSION.level
    )
    # Outside compression, so a HEAD carries GET's headers and an ETag names the bytes sent.
    app.add_middleware(HttpSemanticsMiddleware)
    # Outside both: a hit is sent as they would send it (compressed or not, tagged, a 304).
    app.add_middleware(
        PrefetchedResponseMiddleware, endpoint=DETAIL_ENDPOINT, compression=COMPRESSION
    )
    if settings.cors_origins:
        # Only with origins to allow: without any, every response is the same whatever the
        # Origin, and the middleware would only add `Vary: Origin` to each (127 instead of 136
        # µs of CPU per cached read, measured); a preflight meets the routes as any OPTIONS.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "Content-Disposition"],
        )
    app.add_middleware(
        RateLimitMiddleware,
        limit=settings.rate_limit_per_minute,
        user_limit=max(settings.rate_limit_per_user_per_minute, settings.rate_limit_per_minute),
        proxies=settings.trusted_proxies,
        prefetch=detail_key_of,
        identify=partial(_rate_limit_user, settings.jwt_secret),
        session_paths=SIGN_IN_PATHS,
    )
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_header_bytes=settings.max_header_bytes,
        body_timeout_seconds=settings.body_read_timeout_seconds,
    )
    app.add_middleware(
        RequestContextMiddleware,
        hsts=settings.env == "production",
        csp=content_security_policy(STRIPE_JS_SOURCES if settings.stripe_secret_key else None),
    )
    return app


def create_configured_app() -> FastAPI:
    """Factory for the ASGI server: configure logging, then build the app."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_path)
    return create_app(settings)
