# syntax=docker/dockerfile:1
# The web, worker and beat image. Build: `docker compose build`; see docker-compose.yml and the README.

# --- Front-end assets: GOV.UK Frontend compiled from the npm package -----------------------------------------
FROM node:22-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/build-assets.mjs scripts/
COPY frontend/ frontend/
RUN npm run build

# --- The application --------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

# Dependencies first, so code changes do not reinstall them: every package, transitive ones included, at the
# version and with the hashes requirements.lock records (make lock). The code runs from /app (not installed).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
COPY --from=assets /build/static/dist static/dist

# Hashed, compressed static files for whitenoise. The key only lets settings load for this step; it is not kept.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-real-secret-key-0123456789abcdefghij \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app
EXPOSE 8000
# Workers, threads and timeouts come from the environment (config/gunicorn_conf.py: WEB_CONCURRENCY, ...).
CMD ["gunicorn", "--config", "config/gunicorn_conf.py", "config.wsgi:application"]
