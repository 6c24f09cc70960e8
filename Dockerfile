# syntax=docker/dockerfile:1
# FabricLoop: the web app built in a Node stage, the backend in a slim, non-root Python runtime.
# The same image runs the app (`fabricloop serve`) and the workers (`fabricloop worker`);
# compose.yaml shows both. docs/deployment.md explains the settings.

FROM node:20.20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

FROM python:3.12.12-slim-bookworm AS backend
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN python -m venv /opt/venv
COPY backend/requirements.lock backend/pyproject.toml backend/
# The lock pins every package the tests use too; the runtime needs none of these.
RUN grep -v -E '^(pytest|pytest-[a-z]+|playwright|mypy|mypy_extensions|ruff|hypothesis|schemathesis|pypdf|coverage|types-)' \
        backend/requirements.lock > /tmp/runtime.lock \
    && /opt/venv/bin/pip install --no-deps -r /tmp/runtime.lock
COPY backend/ backend/
# Installed in place: the migrations and alembic.ini are read from /app/backend.
RUN /opt/venv/bin/pip install --no-deps -e backend

FROM python:3.12.12-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 fabricloop \
    && useradd --system --uid 10001 --gid fabricloop --home-dir /app --no-create-home fabricloop \
    && mkdir -p /app/var \
    && chown fabricloop:fabricloop /app/var
COPY --from=backend /opt/venv /opt/venv
COPY --from=backend /app/backend /app/backend
COPY --from=web /src/frontend/dist /app/frontend/dist
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    VAR_DIR=/app/var \
    WEB_DIST_DIR=/app/frontend/dist
WORKDIR /app
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"]
# Migrates (under an advisory lock), then serves; workers run as their own containers.
CMD ["fabricloop", "serve", "--no-seed", "--no-worker"]
