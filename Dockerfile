# Khabar API image. Production runs on PostgreSQL: set KHABAR_DATABASE_URL
# (postgresql+asyncpg://…), KHABAR_SECRET_KEY and KHABAR_ENV=production.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/khabar
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    KHABAR_ENV=production \
    KHABAR_HOST=0.0.0.0 \
    KHABAR_PORT=8000 \
    KHABAR_MEDIA_DIR=/var/lib/khabar/media \
    KHABAR_DATABASE_URL=sqlite+aiosqlite:////var/lib/khabar/khabar.db \
    KHABAR_SEED_DEMO=false
RUN useradd --system --home /srv/khabar --uid 10001 khabar \
    && mkdir -p /var/lib/khabar/media && chown -R khabar /var/lib/khabar
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/khabar
COPY alembic.ini ./
COPY migrations ./migrations
USER khabar
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os;urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"KHABAR_PORT\"]}/healthz')"
# A single instance migrates, then serves. With several replicas, run `khabar migrate` once as
# a release step and start the replicas with `khabar serve` (the first admin is created safely
# by whichever worker gets there first).
CMD ["sh", "-c", "khabar migrate && exec khabar serve --workers ${WEB_CONCURRENCY:-2}"]
